"""`eventops init`, and the database check every serving command makes before it starts."""

from __future__ import annotations

import argparse
import asyncio

from sqlalchemy.ext.asyncio import AsyncEngine

from eventops import diagnose
from eventops.cli.common import Subcommands, command
from eventops.settings import Settings
from eventops.storage import health
from eventops.storage.db import create_engine
from eventops.storage.migrations import current_revision, migrate


def cmd_init(args: argparse.Namespace, settings: Settings) -> int:
    """Create or upgrade the database schema."""
    migrate(settings.database_url)
    print("database ready")
    return 0


def add_commands(sub: Subcommands) -> None:
    """`init`."""
    command(sub, "init", cmd_init, "create or upgrade the database schema")


def check_database(settings: Settings) -> None:
    """Refuse to serve a database that does not answer or whose schema is not at the newest revision."""

    async def check() -> None:
        engine = create_engine(settings.database_url)
        try:
            await check_ready(engine, settings.database_url)
        finally:
            await engine.dispose()

    asyncio.run(check())


async def check_ready(engine: AsyncEngine, url: str) -> None:
    """One connection reads the schema's revision. SetupError with the operator's one line when the database
    is down or missing (worded by `diagnose`, else the driver's first line) or its schema is behind."""
    try:
        async with engine.connect() as conn:
            revision = await current_revision(conn)
    except Exception as exc:
        raise diagnose.SetupError(diagnose.explain(exc, url) or health.unavailable_reason(exc)) from exc
    status, reason = health.schema_state(revision)
    if status != "ok":
        raise diagnose.SetupError(reason)
