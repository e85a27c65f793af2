"""The demo event: Literasi Digital ASN Provinsi Bali, two batches, a few hundred participants with passes."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.accounts import auth
from eventops.catalog import events
from eventops.demo.sample import make_rows, to_csv
from eventops.errors import NotFound
from eventops.roster import importer as roster
from eventops.storage.models import Checkpoint, Participant
from eventops.stream import checkpoints
from eventops.stream import store as stream_store
from eventops.timeutil import utcnow, zone

SLUG = "literasi-digital-bali"
TIMEZONE = "Asia/Makassar"
PEOPLE = 300
MEETING_ID = "81234567890"  # K1's meeting on the local fake Zoom
VIDEO_ID = "eventopsDemoK1"  # the fake YouTube's scripted demo broadcast
CHECKPOINT_CODE = "4821"  # the code the demo broadcast's chat answers with
LOGINS = (("panitia", auth.Role.organiser), ("moderator", auth.Role.moderator), ("petugas", auth.Role.staff))


async def seed(session: AsyncSession, public_url: str) -> list[tuple[str, str, str]]:
    """Create the demo event once (batch K1 today, K2 tomorrow); reset the demo logins; return them."""
    try:
        await events.get_event(session, SLUG)
    except NotFound:
        await _create(session)
    logins = []
    for name, role in LOGINS:
        password = secrets.token_urlsafe(9)
        await auth.set_password(session, name, password, role)
        logins.append((name, role.name, password))
    return logins


async def _create(session: AsyncSession) -> None:
    event = await events.create_event(session, SLUG, "Literasi Digital ASN Provinsi Bali", TIMEZONE)
    today = utcnow().astimezone(zone(TIMEZONE)).date()
    for offset, code, venue in ((0, "K1", "The Stones Hotel, Kuta"), (1, "K2", "The Stones Hotel, Kuta")):
        day = today + timedelta(days=offset)
        start = datetime.combine(day, time(8, 0), tzinfo=zone(TIMEZONE))
        await events.create_batch(
            session,
            event,
            events.BatchInput(
                code=code,
                name=f"Kelompok {code[1:]}",
                starts_at=start,
                ends_at=start + timedelta(hours=4),
                venue=venue,
                zoom_meeting_id=f"8{offset}123456789",
                youtube_video_id=f"demoK{offset + 1}",
            ),
        )
    await roster.import_roster(
        session, event, to_csv(make_rows(PEOPLE, ("K1", "K2"), seed=2023)), filename="demo.csv"
    )


@dataclass(frozen=True)
class LiveBatch:
    """What the live demo drives: batch K1's ids, its checkpoint code, and its online roster."""

    batch_id: int
    meeting_id: str
    video_id: str
    code: str
    starts_at: datetime
    people: tuple[tuple[str, str | None, str | None], ...]  # (name, nip, email)


async def prepare_live(session: AsyncSession, now: datetime | None = None) -> LiveBatch:
    """Put K1 on air now (window, fake Zoom meeting, fake YouTube video, an open checkpoint); every start."""
    now = now or utcnow()
    event = await events.get_event(session, SLUG)
    batch = await events.get_batch(session, event, "K1")
    assert batch.id is not None
    batch.starts_at = (now - timedelta(minutes=30)).replace(microsecond=0)
    batch.ends_at = (now + timedelta(hours=3)).replace(microsecond=0)
    batch.zoom_meeting_id, batch.youtube_video_id = MEETING_ID, VIDEO_ID
    session.add(batch)
    await session.commit()
    existing = (
        await session.exec(
            select(Checkpoint).where(Checkpoint.batch_id == batch.id, Checkpoint.code == CHECKPOINT_CODE)
        )
    ).first()
    if existing is None:
        await checkpoints.create_checkpoint(
            session, batch, CHECKPOINT_CODE, batch.starts_at, batch.ends_at, created_by="demo"
        )
    else:
        existing.opens_at, existing.closes_at = batch.starts_at, batch.ends_at
        session.add(existing)
    # a fresh fake broadcast each start: forget the last run's chat position and any stop reason
    await stream_store.save_state(
        session,
        batch.id,
        now,
        running=False,
        stop_reason=None,
        detail=None,
        live_chat_id=None,
        page_token=None,
    )
    await session.commit()
    rows = await session.exec(
        select(Participant.name, Participant.nip, Participant.email)
        .where(Participant.batch_id == batch.id, Participant.mode == "online")
        .order_by(col(Participant.id))
    )
    return LiveBatch(batch.id, MEETING_ID, VIDEO_ID, CHECKPOINT_CODE, batch.starts_at, tuple(rows.all()))
