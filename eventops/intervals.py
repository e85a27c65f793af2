"""Time intervals: clipping, union, measure and overlap, the pure core of online attendance."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from operator import attrgetter

MINUTE = timedelta(minutes=1)
_ZERO = timedelta(0)
_by_start = attrgetter("start")


@dataclass(frozen=True, slots=True)
class Interval:
    """A closed time span `[start, end]` between two aware datetimes, normalised to UTC.

    `start == end` is allowed (a Zoom row whose join and leave coincide) but carries no time:
    `union` drops such empty intervals. `end < start` is a data error and raises `ValueError`.
    """

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.utcoffset() is None or self.end.utcoffset() is None:
            raise ValueError("interval bounds must be timezone-aware datetimes")
        if self.start.tzinfo is not UTC:
            object.__setattr__(self, "start", self.start.astimezone(UTC))
        if self.end.tzinfo is not UTC:
            object.__setattr__(self, "end", self.end.astimezone(UTC))
        if self.end < self.start:
            raise ValueError(f"interval ends before it starts: {self.start} > {self.end}")

    @property
    def duration(self) -> timedelta:
        """The length of the interval."""
        return self.end - self.start

    def contains(self, moment: datetime) -> bool:
        """True if `moment` lies inside the interval, both ends included."""
        return self.start <= moment <= self.end


def session_interval(start: datetime, end: datetime | None, until: datetime) -> Interval:
    """The interval of a session that may still be open.

    A join without a leave yet (`end is None`) is taken to last `until`: pass the current time while the
    batch is live, or the batch end when finalizing. If `until` lies before the join, the session is empty.
    """
    if end is None:
        end = until if until >= start else start
    return Interval(start, end)


def clip(intervals: Iterable[Interval], window: Interval) -> list[Interval]:
    """Each interval cut to `window`, in input order; intervals with no time inside the window are dropped."""
    lo, hi = window.start, window.end
    out: list[Interval] = []
    for iv in intervals:
        if iv.start >= lo and iv.end <= hi:
            if iv.start < iv.end:
                out.append(iv)
            continue
        start = iv.start if iv.start > lo else lo
        end = iv.end if iv.end < hi else hi
        if start < end:
            out.append(Interval(start, end))
    return out


def union(intervals: Iterable[Interval]) -> list[Interval]:
    """The union as sorted, disjoint, non-empty intervals; overlapping and touching intervals are merged.

    O(n log n) for the sort, then one linear pass.
    """
    spans: list[list[datetime]] = []
    for iv in sorted(intervals, key=_by_start):
        if iv.start == iv.end:
            continue
        if spans and iv.start <= spans[-1][1]:
            if iv.end > spans[-1][1]:
                spans[-1][1] = iv.end
        else:
            spans.append([iv.start, iv.end])
    return [Interval(start, end) for start, end in spans]


def total_duration(intervals: Iterable[Interval], window: Interval | None = None) -> timedelta:
    """The measure of the union of `intervals` (clipped to `window` if given): overlaps never count twice."""
    parts = clip(intervals, window) if window is not None else intervals
    return sum((iv.duration for iv in union(parts)), _ZERO)


def total_seconds(intervals: Iterable[Interval], window: Interval | None = None) -> float:
    """`total_duration` in seconds."""
    return total_duration(intervals, window).total_seconds()


def union_minutes(intervals: Iterable[Interval], window: Interval) -> int:
    """Whole minutes (floor) of the union of `intervals` clipped to `window`."""
    return total_duration(intervals, window) // MINUTE


def overlaps(a: Iterable[Interval], b: Iterable[Interval]) -> bool:
    """True if the unions of `a` and `b` share a positive length of time (merely touching is no overlap)."""
    ua, ub = union(a), union(b)
    i = j = 0
    while i < len(ua) and j < len(ub):
        if ua[i].end <= ub[j].start:
            i += 1
        elif ub[j].end <= ua[i].start:
            j += 1
        else:
            return True
    return False
