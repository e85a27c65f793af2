"""The attendance service: records computed from the database, finalize and reopen, overrides, the recap."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import delete, exists, insert, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.attendance.facts import (
    CHECKINS,
    Person,
    load_facts,
    newest_overrides,
    people,
)
from eventops.attendance.recap import Summary, summarise
from eventops.attendance.rules import (
    MODES,
    STATUSES,
    AttendanceRecord,
    Flag,
    Mode,
    ParticipantId,
    Source,
    Status,
    evaluate_batch,
)
from eventops.catalog import events
from eventops.errors import Conflict, ErrorCode, Invalid
from eventops.identity.review import RosterIndexCache, match_pending
from eventops.live import hub as live
from eventops.roster.nip import normalise_nip
from eventops.roster.passes import participant_by_nip
from eventops.storage.chunks import execute_rows
from eventops.storage.models import AttendanceRecordRow, AuditEntry, Batch, Event, Override
from eventops.timeutil import utcnow

RECORDS = AttendanceRecordRow.__table__  # type: ignore[attr-defined]
BATCHES = Batch.__table__  # type: ignore[attr-defined]
REASON_MAX = 500


@dataclass(frozen=True)
class BatchAttendance:
    """A batch's records in display order with the people they belong to; frozen when finalized."""

    event: Event
    batch: Batch
    people: dict[int, Person]
    records: list[AttendanceRecord]
    frozen: bool

    def rows(self) -> list[tuple[Person, AttendanceRecord]]:
        """Each record with its person, in display order."""
        return [(self.people[int(r.participant_id)], r) for r in self.records]

    def summary(self) -> Summary:
        """Counts by status, mode, agency and unit (`eventops.attendance.recap.summarise`)."""
        groups: dict[ParticipantId, tuple[str, str]] = {
            p.id: (p.agency, p.unit) for p in self.people.values()
        }
        return summarise(self.records, groups)


@dataclass(frozen=True)
class OverrideResult:
    """A stored override and the participant's record with it applied."""

    override: Override
    person: Person
    record: AttendanceRecord
    timezone: str


async def _evaluated(
    session: AsyncSession, batch: Batch, now: datetime
) -> tuple[list[Person], list[AttendanceRecord]]:
    facts = await load_facts(session, batch, now)
    # Seconds of pure CPU for a 50,000-participant batch: off the event loop, so scans keep being answered.
    return facts.people, await asyncio.to_thread(evaluate_batch, facts.rules, facts.facts)


async def compute(session: AsyncSession, batch: Batch, now: datetime | None = None) -> list[AttendanceRecord]:
    """One record per member of the batch, from what the database holds now."""
    return (await _evaluated(session, batch, now or utcnow()))[1]


async def _live(session: AsyncSession, event: Event, batch: Batch, now: datetime) -> BatchAttendance:
    found, records = await _evaluated(session, batch, now)
    return BatchAttendance(event, batch, {p.id: p for p in found}, records, frozen=False)


def _stored_record(row: Any, overrides: dict[int, Any]) -> AttendanceRecord:
    flags = tuple(cast(Flag, f) for f in row.flags.split(";") if f)
    return AttendanceRecord(
        participant_id=row.participant_id,
        batch_id=row.batch_id,
        status=cast(Status, row.status),
        mode=cast(Mode | None, row.mode),
        checked_in_at=row.checked_in_at,
        online_minutes=row.online_minutes,
        checkpoints=row.checkpoints,
        first_seen=row.first_seen,
        last_seen=row.last_seen,
        sources=tuple(cast(Source, s) for s in row.sources.split(";") if s),
        flags=flags,
        computed_status=cast(Status, row.computed_status or row.status),
        computed_mode=cast(Mode | None, row.computed_mode if row.computed_status else row.mode),
        override=overrides.get(row.participant_id) if "manual" in flags else None,
    )


