"""A batch's records shared between its readers: one computation at a time per batch, reused while unchanged.

Computing a live batch's records costs about half a second of CPU for 5,000 people and 20,000 Zoom
rows, and the dashboard of every moderator asks for them (the recap, the roster search). Side by side, a burst
of those requests would compute the same records over and over, each holding a connection. Here the
readers of a batch wait for ONE computation, and its result serves them while the batch is unchanged:

- the live hub's count of the batch's changes is the same (scans, Zoom, reviews, form and chat answers,
  overrides, finalize and reopen all publish one; changes from other processes arrive through the hub too);
- the batch row and its roster's fingerprint are the same (editing the rules, importing a roster);
- and it is younger than `max_age` (an open Zoom session grows with the clock).

A reader never gets records older than the changes this process had seen when it asked: a computation that
began before a change is neither joined nor reused after it. Another process's change arrives through
PostgreSQL's LISTEN within a fraction of a second (`live.hub.FLUSH_INTERVAL`).
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.attendance.records import BatchAttendance, batch_attendance
from eventops.catalog import events
from eventops.identity.review import roster_fingerprint
from eventops.live.hub import Hub

MAX_AGE = 10.0  # seconds a result serves unchanged batches
KEPT = 16  # batches kept per process


@dataclass(frozen=True, slots=True)
class _Kept:
    state: Hashable
    at: float
    attendance: BatchAttendance


class SharedRecords:
    """Records by batch for the readers of one process (see the module's docstring)."""

    def __init__(
        self,
        hub: Hub | None,
        max_age: float = MAX_AGE,
        size: int = KEPT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._hub = hub
        self._max_age = max_age
        self._size = size
        self._clock = clock
        self._kept: OrderedDict[int, _Kept] = OrderedDict()
        self._loading: dict[Hashable, asyncio.Task[BatchAttendance]] = {}
        self.computed = 0  # computations run, for tests and the curious

    async def get(
        self, sessions: async_sessionmaker[AsyncSession], event_slug: str, code: str
    ) -> BatchAttendance:
        """The batch's records (frozen once finalized, else computed), shared as described above."""
        async with sessions() as session:
            _, batch = await events.event_and_batch(session, event_slug, code)
            assert batch.id is not None
            roster = await roster_fingerprint(session, batch.id)
        changes = self._hub.version(batch.id) if self._hub is not None else 0
        state = (batch.id, changes, roster, tuple(sorted(batch.model_dump().items())))
        kept = self._kept.get(batch.id)
        if kept is not None and kept.state == state and self._clock() - kept.at <= self._max_age:
            self._kept.move_to_end(batch.id)
            return kept.attendance
        task = self._loading.get(state)
        if task is None:
            task = self._loading[state] = asyncio.create_task(self._load(sessions, event_slug, code, state))
        # A reader that goes away does not cancel the computation the others wait for.
        return await asyncio.shield(task)

    async def _load(
        self, sessions: async_sessionmaker[AsyncSession], event_slug: str, code: str, state: Hashable
    ) -> BatchAttendance:
        began = self._clock()
        try:
            async with sessions() as session:
                attendance = await batch_attendance(session, event_slug, code)
            self.computed += 1
            batch_id = attendance.batch.id
            assert batch_id is not None
            kept = self._kept.get(batch_id)
            if kept is None or kept.at <= began:
                self._kept[batch_id] = _Kept(state, began, attendance)
                self._kept.move_to_end(batch_id)
                while len(self._kept) > self._size:
                    self._kept.popitem(last=False)
            return attendance
        finally:
            self._loading.pop(state, None)
