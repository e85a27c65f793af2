"""Zoom inside the app: the outbound HTTP client, the client factory, the webhook inbox and its worker.

The inbox stores deliveries with group commit: concurrent requests queue their rows, one writer inserts
whatever has queued in a single transaction, and each request is answered only after the commit that holds
its row. Nothing is acknowledged before it is in the database, and a burst of webhooks costs one commit per
group instead of one per request (the ≥ 3,000/s bar in DESIGN.md).

The worker processes stored rows after the answer. It starts with whatever a previous process left
unprocessed, so a crash between storing and processing loses nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.errors import Conflict, ErrorCode
from eventops.keys import ENGINE, HTTP_CLIENT, SESSIONMAKER, ZOOM_INBOX, ZOOM_WORKER
from eventops.settings import Settings
from eventops.storage.db import is_unavailable
from eventops.zoom.ingest import ROUND, pending_ids, process_pending, store_events
from eventops.zoom.quarantine import describe, quarantine
from integrations.zoom import ZoomClient

log = logging.getLogger(__name__)
GROUP_LIMIT = 1000
GROUP_TARGET = 48  # rows worth committing at once: a commit costs as much as ~20 rows (bench/webhooks.py)
GATHER = 0.005  # seconds the writer waits for GROUP_TARGET rows before committing what it has
RETRY_AFTER_FAILURE = 5.0  # seconds the worker rests after the database failed it (not synchronisation)
QUIET = 0.05  # seconds without a new delivery after which the worker processes a burst
MAX_DELAY = 2.0  # seconds a delivery waits for processing at most while a burst goes on
SHUTDOWN_GRACE = 5.0  # seconds a shutting-down app waits for the worker's current round


def zoom_client(settings: Settings, http: aiohttp.ClientSession) -> ZoomClient:
    """A Zoom API client from the settings; 409 `zoom_not_configured` without credentials."""
    if not (settings.zoom_account_id and settings.zoom_client_id and settings.zoom_client_secret):
        raise Conflict(
            "Zoom API credentials are not configured (EVENTOPS_ZOOM_ACCOUNT_ID, _CLIENT_ID, _CLIENT_SECRET)",
            code=ErrorCode.ZOOM_NOT_CONFIGURED,
        )
    return ZoomClient(
        http,
        settings.zoom_account_id,
        settings.zoom_client_id,
        settings.zoom_client_secret,
        api_base=settings.zoom_api_base,
        oauth_url=settings.zoom_oauth_url,
    )


class ZoomWorker:
    """Turns stored deliveries into sessions, woken by the inbox; `drain()` waits until none is left."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker
        self._wake = asyncio.Event()
        self._changed = asyncio.Condition()
        self._asked = 0  # drain requests made
        self._answered = 0  # drain requests a complete, empty pass has answered

    def notify(self) -> None:
        """New rows were stored."""
        self._wake.set()

    async def drain(self) -> None:
        """Return once every row stored before this call has been processed."""
        self._asked += 1
        ticket = self._asked
        self._wake.set()
        async with self._changed:
            await self._changed.wait_for(lambda: self._answered >= ticket)

    async def run(self) -> None:
        """Process until cancelled: a pass on start (rows a crash left), then one after each burst."""
        while True:
            self._wake.clear()
            asked = self._asked
            try:
                await self._pass()
            except Exception:
                log.exception("zoom webhook worker failed; retrying")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), RETRY_AFTER_FAILURE)
                continue
            async with self._changed:
                self._answered = max(self._answered, asked)
                self._changed.notify_all()
            if self._asked == asked:
                await self._wake.wait()
                await self._settle()

    async def _settle(self) -> None:
        """Let a burst gather (until `QUIET` without deliveries, `MAX_DELAY` at most) unless a drain waits.

        Processing shares the CPU with acknowledging: a few large rounds cost far less per event than a
        round per group commit, and acknowledging fast is what Zoom needs (§4.5).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + MAX_DELAY
        while self._asked == self._answered:
            self._wake.clear()
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            try:
                await asyncio.wait_for(self._wake.wait(), min(QUIET, remaining))
            except TimeoutError:
                return

    async def _pass(self) -> None:
        """Full rounds, then the last partial one: everything committed before the pass is then processed.

        What arrives during the pass waits for the next one, so a sustained burst is processed in large
        rounds (cheap per event) rather than in a round per group commit. A round that fails on what it
        holds (not on a lost database) is redone a delivery at a time, so that one bad delivery is
        quarantined instead of failing every round and holding up everything behind it.
        """
        while True:
            try:
                async with self._sessionmaker() as session:
                    taken = await process_pending(session, ROUND)
            except Exception as exc:
                if transient(exc):
                    raise
                log.warning("a zoom webhook round failed (%s); processing it one delivery at a time", exc)
                taken = await self._one_at_a_time()
            if taken < ROUND:
                return

    async def _one_at_a_time(self) -> int:
        """Process the next round's deliveries singly, quarantining each that fails on its own."""
        async with self._sessionmaker() as session:
            ids = await pending_ids(session, ROUND)
        for row_id in ids:
            try:
                async with self._sessionmaker() as session:
                    await process_pending(session, only=row_id)
            except Exception as exc:
                if transient(exc):
                    raise
                log.exception("zoom webhook %d cannot be processed; quarantined", row_id)
                async with self._sessionmaker() as session:
                    await quarantine(session, row_id, describe(exc))
        return len(ids)


