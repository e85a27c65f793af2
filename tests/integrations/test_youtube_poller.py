"""Chat and viewer pollers through the real client against the fake over HTTP, on a manual clock."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from integrations.youtube import (
    Backoff,
    ChatBatch,
    ChatMessage,
    ChatPoller,
    PollerEvent,
    PollerStopped,
    QuotaBudget,
    StopReason,
    ViewerSample,
    ViewerSampler,
    YouTubeClient,
)
from integrations.youtube.fake import create_fake_youtube
from integrations.youtube.fake_state import CHAT, VIDEOS, FakeBroadcast, FakeYouTubeState, ManualClock

KEY = "test-key"
START = datetime(2023, 8, 21, 0, 0, 7, tzinfo=UTC)
HOUR = 3600
ROOMY = 1_000_000  # a daily quota large enough that only the server's interval paces chat


class Recorder:
    """The poller callback: keeps every event in order."""

    def __init__(self) -> None:
        self.events: list[PollerEvent] = []

    async def __call__(self, event: PollerEvent) -> None:
        self.events.append(event)

    @property
    def messages(self) -> list[ChatMessage]:
        """Every chat message handed out, in order."""
        return [m for e in self.events if isinstance(e, ChatBatch) for m in e.messages]

    @property
    def samples(self) -> list[ViewerSample]:
        """Every viewer sample, in order."""
        return [e for e in self.events if isinstance(e, ViewerSample)]

    @property
    def stopped(self) -> PollerStopped:
        """The last event, which must be the stop."""
        last = self.events[-1]
        assert isinstance(last, PollerStopped)
        assert sum(isinstance(e, PollerStopped) for e in self.events) == 1
        return last


@pytest.fixture
def clock() -> ManualClock:
    """Manual time at the start of the broadcast, shared by the fake and the pollers."""
    return ManualClock(START)


@pytest.fixture
def state(clock: ManualClock) -> FakeYouTubeState:
    """A broadcast live from START, viewers peaking at half an hour; neither it nor its chat ends."""
    state = FakeYouTubeState(api_key=KEY, clock=clock, quota_limit=ROOMY)
    curve = [(START, 0), (START + timedelta(minutes=30), 3000), (START + timedelta(hours=1), 1000)]
    state.add_broadcast("vid1", scheduled_start=START, actual_start=START, viewer_curve=curve)
    return state


@pytest.fixture
def broadcast(state: FakeYouTubeState) -> FakeBroadcast:
    """The broadcast, scripted to end its chat after two minutes and itself after an hour."""
    broadcast = state.broadcasts["vid1"]
    broadcast.end_chat(START + timedelta(minutes=2))
    broadcast.end(START + timedelta(hours=1))
    return broadcast


@pytest.fixture
async def youtube(aiohttp_server: Any, state: FakeYouTubeState) -> YouTubeClient:
    """The real client pointed at the fake on a real port."""
    server: TestServer = await aiohttp_server(create_fake_youtube(state))
    return YouTubeClient(KEY, str(server.make_url("/")))


def chat_poller(
    youtube: YouTubeClient, clock: ManualClock, budget: QuotaBudget, recorder: Recorder, **options: Any
) -> ChatPoller:
    """A chat poller on the manual clock."""
    return ChatPoller(youtube, budget, "vid1", recorder, clock=clock, sleep=clock.sleep, **options)


def gaps(times: list[datetime]) -> list[float]:
    """Seconds between consecutive calls."""
    return [(b - a).total_seconds() for a, b in pairwise(times)]


async def test_viewer_sampler_follows_the_curve_until_the_broadcast_ends(
    youtube: YouTubeClient, clock: ManualClock, state: FakeYouTubeState, broadcast: FakeBroadcast
) -> None:
    recorder, budget = Recorder(), QuotaBudget(HOUR)
    sampler = ViewerSampler(youtube, budget, "vid1", recorder, clock=clock, sleep=clock.sleep)
    assert await sampler.run() == StopReason.BROADCAST_ENDED
    assert sampler.stop_reason == recorder.stopped.reason == StopReason.BROADCAST_ENDED
    viewers = [s.concurrent_viewers for s in recorder.samples]
    assert len(viewers) == 61
    assert viewers[0] == 0 and viewers[30] == 3000 and viewers[59] == 1067
    assert viewers.index(max(v for v in viewers if v is not None)) == 30
    assert viewers[-1] is None and recorder.samples[-1].live_broadcast_content == "none"
    assert set(clock.sleeps) == {60.0}
    assert min(gaps(state.call_times(VIDEOS))) >= 60
    assert budget.spent == state.units_used == 61


async def test_chat_waits_at_least_the_servers_polling_interval(
    youtube: YouTubeClient, clock: ManualClock, state: FakeYouTubeState, broadcast: FakeBroadcast
) -> None:
    broadcast.polling_interval_millis = 7000
    said = [
        broadcast.say(START + timedelta(seconds=s), f"Peserta {s}", f"HADIR {s}") for s in range(1, 120, 3)
    ]
    recorder, budget = Recorder(), QuotaBudget(HOUR, daily_quota=ROOMY)
    assert budget.plan.chat_interval_s < 1  # the budget alone would poll much faster
    poller = chat_poller(youtube, clock, budget, recorder)
    assert await poller.run() == StopReason.CHAT_ENDED
    texts = [m for m in recorder.messages if m.kind == "textMessageEvent"]
    assert [m.id for m in texts] == [m.id for m in said]  # every message once, in order
    assert recorder.messages[-1].kind == "chatEndedEvent"
    assert clock.sleeps and min(clock.sleeps) >= 7.0
    chat_calls = state.call_times(CHAT)
    assert min(gaps(chat_calls)) >= 7.0
    assert len(chat_calls) <= 120 / 7 + 2  # no busy loop
    assert state.calls[VIDEOS] == 1  # activeLiveChatId read once
    batches = [e for e in recorder.events if isinstance(e, ChatBatch)]
    assert poller.page_token == batches[-1].next_page_token is not None
    assert {b.live_chat_id for b in batches} == {broadcast.chat_id}


async def test_a_three_hour_batch_stays_inside_the_quota_end_to_end(
    youtube: YouTubeClient, clock: ManualClock, state: FakeYouTubeState
) -> None:
    state.broadcasts["vid1"].end(START + timedelta(hours=3))
    state.quota_limit = 2000
    budget = QuotaBudget(3 * HOUR, daily_quota=2000)
    viewers, chat = Recorder(), Recorder()
    sampler = ViewerSampler(youtube, budget, "vid1", viewers, clock=clock, sleep=clock.sleep)
    assert await sampler.run() == StopReason.BROADCAST_ENDED
    clock.set(START)  # the chat poller covers the same three hours on the same budget
    assert await chat_poller(youtube, clock, budget, chat).run() == StopReason.CHAT_ENDED
    assert all(call.status == 200 for call in state.call_log[:-1])
    assert state.units_used == budget.spent <= 2000
    assert min(gaps(state.call_times(CHAT))) >= budget.plan.chat_interval_s > 5


async def test_quota_exhaustion_stops_polling_with_quota_exceeded(
    youtube: YouTubeClient, clock: ManualClock, state: FakeYouTubeState, broadcast: FakeBroadcast
) -> None:
    state.quota_limit = 1 + 3 * 5  # videos.list, then three chat pages
    recorder = Recorder()
    poller = chat_poller(youtube, clock, QuotaBudget(HOUR), recorder)
    assert await poller.run() == StopReason.QUOTA_EXCEEDED
    assert recorder.stopped.reason == StopReason.QUOTA_EXCEEDED
    assert "quotaExceeded" in recorder.stopped.detail
    assert [c.status for c in state.call_log if c.endpoint == CHAT] == [200, 200, 200, 403]  # no retry
    last_token = [e for e in recorder.events if isinstance(e, ChatBatch)][-1].next_page_token
    assert poller.page_token == last_token is not None  # the stored token survives


async def test_a_resumed_poll_after_the_chat_ended_stops_with_chat_ended(
    youtube: YouTubeClient, clock: ManualClock, state: FakeYouTubeState, broadcast: FakeBroadcast
) -> None:
    first = Recorder()
    ended = chat_poller(youtube, clock, QuotaBudget(HOUR), first)
    assert await ended.run() == StopReason.CHAT_ENDED
    resumed = Recorder()
    poller = chat_poller(
        youtube,
        clock,
        QuotaBudget(HOUR),
        resumed,
        live_chat_id=broadcast.chat_id,
        page_token=ended.page_token,
    )
    assert await poller.run() == StopReason.CHAT_ENDED
    assert resumed.events == [resumed.stopped]
    assert "liveChatEnded" in resumed.stopped.detail
    assert state.call_log[-1].status == 403


async def test_rate_limits_and_server_errors_back_off_then_resume(
    youtube: YouTubeClient, clock: ManualClock, state: FakeYouTubeState, broadcast: FakeBroadcast
) -> None:
    answer = broadcast.say(START + timedelta(seconds=30), "Made", "HADIR 4821 199001012015031001")
    state.fail_next(CHAT, "rateLimitExceeded", times=2)
    state.fail_next(CHAT, "backendError", status=503)
    state.fail_next(CHAT, "rateLimitExceeded", status=429, retry_after=45)
    recorder = Recorder()
    poller = chat_poller(youtube, clock, QuotaBudget(HOUR), recorder, live_chat_id=broadcast.chat_id)
    assert await poller.run() == StopReason.CHAT_ENDED
    assert clock.sleeps[:4] == [2.0, 4.0, 8.0, 45.0]  # exponential, and Retry-After when longer
    assert [c.status for c in state.call_log[:5]] == [403, 403, 503, 429, 200]
    assert answer.id in [m.id for m in recorder.messages]


async def test_persistent_failures_stop_as_unavailable(
    youtube: YouTubeClient, clock: ManualClock, state: FakeYouTubeState
) -> None:
    state.fail_next(VIDEOS, "backendError", times=5)
    recorder = Recorder()
    sampler = ViewerSampler(
        youtube,
        QuotaBudget(HOUR),
        "vid1",
        recorder,
        clock=clock,
        sleep=clock.sleep,
        backoff=Backoff(max_failures=3),
    )
    assert await sampler.run() == StopReason.UNAVAILABLE
    assert state.calls[VIDEOS] == 3
    assert clock.sleeps == [2.0, 4.0]


async def test_duplicate_deliveries_are_handed_out_once(
    youtube: YouTubeClient, clock: ManualClock, broadcast: FakeBroadcast
) -> None:
    answer = broadcast.say(START + timedelta(seconds=1), "Komang", "HADIR 4821 199001012015031001")
    broadcast.say(START + timedelta(seconds=2), "Ketut", "halo")
    clock.advance(5)
    broadcast.deliver_again(answer.id)  # the first page carries it twice
    recorder = Recorder()
    poller = chat_poller(youtube, clock, QuotaBudget(HOUR), recorder)
    assert await poller.run() == StopReason.CHAT_ENDED
    ids = [m.id for m in recorder.messages]
    assert ids.count(answer.id) == 1
    assert poller.duplicates == 1


async def test_a_stale_chat_id_is_re_read_once_from_the_video(
    youtube: YouTubeClient, clock: ManualClock, state: FakeYouTubeState, broadcast: FakeBroadcast
) -> None:
    recorder = Recorder()
    poller = chat_poller(youtube, clock, QuotaBudget(HOUR), recorder, live_chat_id="stale", page_token="old")
    assert await poller.run() == StopReason.CHAT_ENDED
    assert poller.live_chat_id == broadcast.chat_id
    assert state.calls[VIDEOS] == 1
    assert state.call_log[0].params["liveChatId"] == ["stale"]


async def test_chat_not_found_again_after_the_re_read_stops(
    youtube: YouTubeClient, clock: ManualClock, state: FakeYouTubeState, broadcast: FakeBroadcast
) -> None:
    state.fail_next(CHAT, "liveChatNotFound", times=2)
    recorder = Recorder()
    poller = chat_poller(youtube, clock, QuotaBudget(HOUR), recorder, live_chat_id=broadcast.chat_id)
    assert await poller.run() == StopReason.CHAT_NOT_FOUND
    assert (state.calls[VIDEOS], state.calls[CHAT]) == (1, 1)


async def test_a_disabled_chat_stops_chat_polling(
    youtube: YouTubeClient, clock: ManualClock, broadcast: FakeBroadcast
) -> None:
    broadcast.chat_disabled = True
    assert await chat_poller(youtube, clock, QuotaBudget(HOUR), Recorder()).run() == StopReason.CHAT_DISABLED
    given_id = chat_poller(youtube, clock, QuotaBudget(HOUR), Recorder(), live_chat_id=broadcast.chat_id)
    assert await given_id.run() == StopReason.CHAT_DISABLED


async def test_an_upcoming_broadcast_is_re_read_until_it_starts(
    youtube: YouTubeClient, clock: ManualClock, state: FakeYouTubeState, broadcast: FakeBroadcast
) -> None:
    broadcast.chat_disabled = True
    clock.set(START - timedelta(minutes=1))
    budget = QuotaBudget(HOUR)
    assert await chat_poller(youtube, clock, budget, Recorder()).run() == StopReason.CHAT_DISABLED
    assert clock() >= START
    assert state.calls[VIDEOS] >= 2 and set(clock.sleeps) == {budget.plan.chat_interval_s}


async def test_an_unknown_video_stops_the_sampler(youtube: YouTubeClient, clock: ManualClock) -> None:
    recorder = Recorder()
    sampler = ViewerSampler(youtube, QuotaBudget(HOUR), "nope", recorder, clock=clock, sleep=clock.sleep)
    assert await sampler.run() == StopReason.VIDEO_NOT_FOUND
    assert recorder.events == [recorder.stopped]


async def test_the_local_budget_stops_before_the_server_refuses(
    youtube: YouTubeClient, clock: ManualClock, state: FakeYouTubeState
) -> None:
    budget = QuotaBudget(600, daily_quota=100)
    assert await chat_poller(youtube, clock, budget, Recorder()).run() == StopReason.BUDGET_SPENT
    assert budget.spent <= 100 and budget.remaining < 5
    assert all(call.status == 200 for call in state.call_log)


async def test_cancelling_a_poller_records_cancelled(youtube: YouTubeClient, clock: ManualClock) -> None:
    first = asyncio.Event()

    async def on_event(event: PollerEvent) -> None:
        first.set()

    poller = ChatPoller(youtube, QuotaBudget(HOUR), "vid1", on_event, clock=clock, sleep=clock.sleep)
    task = asyncio.create_task(poller.run())
    await first.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert poller.stop_reason == StopReason.CANCELLED
