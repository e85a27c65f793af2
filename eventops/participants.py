"""Looking participants up: by batch, NIP prefix or name."""

from __future__ import annotations

import re

from sqlalchemy import func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.models import Batch, Event, Participant

_NOT_DIGIT = re.compile(r"[\s.\-]")


async def search(
    session: AsyncSession,
    event: Event,
    *,
    batch_code: str | None = None,
    q: str = "",
    limit: int = 50,
    offset: int = 0,
) -> list[tuple[Participant, Batch]]:
    """Participants of an event, optionally of one batch, whose NIP starts with or name contains `q`."""
    query = (
        select(Participant, Batch)
        .join(Batch, col(Batch.id) == Participant.batch_id)
        .where(Participant.event_id == event.id)
    )
    if batch_code:
        query = query.where(Batch.code == batch_code)
    q = q.strip()
    if q:
        digits = _NOT_DIGIT.sub("", q)
        conditions = [func.lower(Participant.name).contains(q.lower(), autoescape=True)]
        if digits.isdigit():
            conditions.append(col(Participant.nip).startswith(digits, autoescape=True))
        query = query.where(or_(*conditions))
    query = query.order_by(col(Participant.name), col(Participant.id)).limit(limit).offset(offset)
    return [(p, b) for p, b in (await session.exec(query)).all()]
