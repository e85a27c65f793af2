"""Looking participants up at the door: by batch, NIP (prefix: organisers only) or name, typos forgiven."""

from __future__ import annotations

import re
from datetime import datetime

from rapidfuzz import fuzz, process, utils
from sqlalchemy import func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.storage.models import Batch, CheckIn, Event, Participant

_NOT_DIGIT = re.compile(r"[\s.\-]")
# WRatio of a 6-letter typo like `sudrma` against `I Made Sudarma` is 75; unrelated names stay below 70.
FUZZY_CUTOFF = 72
FUZZY_MIN_LETTERS = 3


async def count_by_batch(session: AsyncSession, event: Event) -> dict[int, int]:
    """The number of roster participants (walk-ins aside) of each batch of the event, by batch id."""
    query = (
        select(Participant.batch_id, func.count())
        .where(Participant.event_id == event.id, col(Participant.walk_in).is_(False))
        .group_by(col(Participant.batch_id))
    )
    return {batch_id: count for batch_id, count in (await session.exec(query)).all()}


async def search(
    session: AsyncSession,
    event: Event,
    *,
    batch_code: str | None = None,
    q: str = "",
    limit: int = 50,
    offset: int = 0,
    nip_prefix: bool = False,
) -> list[tuple[Participant, Batch]]:
    """Participants whose NIP is (or with `nip_prefix`, starts with) or whose name contains `q`; failing
    that, the names closest to `q`.

    Whole NIPs only unless `nip_prefix`: a prefix search confirms a masked NIP's hidden digits one at a time.
    """
    query = (
        select(Participant, Batch)
        .join(Batch, col(Batch.id) == Participant.batch_id)
        .where(Participant.event_id == event.id)
    )
    if batch_code:
        query = query.where(Batch.code == batch_code)
    q = q.strip()
    digits = _NOT_DIGIT.sub("", q)
    if q:
        conditions = [func.lower(Participant.name).contains(q.lower(), autoescape=True)]
        if digits.isdigit():
            nip = col(Participant.nip)
            conditions.append(nip.startswith(digits, autoescape=True) if nip_prefix else nip == digits)
        exact = query.where(or_(*conditions))
    else:
        exact = query
    exact = exact.order_by(col(Participant.name), col(Participant.id)).limit(limit).offset(offset)
    found = [(p, b) for p, b in (await session.exec(exact)).all()]
    letters = sum(ch.isalpha() for ch in q)
    if found or offset or digits.isdigit() or letters < FUZZY_MIN_LETTERS:
        return found
    return await _closest_names(session, event, batch_code, q, limit)


async def _closest_names(
    session: AsyncSession, event: Event, batch_code: str | None, q: str, limit: int
) -> list[tuple[Participant, Batch]]:
    """The names of the event (or batch) most like `q`, best first: a typo at the door still finds them."""
    names = (
        select(Participant.id, Participant.name)
        .join(Batch, col(Batch.id) == Participant.batch_id)
        .where(Participant.event_id == event.id)
    )
    if batch_code:
        names = names.where(Batch.code == batch_code)
    choices = {pid: name for pid, name in (await session.exec(names)).all()}
    best = process.extract(
        q,
        choices,
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=limit,
        score_cutoff=FUZZY_CUTOFF,
    )
    if not best:
        return []
    rank = {pid: (-score, name, pid) for name, score, pid in best}
    rows = await session.exec(
        select(Participant, Batch)
        .join(Batch, col(Batch.id) == Participant.batch_id)
        .where(col(Participant.id).in_(list(rank)))
    )
    return sorted(((p, b) for p, b in rows.all()), key=lambda pb: rank[pb[0].id or 0])


async def checked_in_at(session: AsyncSession, people: list[Participant]) -> dict[int, datetime]:
    """When each of `people` was checked in at their own batch, by participant id (absent: not yet)."""
    ids = [p.id for p in people if p.id is not None]
    if not ids:
        return {}
    rows = await session.exec(
        select(CheckIn.participant_id, CheckIn.checked_in_at)
        .join(Participant, col(Participant.id) == CheckIn.participant_id)
        .where(col(CheckIn.participant_id).in_(ids), col(CheckIn.batch_id) == Participant.batch_id)
    )
    return {pid: at for pid, at in rows.all()}
