"""Walk-ins: people not on the roster, registered at the door by staff, checked in, and listed for review."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, insert, select
from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.door.answers import Method, PersonView, ScanAnswer
from eventops.door.scans import Found, ScanInput, find_batch, record, replay, scan_time
from eventops.door.sql import BATCHES, CHECKINS, PARTICIPANTS, PASSES, SCAN_SEEN
from eventops.errors import Conflict, ErrorCode, Invalid
from eventops.roster.nip import mask_nip, parse_nip
from eventops.roster.passes import new_token
from eventops.roster.validation import normalise_phone
from eventops.storage.models import Event
from eventops.timeutil import utcnow

_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+$")
LIMITS = {"name": 200, "agency": 200, "unit": 200, "email": 254}


@dataclass(frozen=True, slots=True)
class WalkInInput:
    """What staff type for a walk-in; NIP, email and phone are optional."""

    name: str
    agency: str
    unit: str = ""
    nip: str | None = None
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class WalkIn:
    """A registered walk-in, for the organisers' review (full personal data: organisers only)."""

    participant_id: int
    nip: str | None
    name: str
    agency: str
    unit: str
    email: str | None
    phone: str | None
    batch: str
    registered_at: datetime
    checked_in_at: datetime | None
    station: str | None
    staff: str | None
    pass_token: str | None


def _clean(data: WalkInInput) -> WalkInInput:
    """The input trimmed and validated; Invalid listing every problem."""
    problems: list[dict[str, str]] = []
    name, agency, unit = data.name.strip(), data.agency.strip(), data.unit.strip()
    for field, value in (("name", name), ("agency", agency)):
        if not value:
            problems.append({"field": field, "message": "wajib diisi · required"})
    for field, value in (("name", name), ("agency", agency), ("unit", unit)):
        if len(value) > LIMITS[field]:
            problems.append({"field": field, "message": f"paling banyak {LIMITS[field]} karakter · too long"})
    nip = None
    if data.nip and data.nip.strip():
        parsed = parse_nip(data.nip)
        if parsed.error is not None:
            problems.append({"field": "nip", "message": parsed.error.message})
        nip = parsed.nip
    email = (data.email or "").strip().lower() or None
    if email is not None and (len(email) > LIMITS["email"] or not _EMAIL.match(email)):
        problems.append({"field": "email", "message": "email tidak sah · not a valid email"})
    phone = None
    if data.phone and data.phone.strip():
        phone, _ = normalise_phone(data.phone.strip())
        if phone is None:
            problems.append({"field": "phone", "message": "nomor HP tidak sah · not a valid phone number"})
    if problems:
        raise Invalid("data peserta tidak lengkap · the walk-in is not valid", details=problems)
    return WalkInInput(name=name, agency=agency, unit=unit, nip=nip, email=email, phone=phone)


def _on_roster() -> Conflict:
    return Conflict(
        "NIP ini sudah ada di daftar peserta; gunakan check-in manual · "
        "this NIP is on the roster already: use manual check-in",
        code=ErrorCode.NIP_ON_ROSTER,
    )


async def register_walk_in(
    session: AsyncSession,
    slug: str,
    code: str,
    data: WalkInInput,
    scan: ScanInput,
    public_url: str,
) -> ScanAnswer:
    """Register a walk-in in the batch (offline, with a pass) and check them in, in one transaction."""
    batch = await find_batch(session, slug, code)
    scan_time(scan.scanned_at, utcnow())
    clean = _clean(data)
    conn = await session.connection()
    seen = await conn.execute(SCAN_SEEN, {"scan_id": scan.scan_id})
    if seen.first() is not None:  # a retry: answer as the first time, register nobody new
        return await replay(session, scan.scan_id, batch.batch_id, public_url)
    if clean.nip is not None:
        taken = await conn.execute(
            select(PARTICIPANTS.c.id).where(
                PARTICIPANTS.c.event_id == batch.event_id, PARTICIPANTS.c.nip == clean.nip
            )
        )
        if taken.first() is not None:
            raise _on_roster()
    now = utcnow()
    try:
        participant_id = (
            await conn.execute(
                insert(PARTICIPANTS)
                .values(
                    event_id=batch.event_id,
                    batch_id=batch.batch_id,
                    nip=clean.nip,
                    name=clean.name,
                    agency=clean.agency,
                    unit=clean.unit,
                    email=clean.email,
                    phone=clean.phone,
                    mode="offline",
                    walk_in=True,
                    created_at=now,
                    updated_at=now,
                )
                .returning(PARTICIPANTS.c.id)
            )
        ).scalar_one()
    except IntegrityError:  # the same NIP registered at this instant elsewhere
        await session.rollback()
        raise _on_roster() from None
    token = new_token()
    pass_id = (
        await conn.execute(
            insert(PASSES)
            .values(participant_id=participant_id, token=token, issued_at=now)
            .returning(PASSES.c.id)
        )
    ).scalar_one()
    person = PersonView(
        name=clean.name,
        agency=clean.agency,
        unit=clean.unit,
        batch=code,
        nip_masked=mask_nip(clean.nip) if clean.nip else None,
    )
    found = Found(
        event_id=batch.event_id,
        timezone=batch.timezone,
        batch_id=batch.batch_id,
        participant_id=participant_id,
        person=person,
        home_batch_id=batch.batch_id,
        pass_id=pass_id,
    )
    return await record(session, found, scan, Method.walk_in, token, public_url)


async def list_walk_ins(session: AsyncSession, event: Event) -> list[WalkIn]:
    """The event's walk-ins, newest first, with their check-in and live pass."""
    query = (
        select(
            PARTICIPANTS,
            BATCHES.c.code,
            CHECKINS.c.checked_in_at,
            CHECKINS.c.station,
            CHECKINS.c.staff,
            PASSES.c.token,
        )
        .select_from(
            PARTICIPANTS.join(BATCHES, BATCHES.c.id == PARTICIPANTS.c.batch_id)
            .outerjoin(
                CHECKINS,
                and_(
                    CHECKINS.c.participant_id == PARTICIPANTS.c.id,
                    CHECKINS.c.batch_id == PARTICIPANTS.c.batch_id,
                ),
            )
            .outerjoin(
                PASSES, and_(PASSES.c.participant_id == PARTICIPANTS.c.id, PASSES.c.revoked_at.is_(None))
            )
        )
        .where(PARTICIPANTS.c.event_id == event.id, PARTICIPANTS.c.walk_in.is_(True))
        .order_by(PARTICIPANTS.c.created_at.desc(), PARTICIPANTS.c.id.desc())
    )
    rows = (await (await session.connection()).execute(query)).all()
    return [
        WalkIn(
            participant_id=r.id,
            nip=r.nip,
            name=r.name,
            agency=r.agency,
            unit=r.unit,
            email=r.email,
            phone=r.phone,
            batch=r.code,
            registered_at=r.created_at,
            checked_in_at=r.checked_in_at,
            station=r.station,
            staff=r.staff,
            pass_token=r.token,
        )
        for r in rows
    ]
