"""`eventops init`, and the database check every serving command makes before it starts."""

from __future__ import annotations

import argparse
import asyncio

from sqlmodel.ext.asyncio.session import AsyncSession

from eventops import diagnose
from eventops.cli.common import Subcommands, command, run
from eventops.settings import Settings
from eventops.storage import health
from eventops.storage.db import create_engine
from eventops.storage.migrations import migrate


def cmd_init(args: argparse.Namespace, settings: Settings) -> int:
    """Create or upgrade the database schema."""
    migrate(settings.database_url)
    print("database ready")
    return 0


def add_commands(sub: Subcommands) -> None:
    """`init`."""
    command(sub, "init", cmd_init, "create or upgrade the database schema")


def check_database(settings: Settings) -> None:
    """Refuse to serve a database that is down or missing (the driver's error, which `diagnose` words) or
    whose schema is not at the newest revision (SetupError)."""

    async def connect(session: AsyncSession) -> None:
        await session.connection()

    run(settings, connect)

    async def check() -> tuple[str, str]:
        engine = create_engine(settings.database_url)
        try:
            return await health.check(engine)
        finally:
            await engine.dispose()

    status, reason = asyncio.run(check())
    if status != "ok":
        raise diagnose.SetupError(reason)
