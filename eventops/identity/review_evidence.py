"""What tells namesakes apart beside their names: where each candidate is expected and where they already are.

A moderator choosing between two `I Made Sudarma` needs more than the name: which one was expected online
(the roster's mode), which one is already in the ballroom (checked in at the venue's door), and which one is
already on Zoom under a connection matched by email, NIP, phone or registrant link. The matcher weighs the
same facts (`matching.Presence`); this module reads them from the database for one batch.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.identity.states import ReviewState
from eventops.identity.verdicts import STRONG_METHODS, Presence
from eventops.storage.chunks import BINDS, chunked
from eventops.storage.models import CheckIn, OnlineSession

CHECKINS = CheckIn.__table__  # type: ignore[attr-defined]
SESSIONS = OnlineSession.__table__  # type: ignore[attr-defined]
_SETTLED = (ReviewState.MATCHED, ReviewState.RESOLVED)


@dataclass(frozen=True)
class Evidence:
    """One candidate's whereabouts in the batch."""

    checked_in: bool = False  # checked in at the venue's door
    connections: int = 0  # other Zoom connections already matched or resolved to them
    strong: bool = False  # ... one of them by email, NIP, phone or registrant link


async def candidate_evidence(session: AsyncSession, batch_id: int, ids: Iterable[int]) -> dict[int, Evidence]:
    """The evidence of some participants of the batch (those with none are left out)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    conn = await session.connection()
    checked = {
        pid
        for (pid,) in await conn.execute(
            sa.select(CHECKINS.c.participant_id).where(
                CHECKINS.c.batch_id == batch_id, CHECKINS.c.participant_id.in_(wanted)
            )
        )
    }
    c = SESSIONS.c
    rows = await conn.execute(
        sa.select(
            c.participant_id,
            sa.func.count(sa.distinct(c.connection_key)),
            sa.func.max(sa.case((c.match_method.in_(STRONG_METHODS), 1), else_=0)),
        )
        .where(c.batch_id == batch_id, c.participant_id.in_(wanted), c.review_state.in_(_SETTLED))
        .group_by(c.participant_id)
    )
    online = {int(pid): (int(n), bool(strong)) for pid, n, strong in rows}
    known = checked | online.keys()
    return {pid: Evidence(pid in checked, *online.get(pid, (0, False))) for pid in wanted if pid in known}


async def batch_presence(session: AsyncSession, batch_id: int, ids: Iterable[int]) -> Presence:
    """What the matcher weighs between namesakes, for some participants of the batch: who of them checked in
    at the venue, and who is already on Zoom under a connection matched by a strong identifier."""
    conn = await session.connection()
    c = SESSIONS.c
    checked: set[int] = set()
    strong: set[int] = set()
    for chunk in chunked(sorted(set(ids)), BINDS):
        checked.update(
            pid
            for (pid,) in await conn.execute(
                sa.select(CHECKINS.c.participant_id).where(
                    CHECKINS.c.batch_id == batch_id, CHECKINS.c.participant_id.in_(chunk)
                )
            )
        )
        strong.update(
            pid
            for (pid,) in await conn.execute(
                sa.select(c.participant_id)
                .where(
                    c.batch_id == batch_id,
                    c.participant_id.in_(chunk),
                    c.match_method.in_(STRONG_METHODS),
                    c.review_state == ReviewState.MATCHED,
                )
                .distinct()
            )
        )
    return Presence(frozenset(checked), frozenset(strong))
