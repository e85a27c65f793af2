"""The real google-api-python-client, in threads, against the fake YouTube server over real HTTP."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from integrations.youtube import (
    BadRequest,
    ChatDisabled,
    ChatEnded,
    ChatNotFound,
    Forbidden,
    QuotaExceeded,
    RateLimited,
    VideoNotFound,
    YouTubeClient,
    YouTubeError,
    YouTubeServerError,
    YouTubeUnreachable,
)
from integrations.youtube.fake import create_fake_youtube
from integrations.youtube.fake_state import CHAT, VIDEOS, FakeBroadcast, FakeYouTubeState, ManualClock

KEY = "test-key"
START = datetime(2023, 8, 21, 0, 0, 7, tzinfo=UTC)
HOSTILE = [
    '<img src=x onerror="alert(1)">',
    '=HYPERLINK("http://x")',
    "Budi 🙏🏽 \u202eHADIR",
    "  spasi di tepi  ",
]


@pytest.fixture
def clock() -> ManualClock:
    """Manual time, ten minutes into the broadcast."""
    return ManualClock(START + timedelta(minutes=10))


@pytest.fixture
def state(clock: ManualClock) -> FakeYouTubeState:
    """A broadcast live since START; viewers rise for an hour, then fall."""
    state = FakeYouTubeState(api_key=KEY, clock=clock)
    curve = [(START, 0), (START + timedelta(hours=1), 3000), (START + timedelta(hours=3), 600)]
    state.add_broadcast("vid1", scheduled_start=START, actual_start=START, viewer_curve=curve)
    return state


@pytest.fixture
def broadcast(state: FakeYouTubeState) -> FakeBroadcast:
    """The scripted broadcast."""
    return state.broadcasts["vid1"]


@pytest.fixture
async def server(aiohttp_server: Any, state: FakeYouTubeState) -> TestServer:
    """The fake on a real port."""
    fake: TestServer = await aiohttp_server(create_fake_youtube(state))
    return fake


@pytest.fixture
def youtube(server: TestServer) -> YouTubeClient:
    """The client pointed at the fake through api_endpoint."""
    return YouTubeClient(KEY, str(server.make_url("/")))


async def test_video_status_of_a_live_broadcast(youtube: YouTubeClient, broadcast: FakeBroadcast) -> None:
    status = await youtube.video_status("vid1")
    assert status.is_live and not status.has_ended
    assert status.live_broadcast_content == "live"
    assert status.concurrent_viewers == 500
    assert status.actual_start == START and status.actual_start.tzinfo is UTC
    assert status.scheduled_start == START
    assert status.actual_end is None
    assert status.active_live_chat_id == broadcast.chat_id
    assert status.title == broadcast.title


async def test_viewers_rise_and_fall_over_time(youtube: YouTubeClient, clock: ManualClock) -> None:
    seen = []
    for minutes in (30, 60, 120, 180):
        clock.set(START + timedelta(minutes=minutes))
        seen.append((await youtube.video_status("vid1")).concurrent_viewers)
    assert seen == [1500, 3000, 1800, 600]


async def test_viewers_unknown_is_none_not_zero(
    youtube: YouTubeClient, broadcast: FakeBroadcast, clock: ManualClock
) -> None:
    broadcast.hide_viewers = True
    assert (await youtube.video_status("vid1")).concurrent_viewers is None
    broadcast.hide_viewers = False
    clock.set(START - timedelta(minutes=1))
    before = await youtube.video_status("vid1")
    assert (before.live_broadcast_content, before.concurrent_viewers, before.actual_start) == (
        "upcoming",
        None,
        None,
    )


async def test_ended_broadcast_has_end_time_and_no_chat(
    youtube: YouTubeClient, broadcast: FakeBroadcast, clock: ManualClock
) -> None:
    broadcast.end(START + timedelta(hours=3))
    clock.set(START + timedelta(hours=3, minutes=1))
    status = await youtube.video_status("vid1")
    assert status.has_ended and not status.is_live
    assert status.actual_end == START + timedelta(hours=3)
    assert status.active_live_chat_id is None
    assert status.concurrent_viewers is None


async def test_unknown_video_raises_video_not_found(youtube: YouTubeClient) -> None:
    with pytest.raises(VideoNotFound):
        await youtube.video_status("does-not-exist")


async def test_chat_pages_carry_messages_token_and_interval(
    youtube: YouTubeClient, broadcast: FakeBroadcast, clock: ManualClock
) -> None:
    broadcast.polling_interval_millis = 6500
    answer = broadcast.say(START + timedelta(minutes=9), "Made Sudarma", "HADIR 4821 19900101 201503 1 001")
    first = await youtube.chat_page(broadcast.chat_id)
    assert first.polling_interval_millis == 6500
    assert first.offline_at is None and not first.ended
    (message,) = first.messages
    assert message.id == answer.id
    assert message.kind == "textMessageEvent"
    assert message.text == "HADIR 4821 19900101 201503 1 001"
    assert message.author_display_name == "Made Sudarma"
    assert message.author_channel_id == answer.author_channel_id
    assert message.published_at == START + timedelta(minutes=9)
    later = broadcast.say(clock() + timedelta(seconds=3), "Ni Luh Putu Ayu", "hadir")
    clock.advance(5)
    second = await youtube.chat_page(broadcast.chat_id, first.next_page_token)
    assert [m.id for m in second.messages] == [later.id]
    assert second.next_page_token and second.next_page_token != first.next_page_token


async def test_hostile_text_and_names_are_kept_as_plain_text(
    youtube: YouTubeClient, broadcast: FakeBroadcast
) -> None:
    for n, text in enumerate(HOSTILE):
        broadcast.say(START + timedelta(minutes=1, seconds=n), f"<b>{text}</b>", text)
    page = await youtube.chat_page(broadcast.chat_id)
    assert [m.text for m in page.messages] == HOSTILE
    assert [m.author_display_name for m in page.messages] == [f"<b>{t}</b>" for t in HOSTILE]


async def test_deleted_and_unknown_types_carry_no_text(
    youtube: YouTubeClient, broadcast: FakeBroadcast
) -> None:
    answer = broadcast.say(START + timedelta(minutes=1), "Kadek", "HADIR 4821 199001012015031001")
    broadcast.delete(START + timedelta(minutes=2), answer.id)
    broadcast.say(START + timedelta(minutes=3), "Sponsor", "Rp 50.000", kind="superChatEvent")
    broadcast.say(START + timedelta(minutes=4), "Bot", "poll", kind="someFutureEvent")
    kinds = [
        (m.kind, m.text, m.deleted_message_id) for m in (await youtube.chat_page(broadcast.chat_id)).messages
    ]
    assert kinds == [
        ("textMessageEvent", "HADIR 4821 199001012015031001", None),
        ("messageDeletedEvent", None, answer.id),
        ("superChatEvent", None, None),
        ("someFutureEvent", None, None),
    ]


async def test_duplicate_delivery_comes_back_with_the_same_id(
    youtube: YouTubeClient, broadcast: FakeBroadcast
) -> None:
    answer = broadcast.say(START + timedelta(minutes=1), "Komang", "HADIR 4821 199001012015031001")
    first = await youtube.chat_page(broadcast.chat_id)
    broadcast.deliver_again(answer.id)
    second = await youtube.chat_page(broadcast.chat_id, first.next_page_token)
    assert [m.id for m in first.messages] == [m.id for m in second.messages] == [answer.id]


async def test_ended_chat_reports_offline_at_then_raises_chat_ended(
    youtube: YouTubeClient, broadcast: FakeBroadcast, clock: ManualClock
) -> None:
    broadcast.end_chat(clock())
    last = await youtube.chat_page(broadcast.chat_id)
    assert last.ended
    assert last.offline_at == clock()
    assert last.messages[-1].kind == "chatEndedEvent"
    with pytest.raises(ChatEnded) as caught:
        await youtube.chat_page(broadcast.chat_id, last.next_page_token)
    assert (caught.value.status, caught.value.reason) == (403, "liveChatEnded")


@pytest.mark.parametrize(
    ("endpoint", "reason", "status", "error"),
    [
        (CHAT, "quotaExceeded", None, QuotaExceeded),
        (VIDEOS, "quotaExceeded", None, QuotaExceeded),
        (CHAT, "rateLimitExceeded", None, RateLimited),
        (CHAT, "userRateLimitExceeded", None, RateLimited),
        (VIDEOS, "rateLimitExceeded", 429, RateLimited),
        (CHAT, "backendError", 500, YouTubeServerError),
        (VIDEOS, "backendError", 503, YouTubeServerError),
        (CHAT, "liveChatEnded", None, ChatEnded),
        (CHAT, "liveChatDisabled", None, ChatDisabled),
        (CHAT, "liveChatNotFound", None, ChatNotFound),
        (CHAT, "forbidden", None, Forbidden),
        (VIDEOS, "badRequest", None, BadRequest),
        (VIDEOS, "somethingNew", 409, YouTubeError),
    ],
)
async def test_errors_map_to_typed_exceptions_without_library_retries(
    youtube: YouTubeClient,
    state: FakeYouTubeState,
    broadcast: FakeBroadcast,
    endpoint: str,
    reason: str,
    status: int | None,
    error: type[YouTubeError],
) -> None:
    state.fail_next(endpoint, reason, status=status, retry_after=9)
    with pytest.raises(error) as caught:
        if endpoint == CHAT:
            await youtube.chat_page(broadcast.chat_id)
        else:
            await youtube.video_status("vid1")
    assert type(caught.value) is error
    assert caught.value.reason == reason
    assert caught.value.status == (status or state.call_log[-1].status)
    assert caught.value.retry_after == 9
    assert caught.value.message
    assert state.calls[endpoint] == 1  # the library did not retry on its own


async def test_wrong_key_is_a_bad_request(server: TestServer) -> None:
    with pytest.raises(BadRequest) as caught:
        await YouTubeClient("wrong-key", str(server.make_url("/"))).video_status("vid1")
    assert caught.value.reason == "keyInvalid"


async def test_stale_chat_id_raises_chat_not_found(youtube: YouTubeClient) -> None:
    with pytest.raises(ChatNotFound) as caught:
        await youtube.chat_page("stale-chat-id")
    assert caught.value.status == 404


async def test_unreachable_server_raises_unreachable() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(YouTubeUnreachable) as caught:
        await YouTubeClient(KEY, f"http://127.0.0.1:{port}/", timeout=5).video_status("vid1")
    assert caught.value.retryable and caught.value.status == 0


def test_an_api_key_is_required() -> None:
    with pytest.raises(ValueError, match="API key"):
        YouTubeClient("")
