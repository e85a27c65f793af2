"""Events and their batches: create, look up, list."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.errors import Conflict, ErrorCode, Invalid, NotFound
from eventops.storage.models import Batch, Event
from eventops.timeutil import to_utc, zone

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$|^[a-z0-9]$")
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
ZOOM_KINDS = ("meeting", "webinar")
# The field problems' (English) messages; the console says them in the page's language (web/field_text.py).
SLUG_RULE = "lower-case letters, digits and dashes, 1-64 characters"
CODE_RULE = "letters, digits, _ and -, 1-32 characters (e.g. K1)"
NAME_REQUIRED = "a name is required"
ENDS_BEFORE_START = "the batch must end after it starts"


@dataclass(frozen=True)
class BatchInput:
    """What an organiser gives to create a batch (times aware, any zone)."""

    code: str
    name: str
    starts_at: datetime
    ends_at: datetime
    venue: str = ""
    zoom_meeting_id: str | None = None
    zoom_kind: str = "meeting"
    youtube_video_id: str | None = None
    online_min_minutes: int | None = None
    min_checkpoints: int | None = None


async def create_event(session: AsyncSession, slug: str, name: str, timezone: str) -> Event:
    """A new event; Invalid for a bad slug or zone, Conflict when the slug is taken."""
    problems = []
    if not SLUG_RE.match(slug):
        problems.append({"field": "slug", "message": SLUG_RULE})
    if not name.strip():
        problems.append({"field": "name", "message": NAME_REQUIRED})
    try:
        zone(timezone)
    except ValueError:
        problems.append({"field": "timezone", "message": f"unknown time zone {timezone!r}"})
    if problems:
        raise Invalid("the event is not valid", details=problems)
    event = Event(slug=slug, name=name.strip(), timezone=timezone)
    session.add(event)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise Conflict(f"an event {slug!r} exists already", code=ErrorCode.EVENT_EXISTS) from None
    return event


async def get_event(session: AsyncSession, slug: str) -> Event:
    """The event with this slug, or NotFound."""
    event = (await session.exec(select(Event).where(Event.slug == slug))).first()
    if event is None:
        raise NotFound(f"no event {slug!r}", code=ErrorCode.EVENT_NOT_FOUND)
    return event


async def list_events(session: AsyncSession) -> list[Event]:
    """Every event, newest first."""
    return list((await session.exec(select(Event).order_by(col(Event.id).desc()))).all())


def _validate_batch(data: BatchInput) -> list[dict[str, str]]:
    problems = []
    if not CODE_RE.match(data.code):
        problems.append({"field": "code", "message": CODE_RULE})
    if not data.name.strip():
        problems.append({"field": "name", "message": NAME_REQUIRED})
    if data.ends_at <= data.starts_at:
        problems.append({"field": "ends_at", "message": ENDS_BEFORE_START})
    if data.zoom_kind not in ZOOM_KINDS:
        problems.append({"field": "zoom_kind", "message": "meeting or webinar"})
    window_minutes = (data.ends_at - data.starts_at).total_seconds() / 60
    if data.online_min_minutes is not None and not 0 < data.online_min_minutes <= window_minutes:
        problems.append(
            {
                "field": "rules.online_min_minutes",
                "message": "between 1 and the length of the batch in minutes",
            }
        )
    if data.min_checkpoints is not None and data.min_checkpoints < 0:
        problems.append({"field": "rules.min_checkpoints", "message": "zero or more"})
    return problems


async def create_batch(session: AsyncSession, event: Event, data: BatchInput) -> Batch:
    """A new batch of `event`; Invalid for bad fields, Conflict when the code is taken."""
    problems = _validate_batch(data)
    if problems:
        raise Invalid("the batch is not valid", details=problems)
    assert event.id is not None
    batch = Batch(
        event_id=event.id,
        code=data.code,
        name=data.name.strip(),
        starts_at=to_utc(data.starts_at),
        ends_at=to_utc(data.ends_at),
        venue=data.venue.strip(),
        zoom_meeting_id=(data.zoom_meeting_id or "").replace(" ", "") or None,
        zoom_kind=data.zoom_kind,
        youtube_video_id=data.youtube_video_id or None,
        online_min_minutes=data.online_min_minutes,
        min_checkpoints=data.min_checkpoints,
    )
    session.add(batch)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise Conflict(
            f"batch {data.code!r} exists already in this event", code=ErrorCode.BATCH_EXISTS
        ) from None
    return batch


async def update_batch(session: AsyncSession, event: Event, code: str, data: BatchInput) -> Batch:
    """Change a batch's fields (its code stays); Invalid for bad fields, Conflict once it is finalized."""
    batch = await get_batch(session, event, code)
    problems = _validate_batch(replace(data, code=batch.code))
    if problems:
        raise Invalid("the batch is not valid", details=problems)
    if batch.finalized_at is not None:
        raise Conflict(
            f"batch {code!r} is finalized: reopen it before changing it", code=ErrorCode.BATCH_FINALIZED
        )
    batch.name = data.name.strip()
    batch.starts_at = to_utc(data.starts_at)
    batch.ends_at = to_utc(data.ends_at)
    batch.venue = data.venue.strip()
    batch.zoom_meeting_id = (data.zoom_meeting_id or "").replace(" ", "") or None
    batch.zoom_kind = data.zoom_kind
    batch.youtube_video_id = data.youtube_video_id or None
    batch.online_min_minutes = data.online_min_minutes
    batch.min_checkpoints = data.min_checkpoints
    session.add(batch)
    await session.commit()
    await session.refresh(batch)
    return batch


async def get_batch(session: AsyncSession, event: Event, code: str) -> Batch:
    """The batch of `event` with this code, or NotFound."""
    batch = (await session.exec(select(Batch).where(Batch.event_id == event.id, Batch.code == code))).first()
    if batch is None:
        raise NotFound(f"no batch {code!r} in event {event.slug!r}", code=ErrorCode.BATCH_NOT_FOUND)
    return batch


async def event_and_batch(session: AsyncSession, slug: str, code: str) -> tuple[Event, Batch]:
    """The event with this slug and its batch with this code, or NotFound."""
    event = await get_event(session, slug)
    return event, await get_batch(session, event, code)


async def list_batches(session: AsyncSession, event: Event) -> list[Batch]:
    """The event's batches in time order."""
    query = select(Batch).where(Batch.event_id == event.id).order_by(col(Batch.starts_at), col(Batch.code))
    return list((await session.exec(query)).all())
