"""The scripted world behind the fake YouTube server: broadcasts, viewers, chat, quota, injected failures."""

from __future__ import annotations

import asyncio
import base64
import bisect
import hashlib
import itertools
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from integrations.youtube.models import CHAT_ENDED, MESSAGE_DELETED, TEXT_MESSAGE

VIDEOS = "videos"
CHAT = "liveChatMessages"
COSTS = {VIDEOS: 1, CHAT: 5}


def utc_now() -> datetime:
    """The current time, aware UTC."""
    return datetime.now(UTC)


def channel_id_for(name: str) -> str:
    """A stable fake channel id (UC + 22 characters) for an author name."""
    digest = base64.urlsafe_b64encode(hashlib.sha256(name.encode("utf-8", "surrogatepass")).digest()).decode()
    return "UC" + digest[:22]


class ManualClock:
    """A clock that moves only when told: `clock()` reads it, `await clock.sleep(s)` advances it."""

    def __init__(self, start: datetime) -> None:
        self._now = start
        self.sleeps: list[float] = []

    def __call__(self) -> datetime:
        """The current manual time."""
        return self._now

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        self._now += timedelta(seconds=seconds)

    def set(self, at: datetime) -> None:
        """Put the clock at `at`."""
        self._now = at

    async def sleep(self, seconds: float) -> None:
        """Record the wait, advance by it, and let other tasks run once (a drop-in for asyncio.sleep)."""
        self.sleeps.append(seconds)
        self.advance(seconds)
        await asyncio.sleep(0)


@dataclass(frozen=True)
class FakeChatMessage:
    """One scripted chat item; it becomes visible when the clock reaches `published_at`."""

    id: str
    published_at: datetime
    kind: str
    author_name: str
    author_channel_id: str
    text: str | None = None
    deleted_message_id: str | None = None


@dataclass(frozen=True)
class FakeCall:
    """One request the fake answered, as the server saw it."""

    endpoint: str
    at: datetime
    params: dict[str, list[str]]
    status: int


@dataclass(frozen=True)
class FakeFailure:
    """An error answer scripted for an upcoming call."""

    reason: str
    status: int | None = None
    retry_after: int | None = None


@dataclass
class FakeBroadcast:
    """A live stream with its chat, scripted over time."""

    video_id: str
    chat_id: str
    title: str
    channel_id: str
    scheduled_start: datetime
    actual_start: datetime | None = None
    actual_end: datetime | None = None
    chat_ended_at: datetime | None = None
    chat_disabled: bool = False
    hide_viewers: bool = False
    polling_interval_millis: int = 5000
    recent_count: int = 20
    viewer_curve: list[tuple[datetime, int]] = field(default_factory=list)
    messages: list[FakeChatMessage] = field(default_factory=list)
    redeliver: list[str] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=itertools.count)

    def is_live(self, now: datetime) -> bool:
        """True between the actual start and the actual end."""
        started = self.actual_start is not None and self.actual_start <= now
        return started and not self.has_ended(now)

    def has_ended(self, now: datetime) -> bool:
        """True once the actual end has passed."""
        return self.actual_end is not None and self.actual_end <= now

    def chat_over(self, now: datetime) -> bool:
        """True once the chat has ended."""
        return self.chat_ended_at is not None and self.chat_ended_at <= now

    def broadcast_content(self, now: datetime) -> str:
        """snippet.liveBroadcastContent at `now`."""
        if self.has_ended(now):
            return "none"
        return "live" if self.is_live(now) else "upcoming"

    def viewers_at(self, now: datetime) -> int | None:
        """Concurrent viewers at `now`, interpolated on the curve; None when YouTube would omit it."""
        if not self.is_live(now) or self.hide_viewers or not self.viewer_curve:
            return None
        times = [at for at, _ in self.viewer_curve]
        i = bisect.bisect_right(times, now)
        if i == 0:
            return self.viewer_curve[0][1]
        if i == len(times):
            return self.viewer_curve[-1][1]
        (t0, v0), (t1, v1) = self.viewer_curve[i - 1], self.viewer_curve[i]
        return round(v0 + (v1 - v0) * (now - t0) / (t1 - t0))

    def visible_count(self, now: datetime) -> int:
        """How many messages are published by `now` (they are kept in publishing order)."""
        return bisect.bisect_right([m.published_at for m in self.messages], now)

    def say(
        self, at: datetime, author: str, text: str, *, channel_id: str | None = None, kind: str = TEXT_MESSAGE
    ) -> FakeChatMessage:
        """Script a chat message (any Unicode, HTML-looking text kept as typed)."""
        return self._add(at, kind, author, channel_id, text=text if kind == TEXT_MESSAGE else None)

    def delete(self, at: datetime, message_id: str) -> FakeChatMessage:
        """Script a messageDeletedEvent for an earlier message."""
        return self._add(at, MESSAGE_DELETED, self.title, self.channel_id, deleted=message_id)

    def end_chat(self, at: datetime) -> FakeChatMessage:
        """End the chat at `at`: a chatEndedEvent, offlineAt, then liveChatEnded errors."""
        self.chat_ended_at = at
        return self._add(at, CHAT_ENDED, self.title, self.channel_id)

    def end(self, at: datetime) -> None:
        """End the broadcast (and its chat) at `at`."""
        self.actual_end = at
        if self.chat_ended_at is None:
            self.end_chat(at)

    def deliver_again(self, message_id: str) -> None:
        """Hand an already visible message once more at the head of the next chat page."""
        self.redeliver.append(message_id)

    def _add(
        self,
        at: datetime,
        kind: str,
        author: str,
        channel_id: str | None,
        *,
        text: str | None = None,
        deleted: str | None = None,
    ) -> FakeChatMessage:
        serial = next(self._ids)
        raw = f"{self.chat_id}.{serial:08d}".encode()
        message = FakeChatMessage(
            id="LCC." + base64.urlsafe_b64encode(raw).decode().rstrip("="),
            published_at=at.astimezone(UTC),
            kind=kind,
            author_name=author,
            author_channel_id=channel_id or channel_id_for(author),
            text=text,
            deleted_message_id=deleted,
        )
        bisect.insort_right(self.messages, message, key=lambda m: m.published_at)
        return message


