"""The fake YouTube server speaks the real wire format: URLs, JSON shapes, key, quota, paging, errors."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient

from integrations.youtube.fake import create_fake_youtube
from integrations.youtube.fake_demo import demo_state
from integrations.youtube.fake_state import CHAT, VIDEOS, FakeBroadcast, FakeYouTubeState, ManualClock

KEY = "test-key"
START = datetime(2023, 8, 21, 0, 0, 7, tzinfo=UTC)
VIDEOS_URL = "/youtube/v3/videos"
CHAT_URL = "/youtube/v3/liveChat/messages"


@pytest.fixture
def clock() -> ManualClock:
    """Manual time, ten minutes into the broadcast."""
    return ManualClock(START + timedelta(minutes=10))


@pytest.fixture
def state(clock: ManualClock) -> FakeYouTubeState:
    """One live broadcast with a rising viewer curve and an empty chat."""
    state = FakeYouTubeState(api_key=KEY, clock=clock, quota_limit=100)
    state.add_broadcast(
        "vid1",
        scheduled_start=START - timedelta(seconds=7),
        actual_start=START,
        viewer_curve=[(START, 100), (START + timedelta(minutes=20), 3100)],
    )
    return state


@pytest.fixture
def broadcast(state: FakeYouTubeState) -> FakeBroadcast:
    """The scripted broadcast."""
    return state.broadcasts["vid1"]


@pytest.fixture
async def http(aiohttp_client: Any, state: FakeYouTubeState) -> TestClient:
    """A plain HTTP client to the fake."""
    client: TestClient = await aiohttp_client(create_fake_youtube(state))
    return client


async def get(http: TestClient, path: str, params: list[tuple[str, str]]) -> tuple[int, dict[str, Any]]:
    """GET and decode the JSON answer."""
    async with http.get(path, params=params) as response:
        return response.status, await response.json()


def video_params(*extra: tuple[str, str]) -> list[tuple[str, str]]:
    """The query google-api-python-client sends for videos.list."""
    return [("part", "liveStreamingDetails,snippet"), ("id", "vid1"), ("key", KEY), ("alt", "json"), *extra]


def chat_params(chat_id: str, *extra: tuple[str, str]) -> list[tuple[str, str]]:
    """The query google-api-python-client sends for liveChatMessages.list."""
    return [
        ("liveChatId", chat_id),
        ("part", "snippet,authorDetails"),
        ("maxResults", "2000"),
        ("key", KEY),
        *extra,
    ]


def assert_google_error(body: dict[str, Any], code: int, reason: str) -> None:
    """Google's error body: code, message, errors[0].reason, status."""
    error = body["error"]
    assert error["code"] == code
    assert error["errors"][0]["reason"] == reason
    assert error["message"] and error["status"]


async def test_live_video_has_string_viewers_and_active_chat(
    http: TestClient, broadcast: FakeBroadcast
) -> None:
    status, body = await get(http, VIDEOS_URL, video_params())
    assert status == 200
    assert body["kind"] == "youtube#videoListResponse"
    (item,) = body["items"]
    assert item["snippet"]["liveBroadcastContent"] == "live"
    live = item["liveStreamingDetails"]
    assert live["concurrentViewers"] == "1600"  # halfway up the curve, as a string
    assert live["activeLiveChatId"] == broadcast.chat_id
    assert live["actualStartTime"] == "2023-08-21T00:00:07.000Z"
    assert "actualEndTime" not in live


async def test_viewers_absent_before_start_and_after_end(
    http: TestClient, broadcast: FakeBroadcast, clock: ManualClock
) -> None:
    clock.set(START - timedelta(minutes=5))
    _, body = await get(http, VIDEOS_URL, video_params())
    live = body["items"][0]["liveStreamingDetails"]
    assert body["items"][0]["snippet"]["liveBroadcastContent"] == "upcoming"
    assert "concurrentViewers" not in live and "actualStartTime" not in live
    broadcast.end(START + timedelta(hours=3))
    clock.set(START + timedelta(hours=3, seconds=1))
    _, body = await get(http, VIDEOS_URL, video_params())
    live = body["items"][0]["liveStreamingDetails"]
    assert body["items"][0]["snippet"]["liveBroadcastContent"] == "none"
    assert live["actualEndTime"] == "2023-08-21T03:00:07.000Z"
    assert "concurrentViewers" not in live and "activeLiveChatId" not in live


