"""Live updates: each state change is published per batch and fanned out to dashboards.

A service calls `notify(session, batch_id, kind, data)` inside its transaction; nothing is published for a
transaction that rolls back. After commit the change goes to the process's hub at once (its own dashboards)
and, on PostgreSQL, to an outbox that one task (`listen`) flushes every FLUSH_INTERVAL as ONE `pg_notify`
carrying the list of changes (split under NOTIFY_LIMIT bytes), so a scan taken by one process reaches a
dashboard served by another without a `pg_notify` inside every transaction (that would serialise commits).
A self-committing statement (the PostgreSQL scan path) publishes with `publish_committed` afterwards. A
session without a hub (the command line) still notifies inside its transaction on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
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
FLUSH_INTERVAL = 0.2  # seconds between two pg_notify of the outbox
NOTIFY_LIMIT = 7900  # bytes per pg_notify payload (PostgreSQL refuses 8000 and more)
OUTBOX_LIMIT = 50_000  # changes kept for other processes while PostgreSQL is away; the oldest go first


@dataclass(frozen=True)
class Change:
    """One state change of a batch: a kind (`checkin`, `zoom_join`, …) and a small JSON-able payload."""

    batch_id: int
    kind: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-able form."""
        return {"batch_id": self.batch_id, "kind": self.kind, "data": self.data}

    def to_json(self) -> str:
        """The wire form of one change."""
        return json.dumps(self.to_dict(), default=str)

    @classmethod
    def from_dict(cls, value: object) -> Change:
        """Parse the JSON-able form; ValueError when it is not ours."""
        if not isinstance(value, dict) or not isinstance(value.get("batch_id"), int):
            raise ValueError("not a live change")
        return cls(value["batch_id"], str(value.get("kind", "")), dict(value.get("data") or {}))

    @classmethod
    def from_json(cls, raw: str) -> Change:
        """Parse the wire form of one change; ValueError when it is not ours."""
        return cls.from_dict(json.loads(raw))


def encode_changes(origin: str, changes: list[Change], limit: int = NOTIFY_LIMIT) -> list[str]:
    """`{"origin", "changes": [...]}` payloads of at most `limit` bytes; a change too big alone is dropped."""
    head = json.dumps({"origin": origin, "changes": []})[:-3]  # `{"origin": "…", "changes": `
    payloads: list[str] = []
    parts: list[str] = []
    size = len(head) + 3
    for change in changes:
        part = change.to_json()
        cost = len(part.encode()) + 2
        if len(head) + 3 + cost > limit:
            log.warning("live: a %s change of %d bytes is too big for pg_notify", change.kind, cost)
            continue
        if parts and size + cost > limit:
            payloads.append(head + "[" + ", ".join(parts) + "]}")
            parts, size = [], len(head) + 3
        parts.append(part)
        size += cost
    if parts:
        payloads.append(head + "[" + ", ".join(parts) + "]}")
    return payloads


def decode_changes(raw: str) -> tuple[str, list[Change]]:
    """The origin and the changes of a payload (a list, or one change as older processes send it)."""
    value = json.loads(raw)
    if isinstance(value, dict) and isinstance(value.get("changes"), list):
        return str(value.get("origin", "")), [Change.from_dict(c) for c in value["changes"]]
    return "", [Change.from_dict(value)]


class Hub:
    """In-process fan-out of changes to each batch's subscribers (bounded: slow readers lose old ones).

    With `outbox=True` (PostgreSQL) committed changes are also kept for `listen` to send to other processes.
    """

    def __init__(self, outbox: bool = False) -> None:
        # A subscriber's queue holds changes, then None once the hub is closed (the end of its stream).
        self._subscribers: dict[int, set[asyncio.Queue[Change | None]]] = {}
        self.origin = uuid.uuid4().hex  # this process's mark on what it sends, so it skips its own
        self.outbox: list[Change] | None = [] if outbox else None
        self.closed = False
        self._versions: dict[int, int] = {}  # changes seen per batch, from here and from other processes

    @contextlib.contextmanager
    def subscribe(self, batch_id: int) -> Iterator[asyncio.Queue[Change | None]]:
        """A queue receiving the batch's changes while the block runs, then None when the hub closes."""
        queue: asyncio.Queue[Change | None] = asyncio.Queue(QUEUE_SIZE)
        if self.closed:
            queue.put_nowait(None)
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
        self._versions[change.batch_id] = self._versions.get(change.batch_id, 0) + 1
        if self.closed:
            return
        for queue in self._subscribers.get(change.batch_id, ()):
            _put(queue, change)

    def version(self, batch_id: int) -> int:
        """How many changes of the batch this hub has seen: equal counts mean nothing changed in between."""
        return self._versions.get(batch_id, 0)

    def close(self) -> None:
        """End every subscriber's stream (the server is stopping): its queue gets None after what it holds."""
        self.closed = True
        for subscribers in self._subscribers.values():
            for queue in subscribers:
                _put(queue, None)

    def committed(self, change: Change) -> None:
        """A change committed here: to local subscribers now, to other processes at the next flush."""
        self.publish(change)
        if self.outbox is not None:
            self.outbox.append(change)
            if len(self.outbox) > OUTBOX_LIMIT:
                del self.outbox[: len(self.outbox) - OUTBOX_LIMIT]

    def take_outbox(self) -> list[Change]:
        """The changes waiting for other processes, emptying the outbox."""
        if not self.outbox:
            return []
        changes, self.outbox = self.outbox, []
        return changes

    def subscriber_count(self, batch_id: int) -> int:
        """How many dashboards follow a batch in this process."""
        return len(self._subscribers.get(batch_id, ()))


