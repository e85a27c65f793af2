"""Polling one batch's stream: a viewer sampler and a chat poller run together, their findings stored."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.errors import Conflict, ErrorCode
from eventops.storage.models import Batch
from eventops.stream import store
from eventops.timeutil import utcnow
from integrations.youtube import (
    Backoff,
    ChatBatch,
    ChatPoller,
    PollerEvent,
    PollerStopped,
    QuotaBudget,
    QuotaTooSmall,
    StopReason,
    ViewerSample,
    ViewerSampler,
    YouTubeClient,
)
from integrations.youtube.quota import DEFAULT_DAILY_QUOTA, DEFAULT_VIEWER_INTERVAL_S

log = logging.getLogger(__name__)

LEAD = timedelta(minutes=15)
STOPPED_BY_MODERATOR = "stopped_by_moderator"
WINDOW_CLOSED = "window_closed"
# A stop of one poller that ends the other too; the chat ending or being disabled leaves viewers sampled.
FATAL = frozenset(
    {
        StopReason.QUOTA_EXCEEDED,
        StopReason.BUDGET_SPENT,
        StopReason.BAD_REQUEST,
        StopReason.FORBIDDEN,
        StopReason.VIDEO_NOT_FOUND,
        StopReason.UNAVAILABLE,
        StopReason.ERROR,
    }
)
LOCK_SPACE = 7007  # first key of pg_try_advisory_lock(int, int); the second is the batch id

Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class StreamOptions:
    """How polling runs: clock and sleep are injectable so tests never wait in real time."""

    clock: Clock = utcnow
    sleep: Sleep = asyncio.sleep
    backoff: Backoff = field(default_factory=Backoff)
    daily_quota: int = DEFAULT_DAILY_QUOTA
    viewer_interval_s: float = DEFAULT_VIEWER_INTERVAL_S
    tick_s: float = 30.0
    supervise: bool = True


def polling_window(batch: Batch) -> tuple[datetime, datetime]:
    """When a batch's stream is polled: from 15 minutes before the batch starts to 15 after it ends."""
    return batch.starts_at - LEAD, batch.ends_at + LEAD


def plan_budget(batch: Batch, options: StreamOptions, *, streams: int = 1, spent: int = 0) -> QuotaBudget:
    """The batch's quota budget: its share of the day's quota spread over its polling window."""
    start, end = polling_window(batch)
    return QuotaBudget(
        (end - start).total_seconds(),
        streams=streams,
        daily_quota=options.daily_quota,
        viewer_interval_s=options.viewer_interval_s,
        spent=spent,
    )


def video_id_of(batch: Batch) -> str:
    """The batch's YouTube video id; Conflict when it has none."""
    if not batch.youtube_video_id:
        raise Conflict(f"batch {batch.code!r} has no YouTube video id", code=ErrorCode.NO_YOUTUBE_VIDEO)
    return batch.youtube_video_id


@asynccontextmanager
async def leader_lock(engine: AsyncEngine, batch_id: int) -> AsyncIterator[bool]:
    """Whether this process may poll the batch: always on SQLite (one process); on PostgreSQL while it
    holds the batch's session advisory lock, which the server frees if the process dies."""
    if engine.dialect.name != "postgresql":
        yield True
        return
    async with engine.connect() as conn:
        got = bool(await conn.scalar(func.pg_try_advisory_lock(LOCK_SPACE, batch_id).select()))
        await conn.commit()
        try:
            yield got
        finally:
            if got:
                try:
                    await conn.scalar(func.pg_advisory_unlock(LOCK_SPACE, batch_id).select())
                    await conn.commit()
                except BaseException:
                    # never hand a connection that may still hold the lock back to the pool
                    await conn.invalidate()
                    raise


