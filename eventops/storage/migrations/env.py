"""Alembic environment: runs migrations over the async engine."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context
from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

import eventops.storage.models  # noqa: F401  (registers the tables)
from eventops.storage.db import create_engine

config = context.config
target_metadata = SQLModel.metadata
# Two `eventops init` at once (two containers starting) must not both create the schema: on PostgreSQL the
# second waits on this advisory lock, then finds the schema at head (SQLite: `_sqlite_write_lock`). The number
# is ours alone ("eventops").
MIGRATION_LOCK = 0x6576656E746F7073


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        # SQLite too runs the whole upgrade in ONE transaction (Alembic's default there is one per migration):
        # between two of those the write lock is free, a second `init` that read the same old revision takes
        # it, and the first then creates a table the second already made.
        transactional_ddl=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        context.run_migrations()


def _sqlite_write_lock(engine: AsyncEngine) -> None:
    """SQLite: the driver runs DDL outside any transaction; begin each one with BEGIN IMMEDIATE instead, so a
    migration is one transaction holding the write lock, and a second `init` waits, then finds the head."""

    @event.listens_for(engine.sync_engine, "connect")
    def _no_driver_transactions(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA busy_timeout=600000")  # wait out another migration, however slow the disk
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin_immediate(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


async def _run_async() -> None:
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    if engine.dialect.name == "sqlite":
        _sqlite_write_lock(engine)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported")
asyncio.run(_run_async())
