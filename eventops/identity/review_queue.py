"""The moderators' review queue: unmatched Zoom connections grouped by display name, and their decisions.

A decision (a participant, or a dismissal) resolves every pending connection of that display name in the
batch, is remembered as an alias of the event (so the next connection under that name matches by itself),
and is audited. The queue item's id is the smallest session id of its group, stable while it waits.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.errors import Conflict, ErrorCode, Invalid, NotFound
from eventops.identity.matching import SUGGESTIONS, alias_key
from eventops.identity.review import ALIASES, SESSIONS, RosterIndexCache, match_pending
from eventops.identity.review_evidence import Evidence, candidate_evidence
from eventops.identity.states import ReviewState
from eventops.intervals import Interval, session_interval, union_minutes
from eventops.live import hub as live
from eventops.roster.nip import normalise_nip
from eventops.storage.db import upsert
from eventops.storage.models import AuditEntry, Batch, Event, Participant
from eventops.timeutil import utcnow

PARTICIPANTS = Participant.__table__  # type: ignore[attr-defined]
_C = SESSIONS.c
# What a moderator may still decide: a pending connection, or one matched among namesakes by presence alone.
OPEN = sa.or_(
    _C.review_state == ReviewState.PENDING,
    sa.and_(_C.review_state == ReviewState.MATCHED, _C.match_method == "presence"),
)


@dataclass(frozen=True)
class Suggested:
    """A roster participant suggested for a group, with the matcher's score (0-100)."""

    participant: Participant
    score: float
    # where they are expected and already are: what separates namesakes
    evidence: Evidence = field(default_factory=Evidence)


@dataclass(frozen=True)
class ReviewItem:
    """One distinct unmatched display name of the batch and what is known of its connections."""

    id: int
    display_name: str
    email: str | None
    connections: int
    first_joined: datetime
    minutes: int  # the union of its connections inside the batch window
    reason: str | None
    suggestions: tuple[Suggested, ...]
    one_candidate: int | None = None  # the one compatible candidate's id: what accepting in bulk picks
    matched: int | None = None  # matched by presence: to whom (a moderator may decide otherwise)


@dataclass(frozen=True)
class ReviewQueue:
    """A page of the queue (most minutes first) and the number of items in all."""

    items: list[ReviewItem]
    total: int


@dataclass(frozen=True)
class Decision:
    """What a decision did: the group, its new state, the connections it resolved, the alias it left."""

    id: int
    display_name: str
    state: ReviewState
    connections: int
    participant: Participant | None
    alias: str | None


def _parsed(row: Any, parsed: dict[str, list[list[Any]]]) -> list[list[Any]]:
    """A row's stored suggestions, `[[participant_id, score(, 1 when the one compatible candidate)], ...]`."""
    if not row.suggestions:
        return []
    if row.suggestions not in parsed:
        parsed[row.suggestions] = json.loads(row.suggestions)
    return parsed[row.suggestions]


def suggestions_of(rows: list[Any], parsed: dict[str, list[list[Any]]]) -> list[tuple[int, float]]:
    """The group's best suggestions: its connections may differ by email, never by name."""
    best: dict[int, float] = {}
    for row in rows:
        for pid, score, *_ in _parsed(row, parsed):
            best[int(pid)] = max(float(score), best.get(int(pid), 0.0))
    return sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))[:SUGGESTIONS]


def one_candidate(rows: list[Any], parsed: dict[str, list[list[Any]]]) -> int | None:
    """The one compatible candidate of a group, when every verdict of its connections names the same."""
    found = {
        frozenset(int(s[0]) for s in _parsed(row, parsed) if len(s) > 2 and s[2])
        for row in rows
        if row.suggestions
    }
    only = found.pop() if len(found) == 1 else frozenset()
    return next(iter(only)) if len(only) == 1 else None


def _minutes(rows: list[Any], window: Interval, now: datetime) -> int:
    return union_minutes((session_interval(r.joined_at, r.left_at, now) for r in rows), window)


async def _people(session: AsyncSession, batch_id: int, ids: set[int]) -> dict[int, Participant]:
    """Participants by id, only those still on this batch's roster (a re-import may have moved one)."""
    if not ids:
        return {}
    query = select(Participant).where(Participant.batch_id == batch_id, col(Participant.id).in_(ids))
    return {p.id: p for p in (await session.exec(query)).all() if p.id is not None}