async def test_unknown_video_is_an_empty_list_not_404(http: TestClient) -> None:
    status, body = await get(http, VIDEOS_URL, [("part", "snippet"), ("id", "nope,vid1"), ("key", KEY)])
    assert status == 200
    assert [item["id"] for item in body["items"]] == ["vid1"]
    assert "liveStreamingDetails" not in body["items"][0]  # only the parts asked for


async def test_part_may_be_repeated(http: TestClient) -> None:
    params = [("part", "snippet"), ("part", "liveStreamingDetails"), ("id", "vid1"), ("key", KEY)]
    _, body = await get(http, VIDEOS_URL, params)
    assert {"snippet", "liveStreamingDetails"} <= body["items"][0].keys()


async def test_unknown_part_is_a_bad_request(http: TestClient) -> None:
    status, body = await get(http, VIDEOS_URL, [("part", "snippet,bogus"), ("id", "vid1"), ("key", KEY)])
    assert status == 400
    assert_google_error(body, 400, "unknownPart")


@pytest.mark.parametrize(
    ("key", "code", "reason"),
    [(None, 403, "forbidden"), ("wrong", 400, "keyInvalid")],
    ids=["missing", "wrong"],
)
async def test_api_key_is_checked(
    http: TestClient, state: FakeYouTubeState, key: str | None, code: int, reason: str
) -> None:
    params = [p for p in video_params() if p[0] != "key"] + ([("key", key)] if key else [])
    status, body = await get(http, VIDEOS_URL, params)
    assert status == code
    assert_google_error(body, code, reason)
    assert state.units_used == 0


async def test_quota_counts_one_and_five_units_then_refuses(
    http: TestClient, state: FakeYouTubeState, broadcast: FakeBroadcast
) -> None:
    await get(http, VIDEOS_URL, video_params())
    await get(http, CHAT_URL, chat_params(broadcast.chat_id))
    assert state.units_used == 6
    state.units_used = 97
    status, body = await get(http, CHAT_URL, chat_params(broadcast.chat_id))
    assert status == 403
    assert_google_error(body, 403, "quotaExceeded")
    assert body["error"]["errors"][0]["domain"] == "youtube.quota"
    status, _ = await get(http, VIDEOS_URL, video_params())
    assert status == 200  # 1 unit still fits
    assert state.calls == {VIDEOS: 2, CHAT: 2}


async def test_first_chat_call_returns_only_recent_then_pages_by_token(
    http: TestClient, broadcast: FakeBroadcast, clock: ManualClock
) -> None:
    broadcast.recent_count = 2
    for n in range(5):
        broadcast.say(START + timedelta(minutes=n), f"Peserta {n}", f"pesan {n}")
    later = broadcast.say(clock() + timedelta(seconds=30), "Made Sudarma", "HADIR 4821 199001012015031001")
    _, first = await get(http, CHAT_URL, chat_params(broadcast.chat_id))
    assert [i["snippet"]["displayMessage"] for i in first["items"]] == ["pesan 3", "pesan 4"]
    assert first["pollingIntervalMillis"] == 5000
    assert "offlineAt" not in first
    token = first["nextPageToken"]
    assert broadcast.chat_id not in token  # opaque
    _, empty = await get(http, CHAT_URL, chat_params(broadcast.chat_id, ("pageToken", token)))
    assert empty["items"] == []
    clock.advance(30)
    _, second = await get(
        http, CHAT_URL, chat_params(broadcast.chat_id, ("pageToken", empty["nextPageToken"]))
    )
    (item,) = second["items"]
    assert item["id"] == later.id
    assert item["snippet"]["textMessageDetails"]["messageText"] == "HADIR 4821 199001012015031001"
    assert item["authorDetails"]["displayName"] == "Made Sudarma"
    assert item["authorDetails"]["channelId"] == item["snippet"]["authorChannelId"]


async def test_invalid_page_token_and_max_results_are_bad_requests(
    http: TestClient, broadcast: FakeBroadcast
) -> None:
    status, body = await get(http, CHAT_URL, chat_params(broadcast.chat_id, ("pageToken", "!!garbage")))
    assert status == 400
    assert_google_error(body, 400, "badRequest")
    params = [p for p in chat_params(broadcast.chat_id) if p[0] != "maxResults"] + [("maxResults", "5000")]
    status, _ = await get(http, CHAT_URL, params)
    assert status == 400


