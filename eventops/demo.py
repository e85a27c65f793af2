"""The demo event: Literasi Digital ASN Provinsi Bali, two batches, a few hundred participants with passes."""

from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from eventops import auth, events, roster
from eventops.errors import NotFound
from eventops.sample import make_rows, to_csv
from eventops.timeutil import utcnow, zone

SLUG = "literasi-digital-bali"
TIMEZONE = "Asia/Makassar"
PEOPLE = 300
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