async def pending_groups(
    session: AsyncSession, batch: Batch, cache: RosterIndexCache | None = None, *, presence: bool = False
) -> dict[str, list[Any]]:
    """The batch's pending connections by display name, oldest first, after matching those never examined;
    `presence`: instead, the connections matched by presence, which a moderator may decide otherwise."""
    assert batch.id is not None
    await match_pending(session, batch, fresh_only=True, cache=cache)
    c = SESSIONS.c
    query = sa.select(
        c.id, c.display_name, c.email, c.joined_at, c.left_at, c.match_reason, c.suggestions, c.participant_id
    ).where(
        c.batch_id == batch.id,
        sa.and_(c.review_state == ReviewState.MATCHED, c.match_method == "presence")
        if presence
        else sa.and_(c.participant_id.is_(None), c.review_state == ReviewState.PENDING),
    )
    groups: dict[str, list[Any]] = defaultdict(list)
    for row in (await (await session.connection()).execute(query.order_by(c.id))).all():
        groups[row.display_name].append(row)
    return groups


def group_minutes(groups: dict[str, list[Any]], batch: Batch, now: datetime) -> dict[str, int]:
    """Each group's minutes online inside the batch window (the union of its connections)."""
    window = Interval(batch.starts_at, batch.ends_at)
    return {name: _minutes(rows, window, now) for name, rows in groups.items()}


async def queue_items(
    session: AsyncSession, batch: Batch, page: list[tuple[str, list[Any]]], minutes: dict[str, int]
) -> list[ReviewItem]:
    """The queue items of some display-name groups, their suggested participants loaded."""
    assert batch.id is not None
    parsed: dict[str, list[list[Any]]] = {}
    picks = {name: suggestions_of(rows, parsed) for name, rows in page}
    people = await _people(session, batch.id, {pid for pairs in picks.values() for pid, _ in pairs})
    evidence = await candidate_evidence(session, batch.id, people)
    items = []
    for name, rows in page:
        first = rows[0]
        only = one_candidate(rows, parsed)
        items.append(
            ReviewItem(
                id=first.id,
                display_name=name,
                email=next((r.email for r in rows if r.email), None),
                connections=len(rows),
                first_joined=min(r.joined_at for r in rows),
                minutes=minutes[name],
                reason=first.match_reason,
                suggestions=tuple(
                    Suggested(people[pid], score, evidence.get(pid, Evidence()))
                    for pid, score in picks[name]
                    if pid in people
                ),
                one_candidate=only if only in people else None,
                matched=first.participant_id,
            )
        )
    return items


async def review_queue(
    session: AsyncSession,
    batch: Batch,
    *,
    limit: int = 200,
    offset: int = 0,
    cache: RosterIndexCache | None = None,
    now: datetime | None = None,
) -> ReviewQueue:
    """The batch's unmatched connections grouped by display name, after matching the ones never examined."""
    groups = await pending_groups(session, batch, cache)
    minutes = group_minutes(groups, batch, now or utcnow())
    ordered = sorted(groups.items(), key=lambda kv: (-minutes[kv[0]], kv[1][0].id))
    items = await queue_items(session, batch, ordered[offset : offset + limit], minutes)
    return ReviewQueue(items, len(ordered))


async def _target(
    session: AsyncSession, event: Event, batch: Batch, nip: str | None, ref: int | None
) -> Participant:
    """The participant a moderator named, by full NIP or by reference; on this batch's roster."""
    if nip is not None:
        query = select(Participant).where(
            Participant.event_id == event.id, Participant.nip == normalise_nip(nip)
        )
    else:
        query = select(Participant).where(Participant.event_id == event.id, Participant.id == ref)
    person = (await session.exec(query)).first()
    if person is None:
        raise NotFound(
            "peserta tidak ditemukan di acara ini · no such participant in this event",
            code=ErrorCode.PARTICIPANT_NOT_FOUND,
        )
    if person.batch_id != batch.id:
        assigned = (await session.exec(select(Batch.code).where(Batch.id == person.batch_id))).first()
        raise Invalid(
            f"peserta ini terdaftar di kelompok {assigned}, bukan {batch.code} · this participant is on the "
            f"roster of batch {assigned}, not {batch.code}",
            code=ErrorCode.WRONG_BATCH,
            details=[{"field": "participant", "message": f"assigned to batch {assigned}"}],
        )
    return person


