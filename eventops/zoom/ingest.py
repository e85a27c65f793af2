"""Zoom webhooks: verify and store the raw delivery first (fast acknowledgement), process it after.

A delivery is stored once (`dedup_key`, ON CONFLICT DO NOTHING) before it is answered; the worker
(`eventops.zoom.worker`) then calls `process_pending`, which marks each row `processed_at` (with an `error`
note when it could not be used) and is safe under redelivery and any order of arrival (fact sheet §4.5).
How events become sessions: `eventops.zoom.sessions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.errors import BadRequest, Conflict, ErrorCode, Unauthorized
from eventops.storage.chunks import select_in
from eventops.storage.db import upsert
from eventops.timeutil import utcnow
from eventops.zoom.sessions import (
    EVENTS,
    WAITING,
    EventItem,
    Outcome,
    apply_events,
    connection_key,
    fit_key,
    pick_batches,
    read_event,
)
from integrations.zoom import (
    WebhookPayloadError,
    WebhookSignatureError,
    ZoomWebhookEvent,
    url_validation_response,
    verify_signature,
)

WEBHOOK_LIMIT = 64 * 1024
STALE_AFTER = 300  # seconds between Zoom's timestamp and ours (Zoom sets none, §4.3; 5 minutes is usual)
ROUND = 500
WORKER_LOCK = 0x5A00_4D57  # pg advisory lock id of the webhook worker's rounds


@dataclass(frozen=True, slots=True)
class Received:
    """A verified delivery: the URL-validation answer to send back, or the row to store."""

    answer: dict[str, str] | None = None
    row: dict[str, Any] | None = None


def receive(
    secret: str, timestamp: str | None, signature: str | None, body: bytes, now: float | None = None
) -> Received:
    """Verify a delivery's signature and age over the raw body, then parse it (401, 400, 409 otherwise)."""
    if not secret:
        raise Conflict("Zoom webhooks are not configured on this server", code=ErrorCode.ZOOM_NOT_CONFIGURED)
    try:
        verify_signature(secret, timestamp, body, signature, now=now, tolerance=STALE_AFTER)
    except WebhookSignatureError as exc:
        code = ErrorCode.STALE_TIMESTAMP if exc.reason == "stale_timestamp" else ErrorCode.BAD_SIGNATURE
        raise Unauthorized(f"webhook refused: {exc}", code=code) from None
    try:
        text = body.decode("utf-8")
        event = read_event(text)
    except UnicodeDecodeError:
        raise BadRequest("the body must be UTF-8 JSON", code=ErrorCode.BAD_PAYLOAD) from None
    except WebhookPayloadError as exc:
        raise BadRequest(f"not a Zoom event: {exc}", code=ErrorCode.BAD_PAYLOAD) from None
    if event.action == "url_validation":
        return Received(answer=url_validation_response(secret, event.plain_token))
    return Received(row=event_row(event, text))


def event_row(event: ZoomWebhookEvent, body: str) -> dict[str, Any]:
    """The zoom_events row of a parsed delivery, not processed yet."""
    meeting, person = event.meeting, event.participant
    key = None
    if meeting is not None and person is not None:
        key = connection_key(meeting.uuid, person.user_id, person.participant_uuid, person.user_name)
    return {
        "dedup_key": fit_key(event.dedup_key),
        "event": event.event[:64],
        "event_ts": event.event_ts,
        "meeting_id": meeting.id[:64] if meeting else "",
        "meeting_uuid": fit_key(meeting.uuid) if meeting else None,
        "connection_key": key,
        "body": body,
        "received_at": utcnow(),
        "processed_at": None,
        "error": None,
    }


async def store_events(conn: AsyncConnection, rows: list[dict[str, Any]]) -> None:
    """Insert deliveries in the caller's transaction; the database drops a redelivery (same dedup key)."""
    await conn.execute(upsert(conn.dialect.name, EVENTS).on_conflict_do_nothing(), rows)


def _queue(*columns: Any, limit: int, only: int | None = None) -> Any:
    """The oldest unprocessed rows (waiting and quarantined ones carry an `error`), or row `only` if it is."""
    c = EVENTS.c
    query = select(*columns).where(c.processed_at.is_(None), c.error.is_(None))
    if only is not None:
        query = query.where(c.id == only)
    return query.order_by(c.id).limit(limit)


