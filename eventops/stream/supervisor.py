"""The YouTube polling supervisor: starts and stops each batch's stream polling, by its window or by hand.

A supervisor task (an app `cleanup_ctx`) starts polling for each batch with a YouTube video whose window
(`starts_at - 15 min .. ends_at + 15 min`) contains now, unless it stopped for a reason, and stops it
after the window; moderators can start, stop and poll once by hand. The chat's page token is saved with
every page, so a restarted process resumes where the last one stopped. On PostgreSQL a session advisory
lock per batch lets exactly one process poll a stream (`job.leader_lock`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.errors import Conflict, ErrorCode
from eventops.keys import ENGINE, SESSIONMAKER, SETTINGS, STREAM, STREAM_OPTIONS
from eventops.settings import Settings
from eventops.storage.models import Batch, StreamState
from eventops.stream import store
from eventops.stream.job import (
    LEAD,
    STOPPED_BY_MODERATOR,
    WINDOW_CLOSED,
    BatchJob,
    StreamOptions,
    plan_budget,
    polling_window,
    video_id_of,
)
from eventops.stream.rounds import PollRound, poll_once
from integrations.youtube import QuotaPlan, QuotaTooSmall, YouTubeClient

__all__ = ["PollRound", "StreamOptions", "StreamSupervisor", "StreamView", "setup_stream", "stream_ctx"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StreamView:
    """A batch's stream as the moderators see it: state, why it stopped, quota and the latest figures."""

    video_id: str | None
    configured: bool
    running: bool
    polling_here: bool
    stop_reason: str | None
    detail: str | None
    live_chat_id: str | None
    updated_at: datetime | None
    quota_spent: int
    plan: QuotaPlan | None
    window: tuple[datetime, datetime]
    figures: store.StreamFigures