async def _frozen(session: AsyncSession, event: Event, batch: Batch) -> BatchAttendance:
    """The records stored when the batch was finalized."""
    assert batch.id is not None
    conn = await session.connection()
    rows = list(await conn.execute(select(RECORDS).where(RECORDS.c.batch_id == batch.id)))
    found = await people(session, select(RECORDS.c.participant_id).where(RECORDS.c.batch_id == batch.id))
    overrides = await newest_overrides(session, batch.id)
    rows.sort(key=lambda r: found[r.participant_id].sort_key)
    records = [_stored_record(r, overrides) for r in rows]
    return BatchAttendance(event, batch, found, records, frozen=True)


async def batch_attendance(session: AsyncSession, event_slug: str, code: str) -> BatchAttendance:
    """The batch's records: the frozen ones once finalized, else computed now."""
    event, batch = await events.event_and_batch(session, event_slug, code)
    if batch.finalized_at is not None:
        return await _frozen(session, event, batch)
    return await _live(session, event, batch, utcnow())


def _row(batch_id: int, r: AttendanceRecord, now: datetime) -> dict[str, Any]:
    return {
        "batch_id": batch_id,
        "participant_id": r.participant_id,
        "status": r.status,
        "mode": r.mode,
        "checked_in_at": r.checked_in_at,
        "online_minutes": r.online_minutes,
        "checkpoints": r.checkpoints,
        "first_seen": r.first_seen,
        "last_seen": r.last_seen,
        "sources": ";".join(r.sources),
        "flags": ";".join(r.flags),
        "computed_status": r.computed_status,
        "computed_mode": r.computed_mode,
        "computed_at": now,
    }


def _audit(actor: str, action: str, event: Event, batch: Batch, subject: str, **details: Any) -> AuditEntry:
    return AuditEntry(
        actor=actor,
        action=action,
        event_id=event.id,
        batch_id=batch.id,
        subject=subject,
        details=json.dumps(details, ensure_ascii=False, default=str),
    )


async def _lock_batch(
    session: AsyncSession, batch: Batch, *, finalized: bool, finalized_at: datetime | None
) -> bool:
    """Set the batch's `finalized_at` if it is (or is not) `finalized`; False, rolled back, if not.

    The conditional UPDATE is the guard of finalize, reopen and overrides: it takes the batch row's lock
    (PostgreSQL) or the write lock (SQLite), so they run one after the other and each sees the state the
    one before it left.
    """
    state = BATCHES.c.finalized_at.is_not(None) if finalized else BATCHES.c.finalized_at.is_(None)
    conn = await session.connection()
    result = await conn.execute(
        update(BATCHES).where(BATCHES.c.id == batch.id, state).values(finalized_at=finalized_at)
    )
    if result.rowcount == 0:
        await session.rollback()
        return False
    return True


async def finalize(
    session: AsyncSession,
    event_slug: str,
    code: str,
    actor: str,
    *,
    early: bool = True,
    cache: RosterIndexCache | None = None,
) -> BatchAttendance:
    """Match what is still unmatched, then compute and store the batch's records and freeze them.

    Conflict if the batch is finalized already, or (with `early=False`) has not ended yet. Matching commits
    on its own, before the batch is claimed.
    """
    event, batch = await events.event_and_batch(session, event_slug, code)
    assert batch.id is not None
    if not early and batch.finalized_at is None and utcnow() < batch.ends_at:
        raise Conflict(
            f"batch {code!r} has not ended yet: tick 'finalize early' to finalize it now",
            code=ErrorCode.BATCH_NOT_ENDED,
        )
    if batch.finalized_at is None:
        await match_pending(session, batch, fresh_only=True, cache=cache)
    now = utcnow()
    # Two finalizes run one after the other on the batch row's lock, and only one wins.
    if not await _lock_batch(session, batch, finalized=False, finalized_at=now):
        raise Conflict(f"batch {code!r} is finalized already", code=ErrorCode.ALREADY_FINALIZED)
    attendance = await _live(session, event, batch, now)
    conn = await session.connection()
    await conn.execute(delete(RECORDS).where(RECORDS.c.batch_id == batch.id))
    rows = [_row(batch.id, r, now) for r in attendance.records]
    await execute_rows(conn, insert(RECORDS), rows)
    counts = Counter(r.status for r in attendance.records)
    session.add(_audit(actor, "attendance.finalize", event, batch, batch.code, records=dict(counts)))
    await live.notify(session, batch.id, "attendance", {"action": "finalize"})
    await session.commit()
    await session.refresh(batch)
    return BatchAttendance(event, batch, attendance.people, attendance.records, frozen=True)


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        problem = {"field": "reason", "message": "a reason is required"}
        raise Invalid("a reason is required", code=ErrorCode.REASON_REQUIRED, details=[problem])
    if len(reason) > REASON_MAX:
        raise Invalid(
            "the reason is too long",
            details=[{"field": "reason", "message": f"at most {REASON_MAX} characters"}],
        )
    return reason