async def test_unknown_and_disabled_chats(http: TestClient, broadcast: FakeBroadcast) -> None:
    status, body = await get(http, CHAT_URL, chat_params("stale-chat-id"))
    assert status == 404
    assert_google_error(body, 404, "liveChatNotFound")
    broadcast.chat_disabled = True
    status, body = await get(http, CHAT_URL, chat_params(broadcast.chat_id))
    assert_google_error(body, 403, "liveChatDisabled")


async def test_chat_end_sets_offline_at_then_answers_live_chat_ended(
    http: TestClient, broadcast: FakeBroadcast, clock: ManualClock
) -> None:
    broadcast.end_chat(clock() + timedelta(seconds=5))
    _, before = await get(http, CHAT_URL, chat_params(broadcast.chat_id))
    assert "offlineAt" not in before
    clock.advance(5)
    _, last = await get(
        http, CHAT_URL, chat_params(broadcast.chat_id, ("pageToken", before["nextPageToken"]))
    )
    assert last["offlineAt"] == "2023-08-21T00:10:12.000Z"
    assert [i["snippet"]["type"] for i in last["items"]] == ["chatEndedEvent"]
    status, body = await get(
        http, CHAT_URL, chat_params(broadcast.chat_id, ("pageToken", last["nextPageToken"]))
    )
    assert status == 403
    assert_google_error(body, 403, "liveChatEnded")


async def test_scripted_failures_carry_status_reason_and_retry_after(
    http: TestClient, state: FakeYouTubeState
) -> None:
    state.fail_next(VIDEOS, "rateLimitExceeded", retry_after=7)
    state.fail_next(VIDEOS, "backendError", status=503)
    async with http.get(VIDEOS_URL, params=video_params()) as response:
        assert response.status == 403
        assert response.headers["Retry-After"] == "7"
        assert_google_error(await response.json(), 403, "rateLimitExceeded")
    status, body = await get(http, VIDEOS_URL, video_params())
    assert status == 503
    assert body["error"]["status"] == "UNAVAILABLE"
    status, _ = await get(http, VIDEOS_URL, video_params())
    assert status == 200
    assert [call.status for call in state.call_log] == [403, 503, 200]


async def test_control_route_posts_a_chat_message(http: TestClient, broadcast: FakeBroadcast) -> None:
    async with http.post(
        "/_fake/youtube/vid1/chat", json={"author": "Ni Luh", "text": "HADIR 1234"}
    ) as response:
        assert response.status == 201
        posted = (await response.json())["id"]
    async with http.post("/_fake/youtube/vid1/chat", json={"text": "no author"}) as response:
        assert response.status == 400
    _, page = await get(http, CHAT_URL, chat_params(broadcast.chat_id))
    assert [i["id"] for i in page["items"]] == [posted]


async def test_demo_state_is_a_live_broadcast_with_chat(aiohttp_client: Any) -> None:
    state = demo_state("demo-key")
    http: TestClient = await aiohttp_client(create_fake_youtube(state))
    params = [("part", "liveStreamingDetails,snippet"), ("id", "eventopsDemoK1"), ("key", "demo-key")]
    _, body = await get(http, VIDEOS_URL, params)
    live = body["items"][0]["liveStreamingDetails"]
    assert int(live["concurrentViewers"]) > 0
    texts = [m.text or "" for m in state.broadcasts["eventopsDemoK1"].messages]
    assert any(t.startswith("HADIR 4821 ") and len(t.split()[-1]) == 18 for t in texts)


@pytest.fixture
def standalone_fake() -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`python -m integrations.youtube.fake` on a free port, read until aiohttp says it listens."""
    process = subprocess.Popen(
        [sys.executable, "-u", "-m", "integrations.youtube.fake", "--port", "0", "--key", "k"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if "Running on" in line:
                yield process, line.split("Running on ")[1].split()[0]
                break
        else:
            pytest.fail("the fake exited before listening")
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


async def test_runs_standalone(standalone_fake: tuple[subprocess.Popen[str], str]) -> None:
    _, base = standalone_fake
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            f"{base}{VIDEOS_URL}", params={"part": "snippet", "id": "eventopsDemoK1", "key": "k"}
        ) as r,
    ):
        body = await r.json()
    assert body["items"][0]["snippet"]["liveBroadcastContent"] == "live"
