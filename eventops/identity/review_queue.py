"""The moderators' review queue: unmatched Zoom connections grouped by display name, with their suggestions
and the evidence beside them. The queue item's id is the smallest session id of its group, stable while it
waits; what a moderator decides on it is `review_decisions`.
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

from eventops.identity.review import SESSIONS, RosterIndexCache, match_pending
from eventops.identity.review_decisions import Decision as Decision  # callers keep importing them from here
from eventops.identity.review_decisions import decide as decide
from eventops.identity.review_evidence import Evidence, candidate_evidence
from eventops.identity.states import ReviewState
from eventops.identity.verdicts import SUGGESTIONS
from eventops.intervals import Interval, session_interval, union_minutes
from eventops.storage.models import Batch, Participant
from eventops.timeutil import utcnow

PARTICIPANTS = Participant.__table__  # type: ignore[attr-defined]


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