class BatchJob:
    """Polls one batch's stream in this process until both pollers stop or the job is cancelled."""

    def __init__(
        self,
        batch: Batch,
        *,
        manual: bool,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        options: StreamOptions,
        client: YouTubeClient,
        on_done: Callable[[BatchJob], None],
    ) -> None:
        assert batch.id is not None
        self.batch, self.batch_id, self.manual = batch, batch.id, manual
        self.cancel_reason: str | None = None
        self.stop: tuple[str, str] | None = None  # the first poller's stop: reason, detail
        self.budget: QuotaBudget | None = None
        self._written = 0  # units of the budget already added to the stored count
        self._engine, self._sessions, self._options, self._client = engine, sessions, options, client
        self._on_done = on_done
        self._stores: set[asyncio.Task[None]] = set()
        self.task = asyncio.create_task(self._run(), name=f"youtube-batch-{batch.id}")

    async def cancel(self, reason: str | None) -> None:
        """Stop polling; `reason` is stored as the stop reason (None: resumable, e.g. at shutdown)."""
        self.cancel_reason = reason
        self.task.cancel()
        await asyncio.wait({self.task})

    def _quota_delta(self) -> int:
        spent = self.budget.spent if self.budget else self._written
        delta, self._written = spent - self._written, spent
        return delta

    async def _run(self) -> None:
        try:
            async with leader_lock(self._engine, self.batch_id) as leader:
                if not leader:
                    log.info("batch %s is polled by another process", self.batch_id)
                    return
                try:
                    reason, detail = await self._poll()
                except Exception as exc:
                    log.exception("polling batch %s failed", self.batch_id)
                    reason, detail = StopReason.ERROR, f"{type(exc).__name__}: {exc}"
                await self._finish(reason, detail)
        except asyncio.CancelledError:
            detail = "" if self.cancel_reason else "the service stopped; polling resumes when it restarts"
            await self._finish(self.cancel_reason, detail)
            raise
        except Exception:  # the database away while taking the lock or saving the end: tried again next tick
            log.exception("polling batch %s could not start or finish", self.batch_id)
        finally:
            self._on_done(self)

    async def _poll(self) -> tuple[str, str]:
        """Run both pollers until both stop (a fatal stop of one ends the other); return the first stop."""
        batch, options = self.batch, self._options
        now = options.clock()
        async with self._sessions() as session:
            state = await store.load_state(session, self.batch_id)
            spent = await store.spent_today(session, self.batch_id, now)
            try:
                self.budget = plan_budget(
                    batch, options, streams=await store.streams_that_day(session, batch), spent=spent
                )
            except QuotaTooSmall as exc:
                return StopReason.BUDGET_SPENT, str(exc)
            self._written = spent
            await store.save_state(session, self.batch_id, now, quota_spent=spent, running=True, detail=None)
            await session.commit()
        common: dict[str, Any] = {"clock": options.clock, "sleep": options.sleep, "backoff": options.backoff}
        video_id = video_id_of(batch)
        sampler = ViewerSampler(
            self._client, self.budget, video_id, partial(self._on_event, "viewers"), **common
        )
        chat = ChatPoller(
            self._client,
            self.budget,
            video_id,
            partial(self._on_event, "chat"),
            live_chat_id=state.live_chat_id if state else None,
            page_token=state.page_token if state else None,  # resume where the last run stopped
            **common,
        )
        tasks = [asyncio.create_task(sampler.run()), asyncio.create_task(chat.run())]
        try:
            pending = set(tasks)
            while pending:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    if not task.cancelled():
                        task.result()  # a storage failure surfaces here
                if self.stop is not None and self.stop[0] in FATAL:
                    for task in pending:
                        task.cancel()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        return self.stop or (StopReason.ERROR, "the pollers stopped without a reason")

    async def _on_event(self, which: str, event: PollerEvent) -> None:
        """Store what a poller found; cancelling the poller does not cut the write off (see _finish)."""
        task = asyncio.create_task(self._store(which, event))
        self._stores.add(task)
        task.add_done_callback(self._stores.discard)
        await asyncio.shield(task)

    async def _store(self, which: str, event: PollerEvent) -> None:
        """Store what a poller found with the chat position and the units spent, in one transaction."""
        now = self._options.clock()
        values: dict[str, Any] = {}
        async with self._sessions() as session:
            if isinstance(event, ViewerSample):
                await store.store_viewers(session, self.batch_id, event.sampled_at, event.concurrent_viewers)
            elif isinstance(event, ChatBatch):
                await store.store_chat(session, self.batch, event.messages, now)
                values = {"live_chat_id": event.live_chat_id, "page_token": event.next_page_token}
            elif isinstance(event, PollerStopped) and self.stop is None:
                self.stop = (str(event.reason), f"{which}: {event.detail}"[:500])
                values = {"stop_reason": self.stop[0], "detail": self.stop[1]}
            stored_reason = await store.save_state(
                session, self.batch_id, now, quota_delta=self._quota_delta(), **values
            )
            await session.commit()
        if stored_reason == STOPPED_BY_MODERATOR and self.cancel_reason is None:
            self.cancel_reason = STOPPED_BY_MODERATOR  # a moderator stopped it through another process
            self.task.cancel()

    async def _finish(self, reason: str | None, detail: str) -> None:
        # A write cut off mid-query would leave SQLite's write lock to a connection nobody uses any more:
        # writes run shielded, and the end is written once they are done.
        await asyncio.gather(*self._stores, return_exceptions=True)
        async with self._sessions() as session:
            await store.save_state(
                session,
                self.batch_id,
                self._options.clock(),
                quota_delta=self._quota_delta(),
                running=False,
                stop_reason=reason,
                detail=detail[:500] or None,
            )
            await session.commit()
