"""The moderators' review queue: unmatched Zoom connections grouped by display name, and their decisions.

A decision (a participant, or a dismissal) resolves every pending connection of that display name in the
batch, is remembered as an alias of the event (so the next connection under that name matches by itself),
and is audited. The queue item's id is the smallest session id of its group, stable while it waits.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.errors import Conflict, ErrorCode, Invalid, NotFound
from eventops.identity.matching import SUGGESTIONS, alias_key
from eventops.identity.review import ALIASES, SESSIONS, RosterIndexCache, match_pending
from eventops.identity.states import ReviewState
from eventops.intervals import Interval, session_interval, union_minutes
from eventops.live import hub as live
from eventops.roster.nip import normalise_nip
from eventops.storage.db import upsert
from eventops.storage.models import AuditEntry, Batch, Event, Participant
from eventops.timeutil import utcnow

PARTICIPANTS = Participant.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Suggested:
    """A roster participant suggested for a group, with the matcher's score (0-100)."""

    participant: Participant
    score: float


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


def _suggestions(rows: list[Any], parsed: dict[str, list[list[Any]]]) -> list[tuple[int, float]]:
    """The group's best suggestions: its connections may differ by email, never by name."""
    best: dict[int, float] = {}
    for row in rows:
        if not row.suggestions:
            continue
        if row.suggestions not in parsed:
            parsed[row.suggestions] = json.loads(row.suggestions)
        for pid, score in parsed[row.suggestions]:
            best[int(pid)] = max(float(score), best.get(int(pid), 0.0))
    return sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))[:SUGGESTIONS]


def _minutes(rows: list[Any], window: Interval, now: datetime) -> int:
    return union_minutes((session_interval(r.joined_at, r.left_at, now) for r in rows), window)


async def _people(session: AsyncSession, batch_id: int, ids: set[int]) -> dict[int, Participant]:
    """Participants by id, only those still on this batch's roster (a re-import may have moved one)."""
    if not ids:
        return {}
    query = select(Participant).where(Participant.batch_id == batch_id, col(Participant.id).in_(ids))
    return {p.id: p for p in (await session.exec(query)).all() if p.id is not None}


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
    assert batch.id is not None
    await match_pending(session, batch, fresh_only=True, cache=cache)
    c = SESSIONS.c
    query = sa.select(
        c.id, c.display_name, c.email, c.joined_at, c.left_at, c.match_reason, c.suggestions
    ).where(c.batch_id == batch.id, c.participant_id.is_(None), c.review_state == ReviewState.PENDING)
    groups: dict[str, list[Any]] = defaultdict(list)  # display name -> its connections, oldest first
    for row in (await (await session.connection()).execute(query.order_by(c.id))).all():
        groups[row.display_name].append(row)
    now = now or utcnow()
    window = Interval(batch.starts_at, batch.ends_at)
    minutes = {name: _minutes(rows, window, now) for name, rows in groups.items()}
    ordered = sorted(groups.items(), key=lambda kv: (-minutes[kv[0]], kv[1][0].id))
    page = ordered[offset : offset + limit]
    parsed: dict[str, list[list[Any]]] = {}
    picks = {name: _suggestions(rows, parsed) for name, rows in page}
    people = await _people(session, batch.id, {pid for pairs in picks.values() for pid, _ in pairs})
    items = []
    for name, rows in page:
        first = rows[0]
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
                    Suggested(people[pid], score) for pid, score in picks[name] if pid in people
                ),
            )
        )
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
    assert event.id is not None and batch.id is not None
    c = SESSIONS.c
    found = (
        await (await session.connection()).execute(
            sa.select(c.display_name, c.review_state).where(c.id == item_id, c.batch_id == batch.id)
        )
    ).first()
    if found is None:
        raise NotFound(
            f"no connection {item_id} in batch {batch.code!r}", code=ErrorCode.REVIEW_ITEM_NOT_FOUND
        )
    display_name, state = found
    if state != ReviewState.PENDING:
        raise Conflict(f"connection {item_id} is {state} already", code=ErrorCode.ALREADY_DECIDED)
    person = None if dismiss else await _target(session, event, batch, nip, participant_ref)
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
    conn = await session.connection()
    # The guarded update of the item itself is the claim: of two moderators deciding at once, one wins.
    claimed = await conn.execute(
        sa.update(SESSIONS).where(c.id == item_id, c.review_state == ReviewState.PENDING).values(**values)
    )
    if claimed.rowcount == 0:
        await session.rollback()
        raise Conflict(f"connection {item_id} was decided meanwhile", code=ErrorCode.ALREADY_DECIDED)
    others = await conn.execute(
        sa.update(SESSIONS)
        .where(c.batch_id == batch.id, c.display_name == display_name, c.review_state == ReviewState.PENDING)
        .values(**values)
    )
    key = alias_key(display_name) if person is not None else ""
    if person is not None and key:
        await _remember(session, event.id, key, person.id, actor)  # type: ignore[arg-type]
    decision = Decision(
        item_id, display_name, values["review_state"], 1 + others.rowcount, person, key or None
    )
    session.add(_audit(decision, event.id, batch.id, actor))
    await live.notify(session, batch.id, "review", {"decided": decision.connections})
    await session.commit()
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
