"""How many people were at the venue, on Zoom and on YouTube over a batch's time: the dashboard's chart.

The chart is a series of points in time, `step` seconds apart, from an hour before the batch's start (the
door opens early) to an hour after its end, or to now while the batch runs; the last point is always that
end. At each point `t`:

- `venue`: check-ins at this batch's door up to `t` (cumulative: nobody checks out, so this is everybody who
  came, not a head count of the hall). While the batch runs, the last point (now) counts every check-in.
- `zoom`: Zoom connections open at `t` (joined at or before `t`, not yet left), matched to the roster or not:
  the dashboard's "online now" counter at that moment. Two devices of one person count twice, as in Zoom.
- `youtube`: concurrent viewers of the stream by YouTube's own count, the latest sample taken at or before
  `t` and no older than `max(step, 5 min)`; `None` (a gap) where the poller was not running.

Each source is read with one query (check-in times; the sessions that overlap the window; the viewer samples
of the window), as seconds since the epoch computed by the database, and the points are computed in Python by
bisection over sorted times: O((n + points) log n), so 5,000 check-ins and 20,000 Zoom rows stay one quick
request (`bench.timeline`).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Float, cast, func, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.errors import BadRequest, ErrorCode
from eventops.storage.models import Batch, CheckIn, OnlineSession, ViewerSample
from eventops.timeutil import utcnow

CHECKINS = CheckIn.__table__  # type: ignore[attr-defined]
SESSIONS = OnlineSession.__table__  # type: ignore[attr-defined]
SAMPLES = ViewerSample.__table__  # type: ignore[attr-defined]

MARGIN = timedelta(hours=1)
MIN_STEP, MAX_STEP = 60, 86_400
MAX_POINTS = 1_500
TARGET_POINTS = 240  # the automatic step keeps the chart at most this many points
NICE_STEPS = (60, 120, 300, 600, 900, 1_800, 3_600, 7_200, 10_800, 21_600, 43_200, 86_400)
FRESH = timedelta(minutes=5)
JULIAN_EPOCH = 2440587.5  # julianday('1970-01-01')


@dataclass(frozen=True, slots=True)
class Point:
    """The counts at one moment."""

    t: datetime
    venue: int
    zoom: int
    youtube: int | None

    def as_json(self) -> dict[str, Any]:
        """The API shape."""
        return {"t": self.t.isoformat(), "venue": self.venue, "zoom": self.zoom, "youtube": self.youtube}


@dataclass(frozen=True, slots=True)
class Timeline:
    """The window, its step and its points."""

    start: datetime
    until: datetime
    step: int
    live: bool
    points: list[Point]

    def as_json(self) -> dict[str, Any]:
        """The API shape."""
        return {
            "from": self.start.isoformat(),
            "until": self.until.isoformat(),
            "step": self.step,
            "live": self.live,
            "points": [p.as_json() for p in self.points],
        }


def window(batch: Batch, now: datetime) -> tuple[datetime, datetime, bool]:
    """From an hour before the start to an hour after the end, or to now; and whether it ends now."""
    lowest, highest = datetime.min.replace(tzinfo=UTC) + MARGIN, datetime.max.replace(tzinfo=UTC) - MARGIN
    start = max(batch.starts_at, lowest) - MARGIN  # a batch in year 1 or 9999 must not overflow
    end = min(batch.ends_at, highest) + MARGIN
    return start, min(end, now), now < end


def auto_step(span: timedelta) -> int:
    """The smallest round step that keeps the chart within TARGET_POINTS points (beyond a day a step, any)."""
    seconds = span.total_seconds()
    return next((s for s in NICE_STEPS if seconds / s <= TARGET_POINTS), math.ceil(seconds / TARGET_POINTS))


def sample_times(start: datetime, until: datetime, step: int) -> list[datetime]:
    """`start`, `start + step`, … before `until`, then `until` itself; nothing when `until` < `start`."""
    if until < start:
        return []
    count = int((until - start).total_seconds() // step)
    times = [start + timedelta(seconds=step * i) for i in range(count + 1)]
    if times[-1] < until:
        times.append(until)
    return times


def points(
    times: Sequence[datetime],
    checkins: Sequence[float],
    sessions: Sequence[tuple[float, float | None]],
    samples: Sequence[tuple[float, int | None]],
    *,
    fresh: timedelta,
    count_all_at_end: bool = False,
) -> list[Point]:
    """The counts at each of `times` (sorted), from moments in seconds since the epoch; see the module's
    definitions. Pure: no clock, no database."""
    arrived = sorted(checkins)
    joins = sorted(joined for joined, _ in sessions)
    leaves = sorted(left for _, left in sessions if left is not None)
    ordered = sorted(samples, key=lambda s: s[0])
    sampled = [at for at, _ in ordered]
    window = fresh.total_seconds()
    out = []
    for i, moment in enumerate(times):
        t = round(moment.timestamp(), 3)  # as SQLite's moments are
        venue = len(arrived) if count_all_at_end and i == len(times) - 1 else bisect_right(arrived, t)
        zoom = bisect_right(joins, t) - bisect_right(leaves, t)
        latest = bisect_right(sampled, t) - 1
        youtube = ordered[latest][1] if latest >= 0 and sampled[latest] > t - window else None
        out.append(Point(t=moment, venue=venue, zoom=zoom, youtube=youtube))
    return out


def _epoch(column: Any, dialect: str) -> Any:
    """A timestamp column as seconds since the epoch, computed by the database: reading 25,000 datetimes
    through the UTC type costs more than the whole chart."""
    if dialect == "sqlite":
        # stored as naive UTC text; julianday's double is exact to ~50 µs: rounded to the millisecond
        return func.round((func.julianday(column) - JULIAN_EPOCH) * 86_400.0, 3)
    return cast(func.extract("epoch", column), Float)


def check_step(step: int | None, start: datetime, until: datetime) -> int:
    """The step asked for (seconds), or the automatic one; BadRequest when it is out of range or too fine."""
    if step is None:
        return auto_step(until - start)
    if not MIN_STEP <= step <= MAX_STEP:
        raise BadRequest(f"step must be {MIN_STEP} to {MAX_STEP} seconds", code=ErrorCode.BAD_QUERY)
    if (until - start).total_seconds() / step > MAX_POINTS:
        raise BadRequest(f"step too small: more than {MAX_POINTS} points", code=ErrorCode.BAD_QUERY)
    return step


async def batch_timeline(
    session: AsyncSession, batch: Batch, *, step: int | None = None, now: datetime | None = None
) -> Timeline:
    """The batch's chart: three queries (check-ins, sessions overlapping the window, viewer samples)."""
    now = (now or utcnow()).replace(microsecond=0)
    start, until, live = window(batch, now)
    step = check_step(step, start, max(start, until))
    times = sample_times(start, until, step)
    if not times:
        return Timeline(start=start, until=until, step=step, live=live, points=[])
    fresh = max(timedelta(seconds=step), FRESH)
    conn = await session.connection()
    dialect = conn.dialect.name
    c, s, v = CHECKINS.c, SESSIONS.c, SAMPLES.c
    checkins = await conn.execute(select(_epoch(c.checked_in_at, dialect)).where(c.batch_id == batch.id))
    overlapping = await conn.execute(
        select(_epoch(s.joined_at, dialect), _epoch(s.left_at, dialect)).where(
            s.batch_id == batch.id, s.joined_at <= until, or_(s.left_at.is_(None), s.left_at >= start)
        )
    )
    samples = await conn.execute(
        select(_epoch(v.sampled_at, dialect), v.viewers).where(
            v.batch_id == batch.id, v.sampled_at > start - fresh, v.sampled_at <= until
        )
    )
    return Timeline(
        start=start,
        until=until,
        step=step,
        live=live,
        points=points(
            times,
            list(checkins.scalars()),
            [(joined, left) for joined, left in overlapping.all()],
            [(at, viewers) for at, viewers in samples.all()],
            fresh=fresh,
            count_all_at_end=live,
        ),
    )
