"""Who of a batch is on Zoom now, who was and who never joined: the moderators' participant list.

States partition the batch's participants: `online` has an open matched session now, `offline_now` has
matched sessions but none open, `never` has no matched session at all. Unmatched sessions count for nobody.
Filtering, counting and paging are done in SQL; the minutes of the one page are computed from its sessions,
fetched in one query, as the union of the intervals clipped to the batch window up to now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import and_, case, exists, func, not_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.errors import BadRequest, ErrorCode
from eventops.intervals import Interval, session_interval, union_minutes
from eventops.roster.nip import mask_nip
from eventops.storage.models import Batch, OnlineSession, Participant
from eventops.timeutil import utcnow

SESSIONS = OnlineSession.__table__  # type: ignore[attr-defined]
PARTICIPANTS = Participant.__table__  # type: ignore[attr-defined]
MAX_LIMIT = 500
State = Literal["online", "offline_now", "never"]
STATES: tuple[str, ...] = ("online", "offline_now", "never")


@dataclass(frozen=True, slots=True)
class OnlinePerson:
    """One participant of the batch and their Zoom presence."""

    participant_id: int
    name: str
    nip_masked: str | None
    agency: str
    mode: str
    online_now: bool
    minutes: int
    connections: int

    def as_json(self) -> dict[str, Any]:
        """The public shape (NIP masked, no email or phone)."""
        return {
            "id": self.participant_id,
            "name": self.name,
            "nip": self.nip_masked,
            "agency": self.agency,
            "mode": self.mode,
            "online_now": self.online_now,
            "minutes": self.minutes,
            "connections": self.connections,
        }


@dataclass(frozen=True, slots=True)
class OnlinePage:
    """One page of the list and how many participants match the filter."""

    total: int
    people: list[OnlinePerson]

    def as_json(self) -> dict[str, Any]:
        """The API shape."""
        return {"total": self.total, "participants": [p.as_json() for p in self.people]}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def online_list(
    session: AsyncSession,
    batch: Batch,
    *,
    state: str | None = None,
    q: str = "",
    limit: int = 50,
    offset: int = 0,
    now: datetime | None = None,
) -> OnlinePage:
    """The batch's participants with their Zoom presence: online mode first, then by name; filtered, paged."""
    if state is not None and state not in STATES:
        raise BadRequest("state must be online, offline_now or never", code=ErrorCode.BAD_STATE)
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise BadRequest(f"limit must be 1 to {MAX_LIMIT} and offset not negative", code=ErrorCode.BAD_QUERY)
    now = now or utcnow()
    p, s = PARTICIPANTS.c, SESSIONS.c
    matched = and_(s.batch_id == batch.id, s.participant_id == p.id)
    has_open = exists().where(matched, s.left_at.is_(None))
    has_any = exists().where(matched)
    where = [p.batch_id == batch.id]
    if state == "online":
        where.append(has_open)
    elif state == "offline_now":
        where += [has_any, not_(has_open)]
    elif state == "never":
        where.append(not_(has_any))
    if q.strip():
        where.append(func.lower(p.name).like(f"%{_escape_like(q.strip().lower())}%", escape="\\"))
    conn = await session.connection()
    total = (await conn.execute(select(func.count()).select_from(PARTICIPANTS).where(*where))).scalar_one()
    query = (
        select(p.id, p.name, p.nip, p.agency, p.mode)
        .where(*where)
        .order_by(case((p.mode == "online", 0), else_=1), p.name, p.id)
        .limit(limit)
        .offset(offset)
    )
    rows = (await conn.execute(query)).all()
    ids = [row.id for row in rows]
    sessions: dict[int, list[tuple[datetime, datetime | None]]] = {pid: [] for pid in ids}
    if ids:
        found = await conn.execute(
            select(s.participant_id, s.joined_at, s.left_at).where(
                s.batch_id == batch.id, s.participant_id.in_(ids)
            )
        )
        for pid, joined, left in found.all():
            sessions[pid].append((joined, left))
    window = Interval(batch.starts_at, max(batch.starts_at, min(batch.ends_at, now)))
    people = []
    for row in rows:
        mine = sessions[row.id]
        spans = [session_interval(joined, left, now) for joined, left in mine]
        people.append(
            OnlinePerson(
                participant_id=row.id,
                name=row.name,
                nip_masked=mask_nip(row.nip) if row.nip else None,
                agency=row.agency,
                mode=row.mode,
                online_now=any(left is None for _, left in mine),
                minutes=union_minutes(spans, window),
                connections=len(mine),
            )
        )
    return OnlinePage(total=total, people=people)