class FakeYouTubeState:
    """Everything the fake server knows: broadcasts, the API key, quota and call counters."""

    def __init__(
        self,
        *,
        api_key: str = "fake-youtube-key",
        clock: Callable[[], datetime] = utc_now,
        quota_limit: int = 10_000,
    ) -> None:
        self.api_key = api_key
        self.clock = clock
        self.quota_limit = quota_limit
        self.units_used = 0
        self.broadcasts: dict[str, FakeBroadcast] = {}
        self.calls: Counter[str] = Counter()
        self.call_log: list[FakeCall] = []
        self._failures: dict[str, deque[FakeFailure]] = {VIDEOS: deque(), CHAT: deque()}

    def add_broadcast(self, video_id: str, *, scheduled_start: datetime, **fields: Any) -> FakeBroadcast:
        """Create a broadcast; `fields` are FakeBroadcast attributes (actual_start, title, …)."""
        fields.setdefault("title", f"Siaran {video_id}")
        fields.setdefault("channel_id", channel_id_for("eventops-demo-channel"))
        encoded = base64.urlsafe_b64encode(video_id.encode()).decode().rstrip("=")
        fields.setdefault("chat_id", "Cg0KC" + encoded)
        broadcast = FakeBroadcast(video_id=video_id, scheduled_start=scheduled_start, **fields)
        self.broadcasts[video_id] = broadcast
        return broadcast

    def broadcast_by_chat(self, chat_id: str) -> FakeBroadcast | None:
        """The broadcast whose chat id is `chat_id`."""
        return next((b for b in self.broadcasts.values() if b.chat_id == chat_id), None)

    def fail_next(
        self,
        endpoint: str,
        reason: str,
        *,
        status: int | None = None,
        times: int = 1,
        retry_after: int | None = None,
    ) -> None:
        """Answer the next `times` calls of `endpoint` (VIDEOS or CHAT) with an error of `reason`."""
        self._failures[endpoint].extend([FakeFailure(reason, status, retry_after)] * times)

    def next_failure(self, endpoint: str) -> FakeFailure | None:
        """Pop the next scripted failure for `endpoint`, if any."""
        queue = self._failures[endpoint]
        return queue.popleft() if queue else None

    def exhaust_quota(self) -> None:
        """Spend the whole daily quota: every next call answers quotaExceeded."""
        self.units_used = self.quota_limit

    def charge(self, endpoint: str) -> bool:
        """Spend the endpoint's cost; False when that would pass the quota."""
        cost = COSTS[endpoint]
        if self.units_used + cost > self.quota_limit:
            return False
        self.units_used += cost
        return True

    def call_times(self, endpoint: str) -> list[datetime]:
        """Clock times of the calls answered for `endpoint`, in order."""
        return [call.at for call in self.call_log if call.endpoint == endpoint]
