"""What the door sees of a batch: the check-in counter and the latest scans."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.door.answers import ScanResult
from eventops.door.scans import find_batch
from eventops.door.sql import CHECKINS, PARTICIPANTS, SCANS


@dataclass(frozen=True, slots=True)
class CheckinStats:
    """Checked in so far, against the roster (all participants of the batch, and those coming in person)."""

    checked_in: int
    expected: int
    expected_offline: int
    walk_ins: int

    def as_json(self) -> dict[str, int]:
        """The API's answer."""
        return {
            "checked_in": self.checked_in,
            "expected": self.expected,
            "expected_offline": self.expected_offline,
            "walk_ins": self.walk_ins,
        }


@dataclass(frozen=True, slots=True)
class RecentScan:
    """One stored scan, for the station's list."""

    scan_id: str
    result: ScanResult
    method: str
    name: str | None
    station: str
    scanned_at: datetime
    received_at: datetime


async def stats(session: AsyncSession, slug: str, code: str) -> CheckinStats:
    """The batch's counter; `expected` counts roster participants (walk-ins apart)."""
    batch = await find_batch(session, slug, code)
    roster = PARTICIPANTS.c.walk_in.is_(False)
    in_batch = PARTICIPANTS.c.batch_id == batch.batch_id
    counts = select(
        select(func.count()).where(CHECKINS.c.batch_id == batch.batch_id).scalar_subquery(),
        select(func.count()).where(in_batch, roster).scalar_subquery(),
        select(func.count()).where(in_batch, roster, PARTICIPANTS.c.mode == "offline").scalar_subquery(),
        select(func.count()).where(in_batch, PARTICIPANTS.c.walk_in.is_(True)).scalar_subquery(),
    )
    row = (await (await session.connection()).execute(counts)).one()
    return CheckinStats(*(int(n) for n in row))


async def recent_scans(
    session: AsyncSession, slug: str, code: str, *, station: str | None = None, limit: int = 20
) -> tuple[str, list[RecentScan]]:
    """The batch's latest scans, newest first (optionally of one station), and the event's zone."""
    batch = await find_batch(session, slug, code)
    query = (
        select(
            SCANS.c.scan_id,
            SCANS.c.result,
            SCANS.c.method,
            PARTICIPANTS.c.name,
            SCANS.c.station,
            SCANS.c.scanned_at,
            SCANS.c.received_at,
        )
        .select_from(SCANS.outerjoin(PARTICIPANTS, PARTICIPANTS.c.id == SCANS.c.participant_id))
        .where(SCANS.c.batch_id == batch.batch_id)
        .order_by(SCANS.c.received_at.desc(), SCANS.c.id.desc())
        .limit(limit)
    )
    if station:
        query = query.where(SCANS.c.station == station)
    rows = (await (await session.connection()).execute(query)).all()
    return batch.timezone, [
        RecentScan(
            scan_id=r.scan_id,
            result=ScanResult(r.result),
            method=r.method,
            name=r.name,
            station=r.station,
            scanned_at=r.scanned_at,
            received_at=r.received_at,
        )
        for r in rows
    ]
