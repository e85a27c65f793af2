"""One polling round by hand: the viewers now and one chat page, stored like the background pollers'."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.storage.models import Batch
from eventops.stream import store
from eventops.stream.job import StreamOptions, plan_budget, video_id_of
from integrations.youtube import (
    ChatPage,
    QuotaBudget,
    QuotaTooSmall,
    StopReason,
    VideoStatus,
    YouTubeClient,
    YouTubeError,
)
from integrations.youtube.quota import CHAT_LIST_COST, VIDEOS_LIST_COST


@dataclass(frozen=True)
class PollRound:
    """What one round found (the API's answer); `error` names a transient failure worth retrying."""

    viewers: int | None
    new_messages: int
    submissions: int
    stopped: str | None
    detail: str
    error: str | None
    quota_spent: int


class _BudgetSpent(Exception):
    """The round would pass the batch's share of the quota."""


def _charge(budget: QuotaBudget, cost: int) -> None:
    if not budget.can_spend(cost):
        raise _BudgetSpent(f"{budget.spent}/{budget.limit} units spent")
    budget.spend(cost)


@dataclass
class _Round:
    """Where the chat is, what was read, and why polling stopped (if it did)."""

    chat_id: str | None
    token: str | None
    status: VideoStatus | None = None
    page: ChatPage | None = None
    stopped: str | None = None
    detail: str = ""
    error: str | None = None

    async def run(self, client: YouTubeClient, video_id: str, budget: QuotaBudget) -> None:
        """Read the video, then one chat page; errors become a stop reason or, if transient, an error."""
        try:
            _charge(budget, VIDEOS_LIST_COST)
            self.status = await client.video_status(video_id)
            fresh = self.status.active_live_chat_id
            if fresh and fresh != self.chat_id:
                self.chat_id, self.token = fresh, None  # a new chat has page tokens of its own
            if self.chat_id is None:
                if self.status.has_ended:
                    self.stopped, self.detail = StopReason.CHAT_ENDED, "the broadcast has ended"
                return
            _charge(budget, CHAT_LIST_COST)
            self.page = await client.chat_page(self.chat_id, self.token)
            if self.page.ended:
                self.stopped = StopReason.CHAT_ENDED
                self.detail = "offlineAt" if self.page.offline_at else "chatEndedEvent"
        except _BudgetSpent as exc:
            self.stopped, self.detail = StopReason.BUDGET_SPENT, str(exc)
        except YouTubeError as exc:
            if exc.retryable:
                self.error = exc.reason or "unavailable"
            else:
                self.stopped, self.detail = str(exc.stop_reason), str(exc)


async def poll_once(
    sessions: async_sessionmaker[AsyncSession], client: YouTubeClient, options: StreamOptions, batch: Batch
) -> PollRound:
    """Read viewers and one chat page now, store them with the chat position, and say what was found."""
    video_id = video_id_of(batch)
    assert batch.id is not None
    now = options.clock()
    async with sessions() as session:
        state = await store.load_state(session, batch.id)
        spent = await store.spent_today(session, batch.id, now)
        streams = await store.streams_that_day(session, batch)
    found = _Round(state.live_chat_id if state else None, state.page_token if state else None)
    units = 0
    try:
        budget = plan_budget(batch, options, streams=streams, spent=spent)
    except QuotaTooSmall as exc:
        found.stopped, found.detail = StopReason.BUDGET_SPENT, str(exc)
    else:
        await found.run(client, video_id, budget)
        units = budget.spent - spent
    new_day = state is not None and spent == 0 and state.quota_spent != 0
    quota: dict[str, int] = {"quota_spent": units} if new_day else {"quota_delta": units}
    return await _store(sessions, options, batch, found, quota)


async def _store(
    sessions: async_sessionmaker[AsyncSession],
    options: StreamOptions,
    batch: Batch,
    found: _Round,
    quota: dict[str, int],
) -> PollRound:
    assert batch.id is not None
    now = options.clock()
    values: dict[str, Any] = {}
    new_messages = submissions = 0
    async with sessions() as session:
        if found.status is not None:
            await store.store_viewers(session, batch.id, now, found.status.concurrent_viewers)
        if found.page is not None:
            stored = await store.store_chat(session, batch, found.page.messages, now)
            new_messages, submissions = stored.new_messages, stored.submissions
            values = {"live_chat_id": found.chat_id, "page_token": found.page.next_page_token or found.token}
        if found.stopped is not None:
            values.update(stop_reason=found.stopped, detail=f"poll: {found.detail}"[:500])
        await store.save_state(session, batch.id, now, **quota, **values)
        await session.commit()
        after = await store.load_state(session, batch.id)
    return PollRound(
        viewers=found.status.concurrent_viewers if found.status is not None else None,
        new_messages=new_messages,
        submissions=submissions,
        stopped=str(found.stopped) if found.stopped is not None else None,
        detail=found.detail,
        error=found.error,
        quota_spent=after.quota_spent if after else 0,
    )
