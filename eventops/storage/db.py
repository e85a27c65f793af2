"""The async engine, sessions and the UTC column type, for SQLite and PostgreSQL alike."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import asyncpg
from sqlalchemy import DateTime, event, exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.types import TypeDecorator
from sqlmodel.ext.asyncio.session import AsyncSession


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back as an aware UTC datetime."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Store aware values as UTC (naive on SQLite, which has no zone type)."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Read values back as aware UTC."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


SQLITE_POOL_SIZE = 2


def is_sqlite(url: str) -> bool:
    """Whether a database URL points at SQLite."""
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine; on SQLite with WAL, foreign keys and a busy timeout."""
    if is_sqlite(url):
        kwargs.setdefault("connect_args", {"timeout": 30})
        # One writer at a time: a small pool queues requests in the pool (fair, FIFO) instead of having many
        # connections fight over the write lock with busy-wait retries (the long tail). Measured with
        # bench/scan_load (64 clients): default 5+10 → p99 959 ms; 1 → 347/s p99 254 ms; 2 → 380/s p99 228 ms.
        kwargs.setdefault("pool_size", SQLITE_POOL_SIZE)
        kwargs.setdefault("max_overflow", 0)
        engine = create_async_engine(url, **kwargs)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    kwargs.setdefault("pool_size", 20)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_recycle", 1800)
    engine = create_async_engine(url, **kwargs)
    # No pre-ping: SQLAlchemy's costs three round trips per checkout (BEGIN, ping, COMMIT) where a scan takes
    # one. A connection PostgreSQL closed (a restart, pg_terminate_backend) is known to asyncpg as soon as the
    # event loop has read the end of its socket, so the pool replaces it at checkout for free.
    event.listen(engine.sync_engine, "checkout", _replace_closed)
    return engine


def _replace_closed(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
    if dbapi_conn.driver_connection.is_closed():
        raise exc.DisconnectionError("the server closed the connection")  # the pool connects anew


def is_unavailable(error: BaseException) -> bool:
    """Whether an error means the database is out of reach: a connection lost or refused, the server shutting
    down, starting up or full, no connection free in time. The request may succeed if tried again shortly."""
    current: BaseException | None = error
    for _ in range(10):  # the causes SQLAlchemy and its driver adapter chain on
        if current is None:
            return False
        if isinstance(current, exc.DBAPIError) and current.connection_invalidated:
            return True
        if isinstance(current, _UNAVAILABLE):
            return True
        if isinstance(current, asyncpg.InterfaceError) and "connection is closed" in str(current):
            return True  # a statement sent on a connection already closed (the raw scan path)
        current = current.__cause__
    return False


_UNAVAILABLE = (
    OSError,  # refused, reset, unreachable: the database's (outbound HTTP clients wrap their own)
    exc.TimeoutError,  # no pooled connection came free in time
    asyncpg.PostgresConnectionError,  # SQLSTATE class 08
    asyncpg.AdminShutdownError,  # 57P01: terminated, or the server is shutting down
    asyncpg.CrashShutdownError,  # 57P02
    asyncpg.CannotConnectNowError,  # 57P03: starting up, shutting down, in recovery
    asyncpg.TooManyConnectionsError,  # 53300
    # The raw scan path on a connection the server terminated mid-exchange: the protocol's state is lost
    # ("cannot switch to state 12; another operation is in progress"); only a new connection helps.
    asyncpg.InternalClientError,
)


async def fill_pool(engine: AsyncEngine, warm: Callable[[AsyncConnection], Awaitable[None]]) -> int:
    """Open the pool's steady number of connections now, each readied by `warm`, and leave them in the pool:
    the first burst of requests after start-up then opens none (PostgreSQL: a connection costs a TLS probe, a
    start-up and its statements prepared again). Returns how many were opened."""
    size = getattr(engine.pool, "size", None)
    count = size() if callable(size) else 0
    opened = await asyncio.gather(*(engine.connect().start() for _ in range(count)), return_exceptions=True)
    connections = [c for c in opened if isinstance(c, AsyncConnection)]
    try:
        await asyncio.gather(*(warm(c) for c in connections))
    finally:
        await asyncio.gather(*(c.close() for c in connections))
    if failed := [e for e in opened if isinstance(e, BaseException)]:
        raise failed[0]
    return len(connections)


def make_sessionmaker(
    engine: AsyncEngine, info: dict[str, Any] | None = None
) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep their objects usable after commit; `info` travels with each (the live hub)."""
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False, info=info)


def upsert(dialect_name: str, table: Any) -> Any:
    """An INSERT for `table` that has `.on_conflict_do_nothing()` and friends on both databases."""
    if dialect_name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
