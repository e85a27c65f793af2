"""Chat and viewer polling loops: pure asyncio over the client, with injectable clock and sleep."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import NoReturn, TypeVar

from integrations.youtube.client import YouTubeClient
from integrations.youtube.errors import ChatNotFound, YouTubeError
from integrations.youtube.models import (
    ChatBatch,
    ChatMessage,
    PollerEvent,
    PollerStopped,
    StopReason,
    VideoStatus,
    ViewerSample,
)
from integrations.youtube.quota import CHAT_LIST_COST, VIDEOS_LIST_COST, QuotaBudget

T = TypeVar("T")
Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]
OnEvent = Callable[[PollerEvent], Awaitable[None]]


def utc_now() -> datetime:
    """The current time, aware UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff for rate limits, 5xx and unreachable servers."""

    initial_s: float = 2.0
    factor: float = 2.0
    maximum_s: float = 120.0
    max_failures: int = 20

    def delay(self, failures: int, retry_after: float | None = None) -> float:
        """Seconds to wait after the `failures`-th failure in a row (Retry-After wins when longer)."""
        backoff = min(self.maximum_s, self.initial_s * self.factor ** (failures - 1))
        return max(backoff, retry_after or 0.0)


class _Stop(Exception):
    """Ends a loop with a reason."""

    def __init__(self, reason: StopReason, detail: str = "") -> None:
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail


class _Loop:
    """What both pollers share: spending the budget, backing off, stopping with a reason."""

    def __init__(
        self,
        client: YouTubeClient,
        budget: QuotaBudget,
        video_id: str,
        on_event: OnEvent,
        *,
        clock: Clock = utc_now,
        sleep: Sleep = asyncio.sleep,
        backoff: Backoff = Backoff(),
    ) -> None:
        self.video_id = video_id
        self.stop_reason: StopReason | None = None
        self._client = client
        self._budget = budget
        self._on_event = on_event
        self._clock = clock
        self._sleep = sleep
        self._backoff = backoff

    async def run(self) -> StopReason:
        """Poll until a stop condition; hand a PollerStopped to the callback and return its reason."""
        try:
            await self._loop()
        except _Stop as stop:
            reason, detail = stop.reason, stop.detail
        except YouTubeError as exc:
            reason, detail = exc.stop_reason, str(exc)
        except asyncio.CancelledError:
            self.stop_reason = StopReason.CANCELLED
            raise
        self.stop_reason = reason
        await self._on_event(PollerStopped(self.video_id, self._clock(), reason, detail))
        return reason

    async def _loop(self) -> NoReturn:
        """Poll forever; end by raising _Stop or a non-retryable YouTubeError."""
        raise NotImplementedError

    async def _call(self, cost: int, call: Callable[[], Awaitable[T]]) -> T:
        """Spend `cost` and make the call, retrying transient errors; other errors propagate."""
        failures = 0
        while True:
            if not self._budget.can_spend(cost):
                raise _Stop(StopReason.BUDGET_SPENT, f"{self._budget.spent}/{self._budget.limit} units spent")
            self._budget.spend(cost)  # failed calls cost quota too
            try:
                return await call()
            except YouTubeError as exc:
                if not exc.retryable:
                    raise
                failures += 1
                if failures >= self._backoff.max_failures:
                    raise _Stop(StopReason.UNAVAILABLE, str(exc)) from exc
                await self._sleep(self._backoff.delay(failures, exc.retry_after))

    async def _video(self) -> VideoStatus:
        return await self._call(VIDEOS_LIST_COST, partial(self._client.video_status, self.video_id))


class ViewerSampler(_Loop):
    """Samples concurrent viewers at the budget's interval until the broadcast ends."""

    async def _loop(self) -> NoReturn:
        while True:
            status = await self._video()
            await self._on_event(
                ViewerSample(
                    self.video_id, self._clock(), status.concurrent_viewers, status.live_broadcast_content
                )
            )
            if status.has_ended:
                raise _Stop(StopReason.BROADCAST_ENDED)
            await self._sleep(self._budget.viewer_interval_s)


class ChatPoller(_Loop):
    """Follows a live chat page by page, handing new messages and the page token to the callback."""

    def __init__(
        self,
        client: YouTubeClient,
        budget: QuotaBudget,
        video_id: str,
        on_event: OnEvent,
        *,
        live_chat_id: str | None = None,
        page_token: str | None = None,
        clock: Clock = utc_now,
        sleep: Sleep = asyncio.sleep,
        backoff: Backoff = Backoff(),
    ) -> None:
        super().__init__(client, budget, video_id, on_event, clock=clock, sleep=sleep, backoff=backoff)
        self.live_chat_id = live_chat_id
        self.page_token = page_token
        self.duplicates = 0
        self._seen: set[str] = set()

    async def _loop(self) -> NoReturn:
        chat_id = self.live_chat_id or await self._active_chat_id()
        self.live_chat_id = chat_id
        reread = False
        while True:
            try:
                page = await self._call(
                    CHAT_LIST_COST, partial(self._client.chat_page, chat_id, self.page_token)
                )
            except ChatNotFound:
                # §2: a stale chat id; re-read activeLiveChatId once, then stop
                fresh_id = None if reread else await self._active_chat_id()
                if fresh_id is None or fresh_id == chat_id:
                    raise
                chat_id, self.live_chat_id, self.page_token, reread = fresh_id, fresh_id, None, True
                continue
            reread = False
            if page.next_page_token:
                self.page_token = page.next_page_token
            await self._on_event(
                ChatBatch(self.video_id, chat_id, self._clock(), self._new(page.messages), self.page_token)
            )
            if page.ended:
                raise _Stop(StopReason.CHAT_ENDED, "offlineAt" if page.offline_at else "chatEndedEvent")
            await self._sleep(self._budget.chat_interval_s(page.polling_interval_millis))

    def _new(self, messages: tuple[ChatMessage, ...]) -> tuple[ChatMessage, ...]:
        """Drop messages already handed out in this run (a resumed token may repeat them)."""
        fresh = []
        for message in messages:
            if message.id in self._seen:
                self.duplicates += 1
            else:
                self._seen.add(message.id)
                fresh.append(message)
        return tuple(fresh)

    async def _active_chat_id(self) -> str:
        """Read activeLiveChatId, waiting while the broadcast is still upcoming."""
        while True:
            status = await self._video()
            if status.active_live_chat_id:
                return status.active_live_chat_id
            if status.has_ended:
                raise _Stop(StopReason.CHAT_ENDED, "the broadcast has ended")
            if status.live_broadcast_content != "upcoming":
                raise _Stop(StopReason.CHAT_DISABLED, "the broadcast has no active live chat")
            await self._sleep(self._budget.plan.chat_interval_s)
