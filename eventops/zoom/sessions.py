"""Webhook events into online sessions: one row per Zoom connection, in whatever order events arrive.

Connection key. Zoom gives every connection (join, reconnect, second device) its own `user_id` and
`participant_uuid` (fact sheet §4.6, §6.1); `user_id` numbers restart in every instance of a meeting. The key
is `{instance uuid}/u:{user_id}`: the participant report has `user_id` but no `participant_uuid` (§2.1), so
this is what lets the report sync find the session a webhook opened. Without a `user_id` (never seen in
practice: the parser requires it) the key falls back to `p:{participant_uuid}`, then to a hash of the display
name (and join time, when known).

Order. A `joined` upserts its session on (batch, connection key, join time). A `left` closes the session of
its connection; when that session does not exist yet (a `left` delivered before its `joined`), the event
*waits* (zoom_events.error = `waiting_for_join`, not processed) and is applied as soon as its `joined` has
been stored. A `left` that carries `join_time` creates the session itself and needs no wait. An `ended`
closes every open session of that instance at the end time, and a `joined` processed after its instance
ended is closed at the end time too (its own `left`, whenever it comes, sets the exact time). A `left` whose
`joined` never comes waits for good: it is visible in zoom_events, and the report sync covers its interval.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, case, func, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.identity.exact import Identity, identify, match_columns
from eventops.identity.states import ReviewState
from eventops.live import hub as live
from eventops.storage.chunks import select_in
from eventops.storage.db import upsert
from eventops.storage.models import Batch, OnlineSession, ZoomEvent
from eventops.storage.text import clean_fields
from eventops.timeutil import utcnow
from integrations.zoom import ZoomWebhookEvent, parse_event
from integrations.zoom.errors import WebhookPayloadError

SESSIONS = OnlineSession.__table__  # type: ignore[attr-defined]
EVENTS = ZoomEvent.__table__  # type: ignore[attr-defined]
BATCHES = Batch.__table__  # type: ignore[attr-defined]
WAITING = "waiting_for_join"
# Several batches may share one meeting id (one per day): an event belongs to the batch whose window,
# widened by this much on both sides, contains it.
WINDOW_SLACK = timedelta(hours=2)
ENDED_EVENTS = ("meeting.ended", "webinar.ended")


@dataclass
class EventItem:
    """One stored delivery being processed, and the batch it belongs to once known."""

    row_id: int
    event: ZoomWebhookEvent
    batch_id: int | None = None


@dataclass
class Outcome:
    """Rows that must wait for their `joined`, and the connections whose sessions were opened."""

    waiting: set[int] = field(default_factory=set)
    opened: set[str] = field(default_factory=set)


def read_event(body: str) -> ZoomWebhookEvent:
    """A delivery's body parsed, its text made storable: Zoom relays NULs and lone surrogates people type."""
    return clean_fields(parse_event(body))


def connection_key(
    instance_uuid: str,
    user_id: str,
    participant_uuid: str = "",
    name: str = "",
    joined: datetime | None = None,
) -> str:
    """The key of one Zoom connection within one meeting instance (see the module docstring)."""
    if user_id:
        ident = f"u:{user_id}"
    elif participant_uuid:
        ident = f"p:{participant_uuid}"
    else:
        seed = f"{name}|{joined.isoformat() if joined else ''}"
        ident = "h:" + hashlib.sha256(seed.encode()).hexdigest()[:32]
    return fit_key(f"{instance_uuid}/{ident}")


def fit_key(text: str, size: int = 200) -> str:
    """`text` if it fits its key column, else a digest (keys must stay distinct, not readable): how a long
    meeting uuid, dedup key or connection key is stored, and so how it is looked up."""
    return text if len(text) <= size else "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def moment(event: ZoomWebhookEvent) -> datetime:
    """When the event happened: the join or leave time, the meeting's end or start, else `event_ts`."""
    person, meeting = event.participant, event.meeting
    if person is not None:
        return person.join_time or person.leave_time or event.event_time
    if meeting is not None and event.action == "ended":
        return meeting.end_time or event.event_time
    if meeting is not None and event.action == "started":
        return meeting.start_time or event.event_time
    return event.event_time


def _distance(starts: datetime, ends: datetime, when: datetime) -> timedelta:
    if starts <= when <= ends:
        return timedelta(0)
    return min(abs(when - starts), abs(when - ends))


def choose_batch(candidates: list[tuple[int, datetime, datetime]], when: datetime) -> int | None:
    """The batch (id, starts, ends) an event at `when` belongs to: the only one, or the nearest whose
    slack-widened window contains it."""
    if len(candidates) == 1:
        return candidates[0][0]
    inside = [c for c in candidates if c[1] - WINDOW_SLACK <= when <= c[2] + WINDOW_SLACK]
    if not inside:
        return None
    return min(inside, key=lambda c: (_distance(c[1], c[2], when), c[1]))[0]


