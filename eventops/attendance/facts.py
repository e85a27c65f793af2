"""Everything known about a batch's participants, read with a handful of set-based queries.

The attendance service feeds `rules.evaluate_batch` from here. Who gets a record: every participant
assigned to the batch (roster and walk-ins) and anyone with an accepted check-in at it (a walk-in, or someone
of another batch whose check-in was accepted here: their record is flagged `wrong_batch`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select, union
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.attendance.rules import (
    BatchRules,
    CheckinFact,
    CheckpointChannel,
    CheckpointFact,
    OnlineSessionFact,
    ParticipantFacts,
)
from eventops.attendance.rules import Override as OverrideFact
from eventops.storage.models import (
    Batch,
    CheckIn,
    Checkpoint,
    CheckpointSubmission,
    OnlineSession,
    Override,
    Participant,
    Scan,
)

PEOPLE = Participant.__table__  # type: ignore[attr-defined]
CHECKINS = CheckIn.__table__  # type: ignore[attr-defined]
SCANS = Scan.__table__  # type: ignore[attr-defined]
SESSIONS = OnlineSession.__table__  # type: ignore[attr-defined]
CHECKPOINTS = Checkpoint.__table__  # type: ignore[attr-defined]
SUBMISSIONS = CheckpointSubmission.__table__  # type: ignore[attr-defined]
OVERRIDES = Override.__table__  # type: ignore[attr-defined]

# The check-in service answers a scan for another batch with this result; depending on how it stores
# such scans, the evidence is a CheckIn at the other batch, a Scan with this result there, or both.
WRONG_BATCH_SCAN = "wrong_batch"


@dataclass(frozen=True, slots=True)
class Person:
    """The roster data a record is shown with."""

    id: int
    nip: str | None
    name: str
    agency: str
    unit: str
    batch_id: int
    walk_in: bool

    @property
    def sort_key(self) -> tuple[str, str, str, int]:
        """Agency, unit, name (case-insensitive), then id: the same order on every database."""
        return (self.agency.casefold(), self.unit.casefold(), self.name.casefold(), self.id)


@dataclass(frozen=True)
class BatchFacts:
    """The people of a batch in display order, their facts in the same order, and the batch's rules."""

    rules: BatchRules
    people: list[Person]
    facts: list[ParticipantFacts]


def batch_rules(batch: Batch) -> BatchRules:
    """The pure engine's view of a batch's window and rules."""
    assert batch.id is not None
    return BatchRules(
        starts_at=batch.starts_at,
        ends_at=batch.ends_at,
        online_min_minutes=batch.online_min_minutes,
        min_checkpoints=batch.min_checkpoints,
        checkin_grace_before_minutes=batch.checkin_grace_before_minutes,
        checkin_grace_after_minutes=batch.checkin_grace_after_minutes,
        batch_id=batch.id,
    )


def _members(batch_id: int) -> Any:
    """The ids of everyone who gets a record in the batch, as a subquery."""
    return union(
        select(PEOPLE.c.id).where(PEOPLE.c.batch_id == batch_id),
        select(CHECKINS.c.participant_id).where(CHECKINS.c.batch_id == batch_id),
    )


def _who(column: Any, batch_id: int, only: int | None) -> ColumnElement[bool]:
    return column == only if only is not None else column.in_(_members(batch_id))


def _channel(raw: str) -> CheckpointChannel:
    # Submissions come from the self-attendance form or the stream's live chat.
    return "form" if raw == "form" else "youtube"


async def people(session: AsyncSession, ids: Any) -> dict[int, Person]:
    """The people with these ids (a list or a subquery), by id."""
    conn = await session.connection()
    rows = await conn.execute(
        select(
            PEOPLE.c.id,
            PEOPLE.c.nip,
            PEOPLE.c.name,
            PEOPLE.c.agency,
            PEOPLE.c.unit,
            PEOPLE.c.batch_id,
            PEOPLE.c.walk_in,
        ).where(PEOPLE.c.id.in_(ids))
    )
    return {r.id: Person(*r) for r in rows}


async def newest_overrides(
    session: AsyncSession, batch_id: int, only: int | None = None
) -> dict[int, OverrideFact]:
    """The newest override of each participant in the batch."""
    query = select(OVERRIDES).where(OVERRIDES.c.batch_id == batch_id)
    if only is not None:
        query = query.where(OVERRIDES.c.participant_id == only)
    rows = await (await session.connection()).execute(query.order_by(OVERRIDES.c.at, OVERRIDES.c.id))
    return {
        r.participant_id: OverrideFact(status=r.status, mode=r.mode, by=r.by, at=r.at, reason=r.reason)
        for r in rows
    }


