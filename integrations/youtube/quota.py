"""Daily quota arithmetic for the YouTube pollers (fact sheet §3): pure planning and a spend counter."""

from __future__ import annotations

import math
from dataclasses import dataclass

VIDEOS_LIST_COST = 1
CHAT_LIST_COST = 5
DEFAULT_DAILY_QUOTA = 10_000
DEFAULT_VIEWER_INTERVAL_S = 60.0


class QuotaTooSmall(ValueError):
    """The configured quota cannot pay for even two calls of each kind in the session."""


@dataclass(frozen=True)
class QuotaPlan:
    """How one stream's share of the daily quota is split between viewer samples and chat pages."""

    session_seconds: float
    share_units: int
    reserve_units: int
    viewer_interval_s: float
    viewer_units: int
    chat_interval_s: float
    chat_units: int

    @property
    def planned_units(self) -> int:
        """Units a whole session spends at the planned intervals (reserve excluded)."""
        return self.viewer_units + self.chat_units


def calls_in(session_seconds: float, interval_s: float) -> int:
    """Calls made in a session polling every `interval_s`: one at the start, then one per interval."""
    return math.floor(session_seconds / interval_s) + 1


def interval_for(session_seconds: float, calls: int) -> float:
    """The shortest interval (rounded up to the millisecond) that makes at most `calls` calls."""
    if calls < 2:
        raise QuotaTooSmall(f"{calls} call(s) cannot cover a {session_seconds:.0f} s session")
    return math.ceil(session_seconds / (calls - 1) * 1000) / 1000


def chat_interval_for(session_seconds: float, chat_units: int) -> float:
    """Chat interval spending at most `chat_units` in the session (5 units a page)."""
    return interval_for(session_seconds, chat_units // CHAT_LIST_COST)


def plan_quota(
    session_seconds: float,
    *,
    streams: int = 1,
    daily_quota: int = DEFAULT_DAILY_QUOTA,
    viewer_interval_s: float = DEFAULT_VIEWER_INTERVAL_S,
    reserve_fraction: float = 0.05,
    viewer_max_fraction: float = 0.2,
) -> QuotaPlan:
    """Split the day's quota among `streams` and derive viewer and chat intervals that fit one session."""
    if session_seconds <= 0 or streams < 1:
        raise ValueError("session_seconds must be positive and streams at least 1")
    share = daily_quota // streams
    # the reserve pays for re-reading activeLiveChatId, retries after 5xx and the chat poller's first look
    reserve = math.ceil(share * reserve_fraction)
    usable = share - reserve
    viewer_cap = math.floor(usable * viewer_max_fraction) // VIDEOS_LIST_COST
    viewer_interval = viewer_interval_s
    if calls_in(session_seconds, viewer_interval) > viewer_cap:
        viewer_interval = max(viewer_interval, interval_for(session_seconds, viewer_cap))
    viewer_units = calls_in(session_seconds, viewer_interval) * VIDEOS_LIST_COST
    chat_interval = chat_interval_for(session_seconds, usable - viewer_units)
    chat_units = calls_in(session_seconds, chat_interval) * CHAT_LIST_COST
    return QuotaPlan(
        session_seconds=session_seconds,
        share_units=share,
        reserve_units=reserve,
        viewer_interval_s=viewer_interval,
        viewer_units=viewer_units,
        chat_interval_s=chat_interval,
        chat_units=chat_units,
    )


class QuotaBudget:
    """One stream's quota for one session: planned intervals and the units spent so far."""

    def __init__(
        self,
        session_seconds: float,
        *,
        streams: int = 1,
        daily_quota: int = DEFAULT_DAILY_QUOTA,
        viewer_interval_s: float = DEFAULT_VIEWER_INTERVAL_S,
        spent: int = 0,
    ) -> None:
        self.plan = plan_quota(
            session_seconds, streams=streams, daily_quota=daily_quota, viewer_interval_s=viewer_interval_s
        )
        self.spent = spent

    @property
    def limit(self) -> int:
        """Units this stream may spend today."""
        return self.plan.share_units

    @property
    def remaining(self) -> int:
        """Units left to spend."""
        return max(0, self.limit - self.spent)

    @property
    def viewer_interval_s(self) -> float:
        """Seconds between viewer samples."""
        return self.plan.viewer_interval_s

    def chat_interval_s(self, polling_interval_millis: int) -> float:
        """Seconds to wait before the next chat page: never faster than the server asks (§1)."""
        return max(self.plan.chat_interval_s, polling_interval_millis / 1000)

    def can_spend(self, cost: int) -> bool:
        """True when `cost` more units stay inside the limit."""
        return self.spent + cost <= self.limit

    def spend(self, cost: int) -> None:
        """Record `cost` units spent; refuses to pass the limit."""
        if not self.can_spend(cost):
            raise QuotaTooSmall(f"spending {cost} would pass the limit ({self.spent}/{self.limit})")
        self.spent += cost