async def decide(
    session: AsyncSession,
    event: Event,
    batch: Batch,
    item_id: int,
    actor: str,
    *,
    nip: str | None = None,
    participant_ref: int | None = None,
    dismiss: bool = False,
) -> Decision:
    """Resolve (to a participant named by NIP or reference) or dismiss a queue item and every pending
    connection with its display name; remembered as an alias, audited. NotFound, Invalid (wrong_batch),
    Conflict (already decided)."""
    assert batch.id is not None
    await pending_item(session, batch, item_id)  # an unknown or decided item first, then the person
    person = None if dismiss else await _target(session, event, batch, nip, participant_ref)
    try:
        decision = await apply_decision(session, event, batch, item_id, person, actor)
    except Conflict:
        await session.rollback()
        raise
    await live.notify(session, batch.id, "review", {"decided": decision.connections})
    await session.commit()
    return decision


async def pending_item(session: AsyncSession, batch: Batch, item_id: int) -> str:
    """The display name of a pending queue item of the batch. NotFound, Conflict (already decided)."""
    c = SESSIONS.c
    query = sa.select(c.display_name, c.review_state, OPEN.label("open")).where(
        c.id == item_id, c.batch_id == batch.id
    )
    found = (await (await session.connection()).execute(query)).first()
    if found is None:
        raise NotFound(
            f"no connection {item_id} in batch {batch.code!r}", code=ErrorCode.REVIEW_ITEM_NOT_FOUND
        )
    display_name, state, is_open = found
    if not is_open:
        raise Conflict(f"connection {item_id} is {state} already", code=ErrorCode.ALREADY_DECIDED)
    return str(display_name)


async def apply_decision(
    session: AsyncSession, event: Event, batch: Batch, item_id: int, person: Participant | None, actor: str
) -> Decision:
    """Resolve a queue item and every pending connection of its display name to `person` (None: dismiss),
    remember the alias and add the audit entry, uncommitted. NotFound, Conflict (already decided)."""
    assert event.id is not None and batch.id is not None
    c = SESSIONS.c
    conn = await session.connection()
    display_name = await pending_item(session, batch, item_id)
    values: dict[str, Any] = (
        {
            "review_state": ReviewState.DISMISSED,
            "match_method": None,
            "match_score": None,
            "participant_id": None,
        }
        if person is None
        else {
            "review_state": ReviewState.RESOLVED,
            "match_method": "alias",
            "match_score": 1.0,
            "participant_id": person.id,
        }
    )
    values["updated_at"] = utcnow()
    # The guarded update of the item itself is the claim: of two moderators deciding at once, one wins.
    claimed = await conn.execute(sa.update(SESSIONS).where(c.id == item_id, OPEN).values(**values))
    if claimed.rowcount == 0:
        raise Conflict(f"connection {item_id} was decided meanwhile", code=ErrorCode.ALREADY_DECIDED)
    others = await conn.execute(
        sa.update(SESSIONS)
        .where(c.batch_id == batch.id, c.display_name == display_name, OPEN)
        .values(**values)
    )
    key = alias_key(display_name) if person is not None else ""
    if person is not None and key:
        await _remember(session, event.id, key, person.id, actor)  # type: ignore[arg-type]
    decision = Decision(
        item_id, display_name, values["review_state"], 1 + others.rowcount, person, key or None
    )
    session.add(_audit(decision, event.id, batch.id, actor))
    return decision


async def _remember(session: AsyncSession, event_id: int, key: str, participant_id: int, actor: str) -> None:
    """Upsert the event's alias: a later decision on the same name replaces an earlier one."""
    conn = await session.connection()
    stmt = upsert(conn.dialect.name, ALIASES).values(
        event_id=event_id, key=key, participant_id=participant_id, created_by=actor[:100], created_at=utcnow()
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["event_id", "key"],
        set_={
            "participant_id": stmt.excluded.participant_id,
            "created_by": stmt.excluded.created_by,
            "created_at": stmt.excluded.created_at,
        },
    )
    await conn.execute(stmt)


def _audit(decision: Decision, event_id: int, batch_id: int, actor: str) -> AuditEntry:
    details = {
        "display_name": decision.display_name,
        "connections": decision.connections,
        "participant_id": decision.participant.id if decision.participant else None,
        "alias": decision.alias,
    }
    return AuditEntry(
        actor=actor[:100],
        action=f"review.{'dismiss' if decision.participant is None else 'resolve'}",
        event_id=event_id,
        batch_id=batch_id,
        subject=f"online_session:{decision.id}",
        details=json.dumps(details, ensure_ascii=False),
    )