Facts = dict[int, list[Any]]


async def _checkins(conn: AsyncConnection, b: int, only: int | None) -> tuple[Facts, Facts]:
    """Check-ins at this batch, and check-ins or wrong-batch scans at other batches, by participant."""
    here: Facts = defaultdict(list)
    elsewhere: Facts = defaultdict(list)
    rows = await conn.execute(
        select(
            CHECKINS.c.participant_id, CHECKINS.c.batch_id, CHECKINS.c.checked_in_at, CHECKINS.c.station
        ).where(_who(CHECKINS.c.participant_id, b, only))
    )
    for pid, at_batch, at, station in rows:
        (here if at_batch == b else elsewhere)[pid].append(CheckinFact(at, at_batch, station))
    rows = await conn.execute(
        select(SCANS.c.participant_id, SCANS.c.batch_id, SCANS.c.scanned_at, SCANS.c.station).where(
            SCANS.c.result == WRONG_BATCH_SCAN,
            SCANS.c.batch_id != b,
            _who(SCANS.c.participant_id, b, only),
        )
    )
    for pid, at_batch, at, station in rows:
        elsewhere[pid].append(CheckinFact(at, at_batch, station))
    return here, elsewhere


async def _sessions(conn: AsyncConnection, b: int, until: datetime, only: int | None) -> Facts:
    """Matched Zoom sessions in this batch by participant; a session still open lasts `until`."""
    found: Facts = defaultdict(list)
    query = select(
        SESSIONS.c.participant_id,
        SESSIONS.c.joined_at,
        SESSIONS.c.left_at,
        SESSIONS.c.connection_key,
        SESSIONS.c.display_name,
    ).where(SESSIONS.c.batch_id == b, SESSIONS.c.participant_id.is_not(None))
    if only is not None:
        query = query.where(SESSIONS.c.participant_id == only)
    for pid, joined, left, key, name in await conn.execute(query):
        # As `eventops.intervals.session_interval`, inlined: this loop runs 200,000 times for a big batch.
        # A leave before the join (a clock glitch in a report row) counts as no time online.
        end = (until if until > joined else joined) if left is None else (left if left > joined else joined)
        found[pid].append(OnlineSessionFact(joined, end, key, name))
    return found


async def _submissions(conn: AsyncConnection, b: int, only: int | None) -> tuple[int, Facts]:
    """How many checkpoints the batch has, and the submissions for them by participant."""
    windows = {
        r.id: (r.opens_at, r.closes_at)
        for r in await conn.execute(
            select(CHECKPOINTS.c.id, CHECKPOINTS.c.opens_at, CHECKPOINTS.c.closes_at).where(
                CHECKPOINTS.c.batch_id == b
            )
        )
    }
    found: Facts = defaultdict(list)
    query = (
        select(
            SUBMISSIONS.c.participant_id,
            SUBMISSIONS.c.checkpoint_id,
            SUBMISSIONS.c.submitted_at,
            SUBMISSIONS.c.channel,
        )
        .join(CHECKPOINTS, CHECKPOINTS.c.id == SUBMISSIONS.c.checkpoint_id)
        .where(CHECKPOINTS.c.batch_id == b)
    )
    if only is not None:
        query = query.where(SUBMISSIONS.c.participant_id == only)
    for pid, cp, at, channel in await conn.execute(query):
        opens, closes = windows[cp]
        found[pid].append(CheckpointFact(cp, at, opens, closes, _channel(channel)))
    return len(windows), found


async def load_facts(
    session: AsyncSession, batch: Batch, now: datetime, only: int | None = None
) -> BatchFacts:
    """Facts for every member of the batch (or only one participant); open Zoom sessions end at `now`."""
    assert batch.id is not None
    b = batch.id
    conn = await session.connection()
    found = await people(session, [only] if only is not None else _members(b))
    checkins, others = await _checkins(conn, b, only)
    sessions = await _sessions(conn, b, min(now, batch.ends_at), only)
    checkpoint_count, submissions = await _submissions(conn, b, only)
    overrides = await newest_overrides(session, b, only)
    ordered = sorted(found.values(), key=lambda p: p.sort_key)
    facts = [
        ParticipantFacts(
            participant_id=p.id,
            assigned_batch_id=None if p.walk_in else p.batch_id,
            checkins=tuple(checkins.get(p.id, ())),
            other_checkins=tuple(others.get(p.id, ())),
            sessions=tuple(sessions.get(p.id, ())),
            submissions=tuple(submissions.get(p.id, ())),
            checkpoint_count=checkpoint_count,
            override=overrides.get(p.id),
        )
        for p in ordered
    ]
    return BatchFacts(rules=batch_rules(batch), people=ordered, facts=facts)
