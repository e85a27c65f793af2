"""Venue check-in on PostgreSQL at full speed: a pass scan in one round trip, without an ORM session.

The door's scan API lands here. On PostgreSQL the whole scan is ONE self-committing statement
(`sql.PG_RAW_SCAN`: lookup, check-in and scan) run straight on the pooled asyncpg connection, and a
session is opened only for the rare scans that need one (a retry, a missing batch, a scan too old). Measured
with bench/scan_load.py (64 clients): server CPU per scan 0.90 ms → 0.34 ms. Everywhere else it is
`checkin.scan_pass`; both plan with the one rule table of `rules` and answer as `checkin.answered`.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import asyncpg
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.door import scans as checkin
from eventops.door.answers import Method, ScanAnswer, ScanResult
from eventops.door.scans import ScanInput
from eventops.door.sql import PG_RAW_SCAN
from eventops.errors import Invalid
from eventops.storage.db import is_unavailable
from eventops.timeutil import utcnow

_GATES: weakref.WeakKeyDictionary[Engine, asyncio.Semaphore] = weakref.WeakKeyDictionary()


def _gate(engine: AsyncEngine) -> asyncio.Semaphore | contextlib.nullcontext[None]:
    """At most the pool's steady size of scans hold a connection at once; the rest wait their turn here.

    Past it the pool would open overflow connections and close them again as soon as load dips: a new
    asyncpg connection (TLS probe, startup, statements prepared again) costs far more CPU than the wait.
    """
    sync = engine.sync_engine
    gate = _GATES.get(sync)
    if gate is None:
        size = getattr(sync.pool, "size", None)
        if not callable(size) or size() < 1:
            return contextlib.nullcontext()
        gate = _GATES[sync] = asyncio.Semaphore(size())
    return gate


async def prepare(conn: AsyncConnection) -> None:
    """Ready a pooled connection for scans: run the scan statement once, for a batch that cannot exist (it
    stores nothing), so that asyncpg has it prepared and cached on this connection before the first scan."""
    raw = (await conn.get_raw_connection()).driver_connection
    assert raw is not None
    params = {name: None for name in PG_RAW_SCAN.names} | {"slug": "", "code": "", "who": ""}
    await raw.fetchrow(PG_RAW_SCAN.sql, *PG_RAW_SCAN.args(params))


async def _run_scan(engine: AsyncEngine, params: dict[str, Any]) -> tuple[Any, tuple[datetime, str] | None]:
    """`PG_RAW_SCAN` on a pooled connection: its row, and who checked in first when the scan lost a race."""
    async with _gate(engine), engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        assert raw is not None
        try:
            row = await raw.fetchrow(PG_RAW_SCAN.sql, *PG_RAW_SCAN.args(params))
            if row is None or row["stored"] is None:
                return row, None
            found = checkin.found_from_row(row)
            if not checkin.lost_race(found, ScanResult(row["stored"])):
                return row, None
            # autocommit: the read alone, without a BEGIN and a ROLLBACK around it
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            return row, await checkin.who_won(conn, found)
        except (
            OSError,
            asyncpg.PostgresError,
            asyncpg.InterfaceError,
            asyncpg.InternalClientError,
            asyncio.CancelledError,
        ) as exc:
            if raw.is_closed() or not isinstance(exc, asyncpg.PostgresError):
                await conn.invalidate()  # a broken (or interrupted) connection must not go back to the pool
            raise


async def scan_at_door(
    sessions: async_sessionmaker[AsyncSession], slug: str, code: str, raw_token: str, scan: ScanInput
) -> ScanAnswer:
    """`scan_pass` for the door's API: on PostgreSQL it opens a session only when a scan needs one (a retry,
    a missing batch, a scan too old), which the usual scan does not: a session costs more than its query."""
    engine = sessions.kw.get("bind")
    if isinstance(engine, AsyncEngine) and engine.dialect.name == "postgresql":
        info = sessions.kw.get("info") or {}
        return await _scan_pass_pg(engine, info, sessions, slug, code, checkin.pass_token(raw_token), scan)
    async with sessions() as session:
        return await checkin.scan_pass(session, slug, code, raw_token, scan)


async def _scan_pass_pg(
    engine: AsyncEngine,
    info: Mapping[str, Any],
    sessions: async_sessionmaker[AsyncSession],
    slug: str,
    code: str,
    token: str,
    scan: ScanInput,
) -> ScanAnswer:
    """PostgreSQL's scan in one round trip: `sql.PG_RAW_SCAN` (lookup, check-in and scan in one
    self-committing statement) straight on asyncpg, on a pooled connection outside the session's transaction
    machinery. A scan too old to store takes the two-step path (its errors come in the same order as ever)."""
    now = utcnow()
    try:
        at = checkin.scan_time(scan.scanned_at, now)
    except Invalid:
        async with sessions() as session:
            return await checkin.scan_pass(session, slug, code, token, scan)
    params = {
        "who": token,
        "slug": slug,
        "code": code,
        "scanned_at": at,
        "station": scan.station,
        "staff": scan.staff[:100],
        "scan_id": scan.scan_id,
        "received_at": now,
        "method": Method.qr.value,
    }
    try:
        row, first = await _run_scan(engine, params)
    except Exception as exc:
        if not is_unavailable(exc):
            raise
        # The connection was lost (PostgreSQL restarted, or dropped it): once more, on another connection. A
        # scan stored before the loss is then answered as a retry, by its scan_id: never stored twice.
        row, first = await _run_scan(engine, params)
    if row is None:
        async with sessions() as session:
            await checkin.no_batch(session, slug, code)
    if row["stored"] is None:  # a retry: nothing new was stored, the first answer is repeated
        async with sessions() as session:
            return await checkin.replay(session, scan.scan_id, row["batch_id"])
    found, result = checkin.found_from_row(row), ScanResult(row["stored"])
    return checkin.answered(info, found, scan, Method.qr, at, result, first, token, None)