def _put(queue: asyncio.Queue[Change | None], item: Change | None) -> None:
    if queue.full():
        queue.get_nowait()
    queue.put_nowait(item)


def _publish_pending(session: Session) -> None:
    hub = session.info.get(HUB_KEY)
    pending = session.info.pop(_PENDING_KEY, [])
    if isinstance(hub, Hub):
        for change in pending:
            hub.committed(change)


def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)


async def notify(session: AsyncSession, batch_id: int, kind: str, data: dict[str, Any] | None = None) -> None:
    """Publish a change when the session's transaction commits (dropped if it rolls back)."""
    change = Change(batch_id, kind, data or {})
    if HUB_KEY not in session.info:
        bind = session.bind
        if bind is not None and bind.dialect.name == "postgresql":  # the command line: tell the servers
            await (await session.connection()).execute(
                text("SELECT pg_notify(:channel, :payload)"),
                {"channel": CHANNEL, "payload": encode_changes("", [change])[0]},
            )
        return  # SQLite without a hub: nobody is listening here
    await session.connection()  # make sure a transaction is open, so its rollback is seen
    sync = session.sync_session
    if not sync.info.get(_LISTENING_KEY):
        event.listen(sync, "after_commit", _publish_pending)
        event.listen(sync, "after_rollback", _drop_pending)
        sync.info[_LISTENING_KEY] = True
    sync.info.setdefault(_PENDING_KEY, []).append(change)


def publish_committed(session: AsyncSession, batch_id: int, kind: str, data: dict[str, Any]) -> None:
    """Publish a change that is already committed (a self-committing statement) through the session's hub."""
    hub = session.info.get(HUB_KEY)
    if isinstance(hub, Hub):
        hub.committed(Change(batch_id, kind, data))


async def _flush(conn: asyncpg.Connection, hub: Hub) -> None:
    """Send the outbox in as few pg_notify as fit; on failure put it back for the next connection."""
    changes = hub.take_outbox()
    if not changes:
        return
    payloads = encode_changes(hub.origin, changes)
    try:
        for payload in payloads:
            await conn.execute("SELECT pg_notify($1, $2)", CHANNEL, payload)
    except BaseException:
        if hub.outbox is not None:
            hub.outbox[:0] = changes  # may send some twice: dashboards only refresh on a change
        raise


async def listen(
    database_url: str, hub: Hub, ready: asyncio.Event | None = None, interval: float = FLUSH_INTERVAL
) -> None:
    """Until cancelled: forward other processes' notifications to the hub and flush the hub's outbox every
    `interval` seconds, on one PostgreSQL connection, reconnecting when it drops."""
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
                origin, changes = decode_changes(payload)
            except (ValueError, TypeError):
                log.warning("live: ignored a malformed notification")
                return
            if origin != hub.origin:
                for change in changes:
                    hub.publish(change)

        try:
            await conn.add_listener(CHANNEL, forward)
            conn.add_termination_listener(lambda _conn, lost=lost: lost.set())
            if ready is not None:
                ready.set()
            while not lost.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(lost.wait(), interval)
                if not lost.is_set():
                    await _flush(conn, hub)
            log.warning("live: PostgreSQL connection lost; reconnecting")
        # InternalClientError: a flush raced the connection's termination (the protocol was mid-operation)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, asyncpg.InternalClientError) as exc:
            log.warning("live: PostgreSQL connection failed (%s); reconnecting", exc)
        finally:
            if not lost.is_set():  # cancelled: what this process committed last still reaches the others
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(_flush(conn, hub), 2)
            with contextlib.suppress(Exception):
                await conn.close()


async def stream(hub: Hub, batch_id: int, heartbeat: float = 15.0) -> AsyncIterator[Change | None]:
    """The batch's changes as they come; None every `heartbeat` seconds of silence (to keep proxies open).
    It ends when the hub closes."""
    with hub.subscribe(batch_id) as queue:
        while True:
            try:
                change = await asyncio.wait_for(queue.get(), heartbeat)
            except TimeoutError:
                yield None
                continue
            if change is None:
                return
            yield change