async def pick_batches(session: AsyncSession, items: list[EventItem]) -> dict[int, str]:
    """Set each item's batch from its meeting id; error notes for items no batch claims."""
    ids = {i.event.meeting.id for i in items if i.event.meeting is not None}
    by_meeting: dict[str, list[tuple[int, datetime, datetime]]] = defaultdict(list)
    if ids:
        c = BATCHES.c
        query = select(c.zoom_meeting_id, c.id, c.starts_at, c.ends_at).where(c.zoom_meeting_id.in_(ids))
        for meeting_id, batch_id, starts, ends in (await (await session.connection()).execute(query)).all():
            by_meeting[meeting_id].append((batch_id, starts, ends))
    errors = {}
    for item in items:
        meeting = item.event.meeting
        if meeting is None:
            errors[item.row_id] = f"ignored: {item.event.event} is not an attendance event"
            continue
        candidates = by_meeting.get(meeting.id)
        if not candidates:
            errors[item.row_id] = f"no batch is linked to Zoom meeting {meeting.id}"
            continue
        item.batch_id = choose_batch(candidates, moment(item.event))
        if item.batch_id is None:
            when = moment(item.event)
            errors[item.row_id] = f"no batch of meeting {meeting.id} runs around {when:%Y-%m-%d %H:%M} UTC"
    return errors


def _key(item: EventItem) -> str:
    meeting, person = item.event.meeting, item.event.participant
    assert meeting is not None and person is not None
    return connection_key(meeting.uuid, person.user_id, person.participant_uuid, person.user_name)


async def _instance_ends(session: AsyncSession, items: list[EventItem]) -> dict[str, datetime]:
    """End times of the instances these events belong to: ended in this round, or processed before."""
    ends = {
        i.event.meeting.uuid: moment(i.event) for i in items if i.event.action == "ended" and i.event.meeting
    }
    uuids = {i.event.meeting.uuid for i in items if i.event.meeting and i.event.participant} - set(ends)
    if uuids:
        c = EVENTS.c
        query = select(c.body).where(
            c.meeting_uuid.in_({fit_key(u) for u in uuids}),
            c.event.in_(ENDED_EVENTS),
            c.processed_at.is_not(None),
        )
        for (body,) in (await (await session.connection()).execute(query)).all():
            try:
                event = read_event(body)
            except WebhookPayloadError:
                continue
            if event.meeting is not None:
                ends[event.meeting.uuid] = moment(event)
    return ends


def _upsert_statement(dialect: str) -> Any:
    """Insert a session; on a known connection fill what was missing and never undo a decided match."""
    stmt = upsert(dialect, SESSIONS)
    new, old = stmt.excluded, SESSIONS.c
    improves = and_(old.review_state == ReviewState.PENDING, new.review_state != ReviewState.PENDING)
    return stmt.on_conflict_do_update(
        index_elements=["batch_id", "connection_key", "joined_at"],
        set_={
            "left_at": func.coalesce(old.left_at, new.left_at),
            "display_name": case((old.display_name == "", new.display_name), else_=old.display_name),
            "email": func.coalesce(old.email, new.email),
            "registrant_id": func.coalesce(old.registrant_id, new.registrant_id),
            **{name: case((improves, new[name]), else_=old[name]) for name in _MATCH_COLUMNS},
            "seen_by_webhook": True,
            "updated_at": new.updated_at,
        },
    )


_MATCH_COLUMNS = ("participant_id", "match_method", "match_score", "review_state")


async def _open_sessions(
    session: AsyncSession, joins: list[EventItem], ends: dict[str, datetime], outcome: Outcome
) -> None:
    """Upsert the session of every `joined` (and of every `left` that carries its join time)."""
    now = utcnow()
    rows: dict[tuple[int, str, datetime], dict[str, Any]] = {}
    for item in joins:
        person, meeting = item.event.participant, item.event.meeting
        assert person is not None and meeting is not None and item.batch_id is not None
        joined = person.join_time or item.event.event_time
        end = ends.get(meeting.uuid)
        rows.setdefault(
            (item.batch_id, _key(item), joined),
            {
                "batch_id": item.batch_id,
                "connection_key": _key(item),
                "joined_at": joined,
                "left_at": end if end is not None and end >= joined else None,
                "display_name": person.user_name[:200],
                "email": person.email.strip()[:254] or None,
                "registrant_id": person.registrant_id[:64] or None,
                "seen_by_webhook": True,
                "seen_in_report": False,
                "updated_at": now,
            },
        )
    if not rows:
        return
    values = list(rows.values())
    outcome.opened.update(r["connection_key"] for r in values)
    identities = [
        Identity(r["batch_id"], r["registrant_id"] or "", r["email"] or "", r["display_name"]) for r in values
    ]
    for row, match in zip(values, await identify(session, identities), strict=True):
        row.update(match_columns(match))
    conn = await session.connection()
    await conn.execute(_upsert_statement(conn.dialect.name), values)