async def _claim(session: AsyncSession, limit: int, only: int | None = None) -> list[tuple[int, str]]:
    """The oldest unprocessed rows; another process skips rows this transaction holds (PostgreSQL)."""
    query = _queue(EVENTS.c.id, EVENTS.c.body, limit=limit, only=only).with_for_update(skip_locked=True)
    rows = (await (await session.connection()).execute(query)).all()
    return [(row_id, body) for row_id, body in rows]


async def _completed_waits(session: AsyncSession, keys: set[str]) -> list[tuple[int, str]]:
    """`left`s that were waiting for the `joined` of one of these connections."""
    c = EVENTS.c
    query = select(c.id, c.body).where(
        c.connection_key.in_(bindparam("keys", expanding=True)), c.error == WAITING, c.processed_at.is_(None)
    )
    rows = await select_in(await session.connection(), query, "keys", sorted(keys))
    return [(row_id, body) for row_id, body in rows]


def _parse(rows: list[tuple[int, str]], errors: dict[int, str]) -> list[EventItem]:
    """Stored bodies back into events (they parsed at the door; a failure here is noted, not raised)."""
    items = []
    for row_id, body in rows:
        try:
            items.append(EventItem(row_id, read_event(body)))
        except WebhookPayloadError as exc:
            errors[row_id] = f"unreadable: {exc}"
    return items


async def _apply(session: AsyncSession, rows: list[tuple[int, str]], errors: dict[int, str]) -> Outcome:
    """Apply stored deliveries: which must wait for their `joined`, which connections were opened."""
    items = _parse(rows, errors)
    errors.update(await pick_batches(session, items))
    return await apply_events(session, [i for i in items if i.batch_id is not None])


async def _serialise(session: AsyncSession) -> None:
    """On PostgreSQL, one round at a time across processes (DESIGN.md: one process runs each job).

    A `left` processed by one process while another stores its `joined` would otherwise miss it and wait
    for good; in turn, a round sees every session that earlier rounds committed.
    """
    conn = await session.connection()
    if conn.dialect.name == "postgresql":
        await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WORKER_LOCK})


async def pending_ids(session: AsyncSession, limit: int = ROUND) -> list[int]:
    """The ids of the oldest unprocessed deliveries, for processing them one at a time."""
    rows = await (await session.connection()).execute(_queue(EVENTS.c.id, limit=limit))
    ids = list(rows.scalars())
    await session.commit()
    return ids


async def process_pending(session: AsyncSession, limit: int = ROUND, *, only: int | None = None) -> int:
    """Process up to `limit` stored deliveries (or only row `only`) in one transaction; returns how many."""
    await _serialise(session)
    claimed = await _claim(session, limit, only)
    if not claimed:
        await session.commit()
        return 0
    errors: dict[int, str] = {}
    first = await _apply(session, claimed, errors)
    # Joins stored just now complete the lefts that arrived before them (out of order, §4.5).
    completed = await _completed_waits(session, first.opened)
    second = await _apply(session, completed, errors)
    now = utcnow()
    finished = [
        {"_id": row_id, "processed_at": now, "error": (errors[row_id][:500] if row_id in errors else None)}
        for row_id, _ in [*claimed, *completed]
        if row_id not in first.waiting and row_id not in second.waiting
    ]
    parked = [{"_id": row_id, "processed_at": None, "error": WAITING} for row_id in first.waiting]
    statement = (
        update(EVENTS)
        .where(EVENTS.c.id == bindparam("_id"))
        .values(processed_at=bindparam("processed_at"), error=bindparam("error"))
    )
    conn = await session.connection()
    for rows in (finished, parked):
        if rows:
            await conn.execute(statement, rows)
    await session.commit()
    return len(claimed)


async def pending_count(session: AsyncSession) -> int:
    """Deliveries stored and not processed yet (lefts waiting for their join not counted)."""
    c = EVENTS.c
    query = select(func.count()).where(c.processed_at.is_(None), c.error.is_(None))
    return int((await (await session.connection()).execute(query)).scalar_one())
