"""Passes: unguessable tokens, the pass page's data, QR images and the badge sheet."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.errors import Conflict, ErrorCode, Invalid, NotFound
from eventops.i18n import format_date_id
from eventops.roster.nip import mask_nip, normalise_nip
from eventops.roster.render import Badge, qr_png, render_badges_pdf
from eventops.storage.models import AuditEntry, Batch, Event, Participant, Pass
from eventops.timeutil import utcnow, zone

TOKEN_BYTES = 24  # 192 bits, URL-safe
PASS_TABLE = Pass.__table__  # type: ignore[attr-defined]


def new_token() -> str:
    """A fresh pass token: random, URL-safe, unrelated to the NIP."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def pass_url(public_url: str, token: str) -> str:
    """The URL a pass's QR code holds."""
    return f"{public_url.rstrip('/')}/p/{token}"


@dataclass(frozen=True)
class PassView:
    """What the public pass page shows (the NIP masked)."""

    token: str
    revoked: bool
    name: str
    masked_nip: str
    agency: str
    unit: str
    event_name: str
    timezone: str
    batch_code: str
    batch_name: str
    venue: str
    batch: Batch
    zoom_join_url: str | None = None  # the personal Zoom link, once pushed (issue 5)


async def pass_view(session: AsyncSession, token: str) -> PassView:
    """The pass page's data for a token, or NotFound."""
    if not token or len(token) > 64:
        raise NotFound("no such pass", code=ErrorCode.PASS_NOT_FOUND)
    query = (
        select(Pass, Participant, Batch, Event)
        .join(Participant, col(Participant.id) == Pass.participant_id)
        .join(Batch, col(Batch.id) == Participant.batch_id)
        .join(Event, col(Event.id) == Participant.event_id)
        .where(Pass.token == token)
    )
    row = (await session.exec(query)).first()
    if row is None:
        raise NotFound("no such pass", code=ErrorCode.PASS_NOT_FOUND)
    pass_, person, batch, event = row
    return PassView(
        token=pass_.token,
        revoked=pass_.revoked_at is not None,
        name=person.name,
        masked_nip=mask_nip(person.nip) if person.nip else "",
        agency=person.agency,
        unit=person.unit,
        event_name=event.name,
        timezone=event.timezone,
        batch_code=batch.code,
        batch_name=batch.name,
        venue=batch.venue,
        batch=batch,
        zoom_join_url=person.zoom_join_url,
    )


async def live_pass(session: AsyncSession, participant: Participant) -> Pass:
    """The participant's live (unrevoked) pass, or NotFound."""
    query = select(Pass).where(Pass.participant_id == participant.id, col(Pass.revoked_at).is_(None))
    found = (await session.exec(query)).first()
    if found is None:
        raise NotFound("this participant has no live pass", code=ErrorCode.PASS_NOT_FOUND)
    return found


async def participant_by_nip(session: AsyncSession, event: Event, nip: str) -> Participant:
    """The event's participant with this NIP, or NotFound."""
    query = select(Participant).where(Participant.event_id == event.id, Participant.nip == nip)
    person = (await session.exec(query)).first()
    if person is None:
        raise NotFound(f"no participant with NIP {nip!r} in this event", code=ErrorCode.PARTICIPANT_NOT_FOUND)
    return person


async def pass_png(session: AsyncSession, event: Event, nip: str, public_url: str) -> bytes:
    """The QR image of a participant's live pass."""
    person = await participant_by_nip(session, event, nip)
    return qr_png(pass_url(public_url, (await live_pass(session, person)).token))


async def badges_pdf(
    session: AsyncSession,
    event: Event,
    public_url: str,
    batch_code: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[bytes, int]:
    """The printable badge sheet of an event or one batch; returns the PDF and the badge count."""
    query = (
        select(Participant, Batch, Pass)
        .join(Batch, col(Batch.id) == Participant.batch_id)
        .join(Pass, (col(Pass.participant_id) == Participant.id) & col(Pass.revoked_at).is_(None))
        .where(Participant.event_id == event.id)
        .order_by(col(Batch.starts_at), col(Batch.code), col(Participant.agency), col(Participant.name))
    )
    if batch_code is not None:
        query = query.where(Batch.code == batch_code)
    tz = zone(event.timezone)
    badges = [
        Badge(
            name=person.name,
            agency=person.agency,
            unit=person.unit,
            batch_code=batch.code,
            batch_name=batch.name,
            event_name=event.name,
            date_text=format_date_id(batch.starts_at.astimezone(tz).date()),
            venue=batch.venue,
            qr_data=pass_url(public_url, pass_.token),
        )
        for person, batch, pass_ in (await session.exec(query)).all()
    ]
    if batch_code is not None and not badges:
        raise NotFound(f"batch {batch_code!r} has no participants with passes", code=ErrorCode.NO_PASSES)
    return render_badges_pdf(badges, progress=progress), len(badges)


async def revoke_and_reissue(session: AsyncSession, event: Event, nip: str, reason: str, actor: str) -> Pass:
    """Revoke a participant's live pass and issue a new one, audited, in one transaction; the new pass."""
    reason = reason.strip()
    if not reason or len(reason) > 200:
        raise Invalid(
            "alasan wajib diisi (paling banyak 200 karakter) · a reason of 1-200 characters is required",
            details=[{"field": "reason", "message": "1-200 characters"}],
        )
    person = await participant_by_nip(session, event, normalise_nip(nip))
    now = utcnow()
    conn = await session.connection()
    revoked = await conn.execute(
        update(PASS_TABLE)
        .where(PASS_TABLE.c.participant_id == person.id, PASS_TABLE.c.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason=reason)
        .returning(PASS_TABLE.c.id)
    )
    old_ids = list(revoked.scalars())
    if not old_ids:  # none live, or another organiser revoked it this instant: the index allows one live pass
        await session.rollback()
        raise Conflict(
            "peserta ini tidak punya kartu aktif · this participant has no live pass",
            code=ErrorCode.NO_LIVE_PASS,
        )
    fresh = Pass(participant_id=person.id, token=new_token(), issued_at=now)  # type: ignore[arg-type]
    session.add(fresh)
    session.add(
        AuditEntry(
            at=now,
            actor=actor[:100],
            action="pass_revoke",
            event_id=event.id,
            batch_id=person.batch_id,
            subject=f"participant:{person.id}",
            details=json.dumps({"reason": reason, "revoked_pass_ids": old_ids}),
        )
    )
    await session.commit()
    return fresh
