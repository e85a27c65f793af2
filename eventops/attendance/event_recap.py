"""The event recap: every batch's records (frozen or computed now) counted per agency across the event."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.attendance.recap import Summary, summarise
from eventops.attendance.records import BatchAttendance, batch_attendance
from eventops.attendance.rules import AttendanceRecord, ParticipantId
from eventops.catalog import events
from eventops.storage.models import Event


@dataclass(frozen=True)
class EventRecap:
    """The event, each batch's attendance and summary, and the summary of all their records together."""

    event: Event
    batches: list[tuple[BatchAttendance, Summary]]
    overall: Summary


async def event_recap(session: AsyncSession, event_slug: str) -> EventRecap:
    """Recap every batch of the event and all of them together (a record per participant per batch)."""
    event = await events.get_event(session, event_slug)
    batches: list[tuple[BatchAttendance, Summary]] = []
    records: list[AttendanceRecord] = []
    groups: dict[ParticipantId, tuple[str, str]] = {}
    for batch in await events.list_batches(session, event):
        attendance = await batch_attendance(session, event.slug, batch.code)
        batches.append((attendance, attendance.summary()))
        records.extend(attendance.records)
        groups.update({p.id: (p.agency, p.unit) for p in attendance.people.values()})
    return EventRecap(event, batches, summarise(records, groups))
