"""The Zoom worker and a database it cannot use: deliveries stay queued (never quarantined) and are processed
once the database answers again."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from eventops.storage.db import create_engine, make_sessionmaker
from eventops.zoom.ingest import event_row, store_events
from eventops.zoom.sessions import EVENTS, read_event
from eventops.zoom.worker import ZoomWorker
from integrations.zoom.fake import EventMeeting, EventPerson, joined_event
from tests.zoom.test_zoom_hostile import ascii_body

MEETING = EventMeeting("81234567890", "gsqg0HKxTQ2TxSVAxE9+0w==", datetime(2023, 8, 21, 0, 0, tzinfo=UTC))
JOIN = datetime(2023, 8, 21, 0, 5, 12, tzinfo=UTC)
# A guard, not synchronisation: the worker reports its failure or finishes its pass long before.
GUARD = 30.0


class Failures(logging.Handler):
    """Sets `seen` when the worker reports a pass that failed (it then rests until woken)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.seen = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.set()


async def _queue_state(conn: AsyncConnection) -> list[tuple[bool, bool]]:
    """(processed, quarantined) of every stored delivery."""
    c = EVENTS.c
    rows = await conn.execute(select(c.processed_at, c.quarantined_at).order_by(c.id))
    return [(processed is not None, quarantined is not None) for processed, quarantined in rows]


async def test_a_delivery_stays_queued_while_no_database_connection_is_free_and_is_processed_after(
    db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    # One pooled connection, held by someone else: every connection the worker asks for times out, as when
    # the database stalls or a flood of requests holds the pool.
    engine = create_engine(db_url, pool_size=1, max_overflow=0, pool_timeout=0.2)
    body = ascii_body(
        joined_event(
            MEETING, EventPerson(user_id="16778241", user_name="Peserta 1", participant_uuid="pu-1"), JOIN
        )
    ).decode()
    async with engine.begin() as conn:
        await store_events(conn, [event_row(read_event(body), body)])
    worker = ZoomWorker(make_sessionmaker(engine))
    failures = Failures()
    log = logging.getLogger("eventops.zoom.worker")
    log.addHandler(failures)
    task = asyncio.create_task(worker.run())
    try:
        async with engine.connect() as holder:
            await holder.execute(select(1))  # the pool's only connection is checked out
            await asyncio.wait_for(failures.seen.wait(), GUARD)
            assert await _queue_state(holder) == [(False, False)]  # queued: neither processed nor set aside
        await asyncio.wait_for(worker.drain(), GUARD)  # the connection is free again: the next pass runs
        async with engine.connect() as conn:
            assert await _queue_state(conn) == [(True, False)]
    finally:
        log.removeHandler(failures)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await engine.dispose()
    # The outage was never taken for a bad delivery to be isolated and quarantined.
    assert not [r for r in caplog.records if "one delivery at a time" in r.getMessage()]
