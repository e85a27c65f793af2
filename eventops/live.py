"""Live updates: each state change is published per batch and fanned out to dashboards.

A service calls `notify(session, batch_id, kind, data)` inside its transaction. On PostgreSQL that is a
`pg_notify`, delivered at commit to every process LISTENing (so a scan taken by one process reaches a
dashboard served by another); on SQLite (one process) the change is handed to the in-process hub after
commit. Nothing is published for a transaction that rolls back.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlmodel.ext.asyncio.session import AsyncSession

log = logging.getLogger(__name__)

CHANNEL = "eventops_live"
HUB_KEY = "live_hub"
_PENDING_KEY = "live_pending"
_LISTENING_KEY = "live_listening"
QUEUE_SIZE = 1000


@dataclass(frozen=True)
class Change:
    """One state change of a batch: a kind (`checkin`, `zoom_join`, …) and a small JSON-able payload."""

    batch_id: int
    kind: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        """The wire form used by pg_notify."""
        return json.dumps({"batch_id": self.batch_id, "kind": self.kind, "data": self.data}, default=str)

    @classmethod
    def from_json(cls, raw: str) -> Change:
        """Parse the wire form; ValueError when it is not ours."""
        value = json.loads(raw)
        if not isinstance(value, dict) or not isinstance(value.get("batch_id"), int):
            raise ValueError("not a live change")
        return cls(value["batch_id"], str(value.get("kind", "")), dict(value.get("data") or {}))


class Hub:
    """In-process fan-out of changes to each batch's subscribers (bounded: slow readers lose old ones)."""

    def __init__(self) -> None:
        self._subscribers: dict[int, set[asyncio.Queue[Change]]] = {}

    @contextlib.contextmanager
    def subscribe(self, batch_id: int) -> Iterator[asyncio.Queue[Change]]:
        """A queue receiving the batch's changes while the block runs."""
        queue: asyncio.Queue[Change] = asyncio.Queue(QUEUE_SIZE)
        self._subscribers.setdefault(batch_id, set()).add(queue)
        try:
            yield queue
        finally:
            subscribers = self._subscribers.get(batch_id, set())
            subscribers.discard(queue)
            if not subscribers:
                self._subscribers.pop(batch_id, None)

    def publish(self, change: Change) -> None:
        """Hand a change to every subscriber of its batch, dropping the oldest for a full queue."""
        for queue in self._subscribers.get(change.batch_id, ()):
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(change)

    def subscriber_count(self, batch_id: int) -> int:
        """How many dashboards follow a batch in this process."""
        return len(self._subscribers.get(batch_id, ()))


def _publish_pending(session: Session) -> None:
    hub = session.info.get(HUB_KEY)
    pending = session.info.pop(_PENDING_KEY, [])
    if isinstance(hub, Hub):
        for change in pending:
            hub.publish(change)


def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)


async def notify(session: AsyncSession, batch_id: int, kind: str, data: dict[str, Any] | None = None) -> None:
    """Publish a change when the session's transaction commits (pg_notify on PostgreSQL, else the hub)."""
    change = Change(batch_id, kind, data or {})
    bind = session.bind
    if bind is not None and bind.dialect.name == "postgresql":
        await (await session.connection()).execute(
            text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": change.to_json()}
        )
        return
    if HUB_KEY not in session.info:
        return  # a session without a hub (the command line): nobody is listening here
    await session.connection()  # make sure a transaction is open, so its rollback is seen
    sync = session.sync_session
    if not sync.info.get(_LISTENING_KEY):
        event.listen(sync, "after_commit", _publish_pending)
        event.listen(sync, "after_rollback", _drop_pending)
        sync.info[_LISTENING_KEY] = True
    sync.info.setdefault(_PENDING_KEY, []).append(change)


async def listen(database_url: str, hub: Hub, ready: asyncio.Event | None = None) -> None:
    """Forward PostgreSQL notifications to the hub until cancelled, reconnecting when the connection drops."""
    dsn = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    delay = 0.5
    while True:
        lost = asyncio.Event()
        try:
            conn = await asyncpg.connect(dsn)
        except (OSError, asyncpg.PostgresError) as exc:
            log.warning("live: cannot connect to PostgreSQL (%s); retrying", exc)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10)
            continue
        delay = 0.5

        def forward(_conn: object, _pid: int, _channel: str, payload: str) -> None:
            try:
                hub.publish(Change.from_json(payload))
            except ValueError:
                log.warning("live: ignored a malformed notification")

        try:
            await conn.add_listener(CHANNEL, forward)
            conn.add_termination_listener(lambda _conn, lost=lost: lost.set())
            if ready is not None:
                ready.set()
            await lost.wait()
            log.warning("live: PostgreSQL connection lost; reconnecting")
        finally:
            with contextlib.suppress(Exception):
                await conn.close()


async def stream(hub: Hub, batch_id: int, heartbeat: float = 15.0) -> AsyncIterator[Change | None]:
    """The batch's changes as they come; None every `heartbeat` seconds of silence (to keep proxies open)."""
    with hub.subscribe(batch_id) as queue:
        while True:
            try:
                yield await asyncio.wait_for(queue.get(), heartbeat)
            except TimeoutError:
                yield None