async def _close_left(session: AsyncSession, lefts: list[EventItem], outcome: Outcome) -> None:
    """Close the session of every `left`; one whose session is unknown waits for its `joined`."""
    if not lefts:
        return
    c = SESSIONS.c
    keys = {_key(i) for i in lefts}
    query = select(c.id, c.batch_id, c.connection_key, c.joined_at).where(
        c.connection_key.in_(bindparam("keys", expanding=True))
    )
    conn = await session.connection()
    known: dict[tuple[int, str], list[tuple[int, datetime]]] = defaultdict(list)
    for sid, batch_id, key, joined in await select_in(conn, query, "keys", sorted(keys)):
        known[(batch_id, key)].append((sid, joined))
    now, updates = utcnow(), []
    for item in lefts:
        person, meeting = item.event.participant, item.event.meeting
        assert person is not None and meeting is not None and item.batch_id is not None
        left = person.leave_time or item.event.event_time
        candidates = known.get((item.batch_id, _key(item)))
        if not candidates:
            outcome.waiting.add(item.row_id)
            continue
        before = [c for c in candidates if c[1] <= left]
        sid, joined = max(before, key=lambda c: c[1]) if before else min(candidates, key=lambda c: c[1])
        updates.append({"_id": sid, "left_at": max(left, joined), "updated_at": now})
    if updates:
        statement = (
            update(SESSIONS)
            .where(c.id == bindparam("_id"))
            .values(left_at=bindparam("left_at"), updated_at=bindparam("updated_at"))
        )
        await conn.execute(statement, updates)


async def _close_ended(session: AsyncSession, ended: list[EventItem]) -> None:
    """Close the instance's open sessions at its end."""
    conn = await session.connection()
    now, c = utcnow(), SESSIONS.c
    for item in ended:
        meeting = item.event.meeting
        assert meeting is not None and item.batch_id is not None
        end = moment(item.event)
        await conn.execute(
            update(SESSIONS)
            .where(
                c.batch_id == item.batch_id,
                c.left_at.is_(None),
                c.joined_at <= end,
                c.connection_key.startswith(f"{meeting.uuid}/", autoescape=True),
            )
            .values(left_at=end, updated_at=now)
        )


async def apply_events(session: AsyncSession, items: list[EventItem]) -> Outcome:
    """Apply events that have a batch: joins first, then lefts, then ends (see the module docstring)."""
    outcome = Outcome()
    person_events = [i for i in items if i.event.participant is not None and i.event.meeting is not None]
    joins = [i for i in person_events if i.event.action == "participant_joined" or _carries_join(i)]
    lefts = [i for i in person_events if i.event.action == "participant_left"]
    ended = [i for i in items if i.event.action == "ended" and i.event.meeting is not None]
    ends = await _instance_ends(session, items)
    await _open_sessions(session, joins, ends, outcome)
    await _close_left(session, lefts, outcome)
    await _close_ended(session, ended)
    await _publish(session, items)
    return outcome


def _carries_join(item: EventItem) -> bool:
    return item.event.participant is not None and item.event.participant.join_time is not None


async def _publish(session: AsyncSession, items: list[EventItem]) -> None:
    """One live change per batch and round (not per event: a burst of joins is one dashboard refresh)."""
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    for item in items:
        if item.batch_id is not None and item.event.action != "other":
            counts[item.batch_id][item.event.action] += 1
    for batch_id, actions in sorted(counts.items()):
        await live.notify(session, batch_id, "zoom", dict(actions))


async def online_counts(session: AsyncSession, batch: Batch) -> dict[str, int]:
    """Sessions of a batch open now (matched or not) and in all."""
    c = SESSIONS.c
    is_open = c.left_at.is_(None)
    query = select(
        func.count().filter(is_open),
        func.count(c.participant_id).filter(is_open),
        func.count(func.distinct(case((is_open, c.participant_id)))),
        func.count(),
    ).where(c.batch_id == batch.id)
    online, matched, people, total = (await (await session.connection()).execute(query)).one()
    return {
        "online_now": online,
        "matched": matched,
        "unmatched": online - matched,
        "participants_online": people,
        "sessions_total": total,
    }