class StreamSupervisor:
    """Starts, stops and supervises the polling of every batch's stream in this process."""

    def __init__(
        self,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        settings: Settings,
        options: StreamOptions,
    ) -> None:
        self.options = options
        self._engine = engine
        self._sessions = sessions
        self._settings = settings
        self._jobs: dict[int, BatchJob] = {}
        self._client: YouTubeClient | None = None

    @property
    def configured(self) -> bool:
        """Whether a YouTube API key is set."""
        return bool(self._settings.youtube_api_key)

    async def client(self) -> YouTubeClient:
        """The YouTube client built from the settings; Conflict when no API key is configured."""
        if not self.configured:
            raise Conflict(
                "YouTube belum dikonfigurasi · YouTube is not configured: set EVENTOPS_YOUTUBE_API_KEY",
                code=ErrorCode.YOUTUBE_NOT_CONFIGURED,
            )
        if self._client is None:
            key, base = self._settings.youtube_api_key, self._settings.youtube_api_base
            self._client = await asyncio.to_thread(YouTubeClient, key, base)  # reads the discovery file
        return self._client

    async def view(self, batch: Batch) -> StreamView:
        """What the dashboard and the API show about a batch's stream."""
        assert batch.id is not None
        async with self._sessions() as session:
            state = await store.load_state(session, batch.id)
            figures = await store.stream_figures(session, batch.id)
            streams = await store.streams_that_day(session, batch)
            spent = await store.spent_today(session, batch.id, self.options.clock())
        try:
            plan: QuotaPlan | None = plan_budget(batch, self.options, streams=streams).plan
        except QuotaTooSmall:
            plan = None
        return StreamView(
            video_id=batch.youtube_video_id,
            configured=self.configured,
            running=bool(state and state.running),
            polling_here=self.is_running(batch.id),
            stop_reason=state.stop_reason if state else None,
            detail=state.detail if state else None,
            live_chat_id=state.live_chat_id if state else None,
            updated_at=state.updated_at if state else None,
            quota_spent=spent,
            plan=plan,
            window=polling_window(batch),
            figures=figures,
        )

    def is_running(self, batch_id: int) -> bool:
        """Whether this process polls the batch now."""
        return batch_id in self._jobs

    async def start(self, batch: Batch) -> None:
        """Start polling a batch by hand (clearing an earlier stop); nothing more when it already runs."""
        video_id_of(batch)
        client = await self.client()
        assert batch.id is not None
        job = self._jobs.get(batch.id)
        if job is not None:
            job.manual = True  # the moderator owns it now: the window's end no longer stops it
            return
        async with self._sessions() as session:
            await store.save_state(
                session, batch.id, self.options.clock(), running=True, stop_reason=None, detail=None
            )
            await session.commit()
        self._spawn(batch, client, manual=True)

    async def stop(self, batch: Batch, reason: str = STOPPED_BY_MODERATOR) -> None:
        """Stop polling a batch; a process polling it elsewhere reads the stored reason and stops too."""
        assert batch.id is not None
        job = self._jobs.get(batch.id)
        if job is not None:
            await job.cancel(reason)
            return
        async with self._sessions() as session:
            await store.save_state(session, batch.id, self.options.clock(), running=False, stop_reason=reason)
            await session.commit()

    async def poll_once(self, batch: Batch) -> PollRound:
        """One polling round now (viewers and one chat page)."""
        video_id_of(batch)
        return await poll_once(self._sessions, await self.client(), self.options, batch)

    async def join(self, batch_id: int) -> None:
        """Wait until this process stops polling the batch."""
        job = self._jobs.get(batch_id)
        if job is not None:
            await asyncio.wait({job.task})

    async def close(self) -> None:
        """Cancel every job, leaving their states resumable (no stop reason)."""
        tasks = [job.task for job in self._jobs.values()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)

    async def tick(self) -> None:
        """Start polling batches whose window holds now (unless they stopped for a reason); stop automatic
        jobs once their window has passed."""
        if not self.configured:
            return
        now = self.options.clock()
        query = (
            select(Batch, StreamState)
            .outerjoin(StreamState, col(StreamState.batch_id) == Batch.id)
            .where(
                col(Batch.youtube_video_id).is_not(None),
                col(Batch.starts_at) <= now + LEAD,
                col(Batch.ends_at) >= now - LEAD,
            )
        )
        async with self._sessions() as session:
            due = (await session.exec(query)).all()
        for batch, state in due:
            if (
                batch.id is not None
                and batch.id not in self._jobs
                and (state is None or not state.stop_reason)
            ):
                self._spawn(batch, await self.client(), manual=False)
        for job in list(self._jobs.values()):
            if not job.manual and now > polling_window(job.batch)[1]:
                await job.cancel(WINDOW_CLOSED)

    async def supervise(self) -> None:
        """Tick forever; a failing tick (the database away) is logged and tried again at the next one."""
        while True:
            try:
                await self.tick()
            except Exception:
                log.exception("YouTube supervisor tick failed")
            await asyncio.sleep(self.options.tick_s)

    def _spawn(self, batch: Batch, client: YouTubeClient, *, manual: bool) -> None:
        assert batch.id is not None
        self._jobs[batch.id] = BatchJob(
            batch,
            manual=manual,
            engine=self._engine,
            sessions=self._sessions,
            options=self.options,
            client=client,
            on_done=self._forget,
        )

    def _forget(self, job: BatchJob) -> None:
        if self._jobs.get(job.batch_id) is job:
            del self._jobs[job.batch_id]


def setup_stream(app: web.Application, options: StreamOptions | None = None) -> None:
    """Install the polling options (tests may replace them before the app starts) and the supervisor."""
    app[STREAM_OPTIONS] = options or StreamOptions()
    app.cleanup_ctx.append(stream_ctx)


async def stream_ctx(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: the supervisor and its ticking task, cancelled and awaited on shutdown."""
    supervisor = StreamSupervisor(app[ENGINE], app[SESSIONMAKER], app[SETTINGS], app[STREAM_OPTIONS])
    app[STREAM] = supervisor
    task = None
    if supervisor.options.supervise:
        task = asyncio.create_task(supervisor.supervise(), name="youtube-supervisor")
    yield
    if task is not None:
        task.cancel()
        await asyncio.wait({task})
    await supervisor.close()