async def reopen(
    session: AsyncSession, event_slug: str, code: str, actor: str, reason: str
) -> tuple[Event, Batch]:
    """Unfreeze a finalized batch (its records stay until the next finalize); audited with the reason."""
    reason = _reason(reason)
    event, batch = await events.event_and_batch(session, event_slug, code)
    if not await _lock_batch(session, batch, finalized=True, finalized_at=None):
        raise Conflict(f"batch {code!r} is not finalized", code=ErrorCode.NOT_FINALIZED)
    session.add(_audit(actor, "attendance.reopen", event, batch, batch.code, reason=reason))
    assert batch.id is not None
    await live.notify(session, batch.id, "attendance", {"action": "reopen"})
    await session.commit()
    await session.refresh(batch)
    return event, batch


def _one_of(values: tuple[str, ...]) -> str:
    return f"{', '.join(values[:-1])} or {values[-1]}"


def _check_override(status: str, mode: str | None) -> None:
    problems = []
    if status not in STATUSES:
        problems.append({"field": "status", "message": _one_of(STATUSES)})
    if mode is not None and mode not in MODES:
        problems.append({"field": "mode", "message": _one_of(MODES)})
    if status == "absent" and mode is not None:
        problems.append({"field": "mode", "message": "an absent record has no mode"})
    if status in ("present", "partial") and mode is None:
        problems.append({"field": "mode", "message": "a present or partial record needs a mode"})
    if problems:
        raise Invalid("the override is not valid", details=problems)


async def add_override(
    session: AsyncSession,
    event_slug: str,
    code: str,
    nip: str,
    status: Status,
    mode: Mode | None,
    reason: str,
    actor: str,
) -> OverrideResult:
    """Store an organiser's decision on one record (audited); Conflict while the batch is finalized."""
    _check_override(status, mode)
    reason = _reason(reason)
    event, batch = await events.event_and_batch(session, event_slug, code)
    assert batch.id is not None
    # A no-op write on the batch row takes the lock finalize takes: a finalize running now either sees this
    # override in its records or has frozen them first and this one is refused.
    if not await _lock_batch(session, batch, finalized=False, finalized_at=None):
        raise Conflict(
            f"batch {code!r} is finalized: reopen it before changing records", code=ErrorCode.BATCH_FINALIZED
        )
    person = await participant_by_nip(session, event, normalise_nip(nip))
    assert person.id is not None
    conn = await session.connection()
    checked_in_here = exists().where(CHECKINS.c.batch_id == batch.id, CHECKINS.c.participant_id == person.id)
    if person.batch_id != batch.id and not (await conn.execute(select(checked_in_here))).scalar():
        raise Invalid(
            f"{person.name} is not in batch {code!r}",
            code=ErrorCode.PARTICIPANT_NOT_IN_BATCH,
            details=[{"field": "participant_nip", "message": "not a participant of this batch"}],
        )
    override = Override(
        batch_id=batch.id, participant_id=person.id, status=status, mode=mode, reason=reason, by=actor
    )
    session.add(override)
    subject = person.nip or str(person.id)
    session.add(
        _audit(actor, "attendance.override", event, batch, subject, status=status, mode=mode, reason=reason)
    )
    await live.notify(session, batch.id, "attendance", {"action": "override"})
    await session.commit()
    facts = await load_facts(session, batch, utcnow(), only=person.id)
    [record] = evaluate_batch(facts.rules, facts.facts)
    return OverrideResult(override, facts.people[0], record, event.timezone)
