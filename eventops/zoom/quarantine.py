"""Deliveries the webhook worker could not process: kept aside with their error, listed, retried by hand.

A delivery that fails even in a round of its own (the worker isolates it) would otherwise fail every round and
hold up everything stored after it. Quarantined, it stays unprocessed (`processed_at` NULL) with its `error`
and `quarantined_at` set, which the worker's queue skips; a retry clears both and puts it back in the queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.errors import ErrorCode, NotFound
from eventops.timeutil import utcnow
from eventops.zoom.sessions import EVENTS

LIST_LIMIT = 500


@dataclass(frozen=True, slots=True)
class Quarantined:
    """A quarantined delivery as moderators see it (its body, which holds personal data, is not shown)."""

    id: int
    event: str
    meeting_id: str
    received_at: datetime
    quarantined_at: datetime
    error: str

    def as_json(self) -> dict[str, Any]:
        """The API's view."""
        return {
            "id": self.id,
            "event": self.event,
            "meeting_id": self.meeting_id,
            "received_at": self.received_at,
            "quarantined_at": self.quarantined_at,
            "error": self.error,
        }


def describe(exc: BaseException) -> str:
    """Why processing failed, on one line: the driver's message, not the SQL and values SQLAlchemy adds."""
    source = getattr(exc, "orig", None) or exc
    lines = str(source).strip().splitlines()
    return f"{type(source).__name__}: {lines[0] if lines else ''}"[:500]


async def quarantine(session: AsyncSession, row_id: int, error: str) -> None:
    """Set a delivery aside with its error, unless another process finished it meanwhile."""
    c = EVENTS.c
    await (await session.connection()).execute(
        update(EVENTS)
        .where(c.id == row_id, c.processed_at.is_(None), c.error.is_(None))
        .values(error=error[:500], quarantined_at=utcnow())
    )
    await session.commit()


async def list_quarantined(session: AsyncSession, limit: int = LIST_LIMIT) -> list[Quarantined]:
    """Quarantined deliveries, oldest first."""
    c = EVENTS.c
    query = (
        select(c.id, c.event, c.meeting_id, c.received_at, c.quarantined_at, c.error)
        .where(c.quarantined_at.is_not(None), c.processed_at.is_(None))
        .order_by(c.id)
        .limit(limit)
    )
    rows = (await (await session.connection()).execute(query)).all()
    return [Quarantined(*row) for row in rows]


async def retry(session: AsyncSession, row_id: int) -> None:
    """Put a quarantined delivery back in the worker's queue; NotFound when none has this id."""
    c = EVENTS.c
    result = await (await session.connection()).execute(
        update(EVENTS)
        .where(c.id == row_id, c.quarantined_at.is_not(None), c.processed_at.is_(None))
        .values(error=None, quarantined_at=None)
    )
    if result.rowcount == 0:
        raise NotFound(f"no quarantined Zoom delivery {row_id}", code=ErrorCode.NOT_FOUND)
    await session.commit()
