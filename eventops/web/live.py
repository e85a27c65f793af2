"""Server-Sent Events: a batch's changes streamed to dashboards (across processes on PostgreSQL)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator

from aiohttp import web

from eventops.accounts.auth import Role
from eventops.catalog import events
from eventops.keys import LIVE_HUB, METRICS, SESSIONMAKER, SETTINGS
from eventops.live import hub as live
from eventops.storage.db import is_sqlite
from eventops.web.access import requires
from eventops.web.apidoc import documented
from eventops.web.parse import batch_ref

LISTENER: web.AppKey[asyncio.Task[None]] = web.AppKey("live_listener")


async def listener_ctx(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: on PostgreSQL, LISTEN for other processes' changes while the app runs."""
    url = app[SETTINGS].database_url
    if is_sqlite(url):
        yield
        return
    ready = asyncio.Event()
    task = asyncio.create_task(live.listen(url, app[LIVE_HUB], ready))
    app[LISTENER] = task
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(ready.wait(), 10)
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def close_streams(app: web.Application) -> None:
    """on_shutdown: end every live stream, or open dashboards hold the exit up to aiohttp's shutdown timeout
    (60 s); their browsers reconnect to a server that is up."""
    app[LIVE_HUB].close()


@requires(Role.moderator)
@documented("text/event-stream")
async def batch_live(request: web.Request) -> web.StreamResponse:
    """GET …/batches/{code}/live: `event: KIND` + `data: JSON` per change, a comment every 15 s of silence."""
    async with request.app[SESSIONMAKER]() as session:
        _event, batch = await events.event_and_batch(session, *batch_ref(request))
    assert batch.id is not None
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    )
    await response.prepare(request)
    clients = request.app[METRICS].sse_clients
    clients.inc()
    try:
        await response.write(b"event: hello\ndata: {}\n\n")
        with contextlib.suppress(ConnectionResetError):
            async for change in live.stream(request.app[LIVE_HUB], batch.id):
                if change is None:
                    await response.write(b": ping\n\n")
                else:
                    payload = json.dumps(change.data, default=str)
                    await response.write(f"event: {change.kind}\ndata: {payload}\n\n".encode())
    finally:
        clients.dec()
    return response
