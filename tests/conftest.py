"""Shared fixtures: a real database (SQLite always, PostgreSQL when configured) and the real app."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import NoReturn

import asyncpg
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from eventops.accounts import auth
from eventops.app import create_app
from eventops.settings import Settings
from eventops.storage.db import create_engine, make_sessionmaker
from eventops.storage.migrations import migrate

PG_URL = os.environ.get("EVENTOPS_TEST_DATABASE_URL", "")
PUBLIC_URL = "http://eventops.test"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without EVENTOPS_TEST_DATABASE_URL the PostgreSQL cases are skipped (CI always sets it)."""
    if PG_URL:
        return
    skip = pytest.mark.skip(reason="EVENTOPS_TEST_DATABASE_URL is not set")
    for item in items:
        if "postgresql" in item.keywords:
            item.add_marker(skip)


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _admin(url: str, *statements: str) -> None:
    conn = await asyncpg.connect(_asyncpg_dsn(url), timeout=10)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate(f"sqlite+aiosqlite:///{path}")
    return path


def _postgresql_unreachable(reason: str) -> NoReturn:
    """Skip a PostgreSQL case locally, but fail it under CI=true: CI never passes without its database."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must run the PostgreSQL tests", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str | OSError]:
    """A PostgreSQL database of this test session's own, migrated once, dropped at the end; "" without
    EVENTOPS_TEST_DATABASE_URL, the connection error when its server cannot be reached (see `db_url`)."""
    if not PG_URL:
        yield ""
        return
    name = f"eventops_test_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_admin(PG_URL, f'CREATE DATABASE "{name}"'))
    except OSError as exc:  # refused, unknown host, timed out: the SQLite cases still run
        yield exc
        return
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    try:
        migrate(url)
        yield url
    finally:
        asyncio.run(_admin(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=BACKENDS)
async def db_url(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path, pg_database: str | OSError
) -> AsyncIterator[str]:
    """An empty, migrated database for one test: a copied SQLite file or a truncated PostgreSQL one."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copyfile(sqlite_template, path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    if isinstance(pg_database, OSError):
        where = make_url(PG_URL).render_as_string(hide_password=True)
        _postgresql_unreachable(f"PostgreSQL could not be reached at {where}: {pg_database}")
    url = pg_database
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    await _admin(url, f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    yield url


@pytest.fixture
def settings(db_url: str) -> Settings:
    """Settings for the app under test."""
    return Settings(
        database_url=db_url, secret_key="test-secret", public_url=PUBLIC_URL, max_upload_bytes=2_000_000
    )


@pytest.fixture
def app(settings: Settings) -> web.Application:
    """The real app, from the one factory."""
    return create_app(settings)


@pytest.fixture
async def client(aiohttp_client, app: web.Application) -> TestClient:  # type: ignore[no-untyped-def]
    """A real HTTP client to the real app."""
    return await aiohttp_client(app)


@pytest.fixture
async def tokens(db_url: str) -> dict[str, str]:
    """A bearer token for each role."""
    engine = create_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            return {
                role.name: await auth.create_token(session, role, f"test-{role.name}") for role in auth.Role
            }
    finally:
        await engine.dispose()