class WebhookInbox:
    """Group commit of webhook rows: `store()` returns once the row's transaction has committed."""

    def __init__(self, engine: AsyncEngine, worker: ZoomWorker) -> None:
        self._engine = engine
        self._worker = worker
        self._queue: asyncio.Queue[tuple[dict[str, Any], asyncio.Future[None]]] = asyncio.Queue()
        self._enough = asyncio.Event()

    async def store(self, row: dict[str, Any]) -> None:
        """Queue a row and wait for its commit (raises what the commit raised).

        A caller that goes away (the client hung up) cancels only its wait: the row is still written.
        """
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((row, done))
        if self._queue.qsize() >= GROUP_TARGET:
            self._enough.set()
        await done

    async def run(self) -> None:
        """Write queued rows, a group at a time: what has queued once GROUP_TARGET or GATHER is reached."""
        while True:
            group = [await self._queue.get()]
            if self._queue.qsize() + 1 < GROUP_TARGET:
                self._enough.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._enough.wait(), GATHER)
            while len(group) < GROUP_LIMIT and not self._queue.empty():
                group.append(self._queue.get_nowait())
            try:
                await self._write(group)
            except Exception as exc:
                if len(group) == 1 or transient(exc):
                    log.exception("storing %d zoom webhooks failed", len(group))
                    _answer(group, exc)
                    continue
                # One bad row must not fail its innocent neighbours: each is written and answered alone.
                log.warning("storing %d zoom webhooks failed (%s); storing them one by one", len(group), exc)
                for one in group:
                    try:
                        await self._write([one])
                    except Exception as alone:
                        log.exception("storing a zoom webhook failed")
                        _answer([one], alone)
                    else:
                        _answer([one], None)
            else:
                _answer(group, None)
            self._worker.notify()

    async def _write(self, group: list[tuple[dict[str, Any], asyncio.Future[None]]]) -> None:
        async with self._engine.begin() as conn:
            await store_events(conn, [row for row, _ in group])


def _answer(group: list[tuple[dict[str, Any], asyncio.Future[None]]], error: BaseException | None) -> None:
    """Wake the requests waiting for these rows: stored (None), or the error storing raised."""
    for _, done in group:
        if done.done():
            continue
        if error is None:
            done.set_result(None)
        else:
            done.set_exception(error)


def transient(exc: BaseException) -> bool:
    """Whether a failure is the database's (out of reach, shutting down, busy, no pooled connection free in
    time) rather than the data's: the delivery stays queued for a later pass, never quarantined."""
    if is_unavailable(exc) or isinstance(exc, OperationalError | InterfaceError | TimeoutError):
        return True
    if isinstance(exc, DBAPIError):
        # connection (08), rollback (40: deadlock, serialization), resources (53), operator (57), system (58)
        state = str(getattr(exc.orig, "sqlstate", "") or "")
        return exc.connection_invalidated or state[:2] in {"08", "40", "53", "57", "58"}
    return False


async def _stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def http_client_ctx(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: one outbound HTTP client for the app's lifetime."""
    async with aiohttp.ClientSession() as http:
        app[HTTP_CLIENT] = http
        yield


async def zoom_ctx(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: the webhook inbox and worker tasks, cancelled and awaited on shutdown."""
    worker = ZoomWorker(app[SESSIONMAKER])
    inbox = WebhookInbox(app[ENGINE], worker)
    app[ZOOM_WORKER] = worker
    app[ZOOM_INBOX] = inbox
    tasks = [asyncio.create_task(worker.run()), asyncio.create_task(inbox.run())]
    yield
    # Let a round in progress finish first: a task cancelled in the middle of a query leaves the SQLite
    # driver's thread answering an event loop that may be gone by then.
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(worker.drain(), SHUTDOWN_GRACE)
    for task in reversed(tasks):
        await _stop(task)
