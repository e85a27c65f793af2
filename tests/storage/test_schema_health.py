"""A database whose schema is missing or behind: `serve` refuses it, and /healthz does not call it healthy."""

from __future__ import annotations

import asyncio
import subprocess
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import Pool

from eventops.app import create_app
from eventops.cli.database import check_database
from eventops.diagnose import SetupError
from eventops.settings import Settings
from eventops.storage.migrations import migrate
from tests.conftest import BACKENDS, PG_URL, _admin
from tests.serving import SERVE, free_port, serve_env


@pytest.fixture(params=BACKENDS)
async def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A database without any schema: a new SQLite file, or a new PostgreSQL database (dropped after)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"eventops_empty_{uuid.uuid4().hex[:12]}"
    await _admin(PG_URL, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        await _admin(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _serve(db_url: str) -> subprocess.CompletedProcess[str]:
    argv = [*SERVE, "--port", str(free_port())]
    try:
        return subprocess.run(argv, env=serve_env(db_url), capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("serve started on a database without the schema")


def _refused_naming_init(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("error: ") and "eventops init" in line


def test_serve_refuses_a_database_without_the_schema(empty_db_url: str) -> None:
    _refused_naming_init(_serve(empty_db_url))


async def test_serve_refuses_a_schema_behind_the_newest_revision(empty_db_url: str) -> None:
    migrate(empty_db_url, "0005")
    _refused_naming_init(_serve(empty_db_url))


async def test_serve_checks_the_database_on_one_connection(empty_db_url: str) -> None:
    settings = Settings(database_url=empty_db_url, secret_key="k")
    opened: list[object] = []

    def count(dbapi_connection: object, _record: object) -> None:
        opened.append(dbapi_connection)

    event.listen(Pool, "connect", count)  # every pool's, the check's own engine included
    try:
        with pytest.raises(SetupError, match="eventops init"):
            await asyncio.to_thread(check_database, settings)
        refused = len(opened)
        migrate(empty_db_url)
        opened.clear()
        await asyncio.to_thread(check_database, settings)
        served = len(opened)
    finally:
        event.remove(Pool, "connect", count)
    assert (refused, served) == (1, 1)


async def test_healthz_is_unavailable_until_the_schema_is_at_the_newest_revision(
    aiohttp_client: Any, empty_db_url: str
) -> None:
    client = await aiohttp_client(create_app(Settings(database_url=empty_db_url, secret_key="k")))
    resp = await client.get("/healthz")
    assert resp.status == 503
    assert await resp.json() == {"status": "schema_outdated"}
    migrate(empty_db_url, "0005")
    resp = await client.get("/healthz")
    assert (resp.status, await resp.json()) == (503, {"status": "schema_outdated"})
    migrate(empty_db_url)
    resp = await client.get("/healthz")
    assert (resp.status, await resp.json()) == (200, {"status": "ok"})
