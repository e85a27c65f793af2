"""YouTube polling in the service, through the real client against the fake YouTube server over HTTP.

The fake and the pollers share a manual clock: a poller's sleep moves time on at once, so hours of a
broadcast pass in a second, and intervals are asserted on the clock and on the fake's call log.
"""

from __future__ import annotations

import argparse
import asyncio
import re
from dataclasses import replace
from datetime import timedelta
from itertools import pairwise
from typing import Any

import asyncpg
import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import select

from eventops.app import create_app
from eventops.cli.serve import cmd_serve
from eventops.errors import BadRequest
from eventops.keys import STREAM, STREAM_OPTIONS
from eventops.settings import Settings
from eventops.storage.db import create_engine, make_sessionmaker
from eventops.storage.models import (
    Batch,
    ChatMessage,
    CheckpointSubmission,
    Participant,
    StreamState,
    ViewerSample,
)
from eventops.stream.job import LOCK_SPACE, leader_lock, plan_budget, polling_window
from eventops.stream.store import save_state
from eventops.stream.supervisor import StreamOptions
from integrations.youtube.fake import create_fake_youtube
from integrations.youtube.fake_state import CHAT, VIDEOS, FakeBroadcast, FakeYouTubeState, ManualClock
from integrations.youtube.quota import CHAT_LIST_COST, VIDEOS_LIST_COST, calls_in
from tests.helpers import (
    BUDI,
    EVENT,
    LESTARI,
    SUDARMA,
    batch_body,
    bearer,
    open_checkpoint,
    seed_door,
    stored,
    wita,
)

KEY = "test-youtube-key"
VIDEO = "abcDEF12345"  # batch_body's youtube_video_id
START = wita(21, 8)  # K1: 08.00-12.00 WITA on 21 August 2023
BATCH = f"/api/v1/events/{EVENT['slug']}/batches/K1"


class Parked:
    """A sleep that waits until the test releases it, so a job stays put between polling rounds."""

    def __init__(self) -> None:
        self.calls: list[float] = []
        self.waiting = 0
        self._go = asyncio.Event()
        self._changed = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        """Record the wait and park until released."""
        self.calls.append(seconds)
        go = self._go
        self.waiting += 1
        self._changed.set()
        try:
            await go.wait()
        finally:
            self.waiting -= 1

    async def until_waiting(self, count: int) -> None:
        """Return once `count` sleeps are parked."""
        while self.waiting < count:
            self._changed.clear()
            await self._changed.wait()

    def release(self) -> None:
        """Let every parked sleep return."""
        go, self._go = self._go, asyncio.Event()
        go.set()


@pytest.fixture
def clock() -> ManualClock:
    """Manual time at the start of K1, shared by the fake and the pollers."""
    return ManualClock(START)


@pytest.fixture
def youtube(clock: ManualClock) -> FakeYouTubeState:
    """K1's broadcast, live from the start: viewers rise to 3,100 in half an hour, then fall."""
    state = FakeYouTubeState(api_key=KEY, clock=clock)
    curve = [(START, 100), (START + timedelta(minutes=30), 3100), (START + timedelta(hours=4), 500)]
    state.add_broadcast(VIDEO, scheduled_start=START, actual_start=START, viewer_curve=curve)
    return state


@pytest.fixture
def broadcast(youtube: FakeYouTubeState) -> FakeBroadcast:
    """The broadcast, to script chat and its end."""
    return youtube.broadcasts[VIDEO]


@pytest.fixture
def options(clock: ManualClock) -> StreamOptions:
    """Polling on the manual clock, without the background supervisor (tests tick it by hand)."""
    return StreamOptions(clock=clock, sleep=clock.sleep, supervise=False)


@pytest.fixture
async def yt(
    aiohttp_client: Any,
    aiohttp_server: Any,
    settings: Settings,
    youtube: FakeYouTubeState,
    options: StreamOptions,
) -> TestClient:
    """The real app, configured for the fake YouTube on a real port."""
    fake = await aiohttp_server(create_fake_youtube(youtube))
    app = create_app(replace(settings, youtube_api_key=KEY, youtube_api_base=str(fake.make_url("/"))))
    app[STREAM_OPTIONS] = options
    client: TestClient = await aiohttp_client(app)
    return client


@pytest.fixture
async def k1(yt: TestClient, tokens: dict[str, str], db_url: str) -> int:
    """The Bali event with its roster (Sudarma and Budi in K1, Lestari in K2); K1's id."""
    await seed_door(yt, tokens["organiser"])
    return next(b.id for b in await stored(db_url, Batch) if b.code == "K1")


async def start(yt: TestClient, token: str) -> dict[str, Any]:
    """Start polling K1 by hand; the state answered."""
    resp = await yt.post(BATCH + "/youtube/start", headers=bearer(token))
    assert resp.status == 200, await resp.text()
    body: dict[str, Any] = await resp.json()
    return body


async def poll(yt: TestClient, token: str) -> dict[str, Any]:
    """One polling round by hand; the round's answer."""
    resp = await yt.post(BATCH + "/youtube/poll", headers=bearer(token))
    assert resp.status == 200, await resp.text()
    body: dict[str, Any] = await resp.json()
    return body


async def state_of(yt: TestClient, token: str) -> dict[str, Any]:
    """K1's polling state as the API shows it."""
    resp = await yt.get(BATCH + "/youtube", headers=bearer(token))
    assert resp.status == 200
    body: dict[str, Any] = await resp.json()
    return body


async def state_row(db_url: str, batch_id: int) -> StreamState:
    """The stored poller state of a batch, read straight from the database."""
    engine = create_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            found = (await session.exec(select(StreamState).where(StreamState.batch_id == batch_id))).one()
    finally:
        await engine.dispose()
    return found


def gaps(times: list[Any]) -> list[float]:
    """Seconds between consecutive times."""
    return [(b - a).total_seconds() for a, b in pairwise(times)]


async def test_polling_samples_viewers_and_follows_the_chat_until_it_ends(
    yt: TestClient,
    k1: int,
    tokens: dict[str, str],
    db_url: str,
    clock: ManualClock,
    youtube: FakeYouTubeState,
    broadcast: FakeBroadcast,
) -> None:
    said = [
        broadcast.say(START + timedelta(seconds=s), f"Peserta {s}", f"halo {s}") for s in range(5, 290, 7)
    ]
    broadcast.end_chat(START + timedelta(minutes=5))
    broadcast.end(START + timedelta(minutes=10))
    answer = await start(yt, tokens["moderator"])
    assert answer["running"] is True and answer["stop_reason"] is None
    await yt.app[STREAM].join(k1)

    state = await state_of(yt, tokens["moderator"])
    assert (state["running"], state["stop_reason"]) == (False, "chat_ended")
    assert state["detail"].startswith("chat:")
    samples = await stored(db_url, ViewerSample)
    assert samples[0].viewers == 100 and samples[0].sampled_at == START
    assert all(s.viewers is not None for s in samples[:-1]) and samples[-1].viewers is None  # ended
    assert max(s.viewers or 0 for s in samples) > 100
    assert min(gaps([s.sampled_at for s in samples])) >= 60
    messages = await stored(db_url, ChatMessage)
    texts = [m for m in messages if m.kind == "textMessageEvent"]
    assert [m.message_id for m in texts] == [m.id for m in said]
    assert [m.kind for m in messages if m.kind != "textMessageEvent"] == ["chatEndedEvent"]
    # the chat waits at least the server's interval (5 s) and the budget's; no busy loop
    assert clock.sleeps and min(clock.sleeps) >= 5
    chat_calls = youtube.call_times(CHAT)
    assert min(gaps(chat_calls)) >= 5 and len(chat_calls) <= 5 * 60 / 5 + 2
    assert state["quota"]["spent"] == youtube.units_used == youtube.calls[VIDEOS] + 5 * youtube.calls[CHAT]


async def test_quota_exhaustion_stops_polling_and_the_page_says_why(
    yt: TestClient,
    k1: int,
    tokens: dict[str, str],
    db_url: str,
    youtube: FakeYouTubeState,
    broadcast: FakeBroadcast,
) -> None:
    broadcast.say(START + timedelta(seconds=3), "Made", "selamat pagi")
    youtube.quota_limit = 2 + 3 * 5  # a video call per poller, then three chat pages
    await start(yt, tokens["moderator"])
    await yt.app[STREAM].join(k1)

    state = await state_of(yt, tokens["moderator"])
    assert (state["running"], state["stop_reason"]) == (False, "quota_exceeded")
    assert "quotaExceeded" in state["detail"]
    assert [c.status for c in youtube.call_log].count(403) == 1  # never retried
    row = await state_row(db_url, k1)
    assert row.page_token is not None  # kept for the next run
    page = await yt.get("/stream/bali-2023/K1", headers=bearer(tokens["moderator"]))
    assert page.status == 200
    html = await page.text()
    assert 'data-stop-reason="quota_exceeded"' in html and "Kuota harian YouTube habis" in html
    assert 'data-running="no"' in html and 'data-action="start"' in html


async def test_a_chat_answer_counts_once_per_checkpoint(
    yt: TestClient, k1: int, tokens: dict[str, str], db_url: str, broadcast: FakeBroadcast
) -> None:
    moderator = tokens["moderator"]
    at = lambda seconds: START + timedelta(seconds=seconds)  # noqa: E731
    assert (await open_checkpoint(yt, moderator, "4821", at(60), at(180))).status == 201
    assert (await open_checkpoint(yt, moderator, "ab12", at(240), at(360))).status == 201
    first = broadcast.say(at(90), "Made Sudarma", "HADIR 4821 1985 0312 2010 01 1 003")
    again = broadcast.say(at(120), "Made Sudarma", "4821 198503122010011003 sekali lagi")
    other_batch = broadcast.say(at(100), "Luh Ayu", f"4821 {LESTARI}")
    unknown = broadcast.say(at(130), "Tamu", "4821 199912312020121002")
    late = broadcast.say(at(200), "Budi", f"4821 {BUDI}")  # after 4821 closed
    budi = broadcast.say(at(250), "Budi", f"ab12 {BUDI}")
    made = broadcast.say(at(270), "Made Sudarma", f"hadir AB12 {SUDARMA}")
    broadcast.end(at(480))
    await start(yt, moderator)
    await yt.app[STREAM].join(k1)

    people = {p.id: p.nip for p in await stored(db_url, Participant)}
    listed = await (await yt.get(BATCH + "/checkpoints", headers=bearer(moderator))).json()
    assert {c["code"]: c["submissions"] for c in listed["checkpoints"]} == {"4821": 1, "AB12": 2}
    rows = await stored(db_url, CheckpointSubmission)
    assert sorted((people[r.participant_id], r.source_ref) for r in rows) == sorted(
        [(SUDARMA, first.id), (BUDI, budi.id), (SUDARMA, made.id)]
    )
    assert {r.channel for r in rows} == {"youtube"}
    assert min(r.submitted_at for r in rows) == at(90)  # the time it was typed, not when it was read
    owners = {m.message_id: people.get(m.participant_id) for m in await stored(db_url, ChatMessage)}
    assert owners[first.id] == owners[again.id] == owners[made.id] == SUDARMA
    assert owners[late.id] == owners[budi.id] == BUDI
    assert owners[other_batch.id] is None and owners[unknown.id] is None
    assert (await state_of(yt, moderator))["submissions"] == 3


async def test_one_round_by_hand_answers_the_contract_and_stores_messages_once(
    yt: TestClient, k1: int, tokens: dict[str, str], db_url: str, clock: ManualClock, broadcast: FakeBroadcast
) -> None:
    moderator = tokens["moderator"]
    hello = broadcast.say(START + timedelta(seconds=10), "Made", "selamat pagi")
    broadcast.say(START + timedelta(seconds=20), "Budi", "halo")
    clock.advance(30)
    first = await poll(yt, moderator)
    assert {k: first[k] for k in ("viewers", "new_messages", "submissions", "stopped")} == {
        "viewers": 150,  # a third of the way up from 100 to 3,100 in 30 minutes
        "new_messages": 2,
        "submissions": 0,
        "stopped": None,
    }
    broadcast.deliver_again(hello.id)  # a resumed page hands it back
    clock.advance(10)
    second = await poll(yt, moderator)
    assert (second["new_messages"], second["stopped"]) == (0, None)
    assert len(await stored(db_url, ChatMessage)) == 2
    broadcast.end(clock() + timedelta(seconds=1))
    clock.advance(5)
    last = await poll(yt, moderator)
    assert last["stopped"] == "chat_ended" and last["new_messages"] == 1  # the chatEndedEvent
    state = await state_of(yt, moderator)
    assert state["stop_reason"] == "chat_ended" and state["quota"]["spent"] == 3 * (1 + 5)


async def test_polling_resumes_from_the_stored_page_token(
    yt: TestClient,
    k1: int,
    tokens: dict[str, str],
    db_url: str,
    clock: ManualClock,
    youtube: FakeYouTubeState,
    broadcast: FakeBroadcast,
) -> None:
    moderator = tokens["moderator"]
    broadcast.say(START + timedelta(seconds=10), "Made", "satu")
    clock.advance(30)
    await poll(yt, moderator)
    row = await state_row(db_url, k1)
    assert row.page_token and row.live_chat_id == broadcast.chat_id
    later = broadcast.say(START + timedelta(seconds=40), "Budi", "dua")
    broadcast.end(START + timedelta(minutes=2))
    logged = len(youtube.call_log)
    await start(yt, moderator)
    await yt.app[STREAM].join(k1)
    resumed = [c for c in youtube.call_log[logged:] if c.endpoint == CHAT]
    assert resumed[0].params["pageToken"] == [row.page_token]
    texts = [m.message_id for m in await stored(db_url, ChatMessage) if m.kind == "textMessageEvent"]
    assert len(texts) == 2 and texts[-1] == later.id


async def test_a_moderator_stops_and_restarts_polling(
    yt: TestClient, k1: int, tokens: dict[str, str], options: StreamOptions
) -> None:
    parked = Parked()
    yt.app[STREAM].options = replace(options, sleep=parked.sleep)
    moderator = tokens["moderator"]
    await start(yt, moderator)
    await parked.until_waiting(2)  # both pollers made their first calls
    resp = await yt.post(BATCH + "/youtube/stop", headers=bearer(moderator))
    assert resp.status == 200
    body = await resp.json()
    assert (body["running"], body["stop_reason"]) == (False, "stopped_by_moderator")
    assert not yt.app[STREAM].is_running(k1)
    assert body["viewers"] == 100
    again = await start(yt, moderator)
    assert (again["running"], again["stop_reason"]) == (True, None)
    await parked.until_waiting(2)
    stopped = await yt.post(BATCH + "/youtube/stop", headers=bearer(moderator))
    assert (await stopped.json())["running"] is False


async def test_a_stop_stored_by_another_process_stops_the_job(
    yt: TestClient, k1: int, tokens: dict[str, str], db_url: str, options: StreamOptions, clock: ManualClock
) -> None:
    parked = Parked()
    yt.app[STREAM].options = replace(options, sleep=parked.sleep)
    await start(yt, tokens["moderator"])
    await parked.until_waiting(2)
    engine = create_engine(db_url)  # the other process
    try:
        async with make_sessionmaker(engine)() as session:
            await save_state(session, k1, clock(), running=False, stop_reason="stopped_by_moderator")
            await session.commit()
    finally:
        await engine.dispose()
    parked.release()  # the next finding stored reads the reason
    await yt.app[STREAM].join(k1)
    state = await state_of(yt, tokens["moderator"])
    assert (state["running"], state["stop_reason"]) == (False, "stopped_by_moderator")


async def test_the_supervisor_polls_inside_the_window_only(
    yt: TestClient, k1: int, tokens: dict[str, str], clock: ManualClock, options: StreamOptions
) -> None:
    parked = Parked()
    supervisor = yt.app[STREAM]
    supervisor.options = replace(options, sleep=parked.sleep)
    clock.set(START - timedelta(minutes=20))
    await supervisor.tick()
    assert not supervisor.is_running(k1)
    clock.set(START - timedelta(minutes=10))
    await supervisor.tick()
    assert supervisor.is_running(k1)
    await parked.until_waiting(2)
    clock.set(wita(21, 12) + timedelta(minutes=16))
    await supervisor.tick()
    assert not supervisor.is_running(k1)
    state = await state_of(yt, tokens["moderator"])
    assert (state["running"], state["stop_reason"]) == (False, "window_closed")
    clock.set(START + timedelta(hours=1))
    await supervisor.tick()  # a batch that stopped for a reason is not restarted by itself
    assert not supervisor.is_running(k1)


async def test_chat_text_and_names_are_stored_as_typed_and_shown_escaped_with_nips_masked(
    yt: TestClient, k1: int, tokens: dict[str, str], db_url: str, clock: ManualClock, broadcast: FakeBroadcast
) -> None:
    name, text = '<img src=x onerror="alert(1)">', f'<script>alert("x")</script> HADIR 4821 {SUDARMA}'
    message = broadcast.say(START + timedelta(seconds=5), name, text)
    broadcast.delete(START + timedelta(seconds=8), message.id)
    clock.advance(10)
    assert (await poll(yt, tokens["moderator"]))["new_messages"] == 2
    stored_messages = {m.message_id: m for m in await stored(db_url, ChatMessage)}
    assert (stored_messages[message.id].author_name, stored_messages[message.id].text) == (name, text)
    assert stored_messages[message.id].deleted_at == START + timedelta(seconds=8)
    page = await yt.get("/stream/bali-2023/K1", headers=bearer(tokens["moderator"]))
    html = await page.text()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html and "&lt;img src=x" in html
    assert SUDARMA not in html and "198503**********03" in html
    assert f'data-viewers="{broadcast.viewers_at(clock())}"' in html
    assert re.search(r"chat tiap \d+,\d dtk", html)  # 7,8
    english = await yt.get(
        "/stream/bali-2023/K1", headers={**bearer(tokens["moderator"]), "Cookie": "lang=en"}
    )
    assert re.search(r"chat every \d+\.\d s", await english.text())  # 7.8


async def test_nul_and_lone_surrogates_from_the_chat_are_stored_cleaned(
    yt: TestClient, k1: int, tokens: dict[str, str], db_url: str, clock: ManualClock, broadcast: FakeBroadcast
) -> None:
    message = broadcast.say(START + timedelta(seconds=5), "Ma\x00de\ud800", "ha\x00lo \udfff")
    clock.advance(10)
    assert (await poll(yt, tokens["moderator"]))["new_messages"] == 1
    [row] = [m for m in await stored(db_url, ChatMessage) if m.message_id == message.id]
    assert (row.author_name, row.text) == ("Made\ufffd", "halo \ufffd")


async def test_a_deleted_answer_keeps_its_credit(
    yt: TestClient, k1: int, tokens: dict[str, str], db_url: str, clock: ManualClock, broadcast: FakeBroadcast
) -> None:
    assert (
        await open_checkpoint(yt, tokens["moderator"], "4821", START, START + timedelta(minutes=5))
    ).status == 201
    answer = broadcast.say(START + timedelta(seconds=5), "Made", f"4821 {SUDARMA}")
    clock.advance(10)
    assert (await poll(yt, tokens["moderator"]))["submissions"] == 1
    broadcast.delete(START + timedelta(seconds=12), answer.id)
    clock.advance(10)
    assert (await poll(yt, tokens["moderator"]))["new_messages"] == 1
    assert len(await stored(db_url, CheckpointSubmission)) == 1


async def test_a_three_hour_batch_stays_inside_its_quota_end_to_end(
    yt: TestClient,
    tokens: dict[str, str],
    db_url: str,
    clock: ManualClock,
    youtube: FakeYouTubeState,
    broadcast: FakeBroadcast,
    options: StreamOptions,
) -> None:
    organiser = tokens["organiser"]
    assert (await yt.post("/api/v1/events", json=EVENT, headers=bearer(organiser))).status == 201
    body = batch_body("K1", 21, ends_at="2023-08-21T11:00:00+08:00")
    assert (
        await yt.post(f"/api/v1/events/{EVENT['slug']}/batches", json=body, headers=bearer(organiser))
    ).status == 201
    [batch] = await stored(db_url, Batch)
    youtube.quota_limit = 2000
    yt.app[STREAM].options = replace(options, daily_quota=2000)
    broadcast.end(START + timedelta(hours=3))
    clock.set(START - timedelta(minutes=15))
    await start(yt, tokens["moderator"])
    await yt.app[STREAM].join(batch.id)
    state = await state_of(yt, tokens["moderator"])
    assert state["stop_reason"] in ("chat_ended", "broadcast_ended")
    assert all(c.status == 200 for c in youtube.call_log[:-1])
    assert state["quota"]["spent"] == youtube.units_used <= 2000
    assert youtube.calls[CHAT] > 100  # it polled the whole three hours


async def test_youtube_not_configured_is_409(client: TestClient, tokens: dict[str, str]) -> None:
    await seed_door(client, tokens["organiser"])
    for action in ("start", "poll"):
        resp = await client.post(BATCH + f"/youtube/{action}", headers=bearer(tokens["moderator"]))
        assert resp.status == 409 and (await resp.json())["error"] == "youtube_not_configured", action
    resp = await client.get(BATCH + "/youtube", headers=bearer(tokens["moderator"]))
    assert resp.status == 200 and (await resp.json())["configured"] is False


async def test_a_batch_without_a_video_is_409(yt: TestClient, tokens: dict[str, str]) -> None:
    organiser = tokens["organiser"]
    assert (await yt.post("/api/v1/events", json=EVENT, headers=bearer(organiser))).status == 201
    body = batch_body("K1", youtube_video_id=None)
    assert (
        await yt.post(f"/api/v1/events/{EVENT['slug']}/batches", json=body, headers=bearer(organiser))
    ).status == 201
    resp = await yt.post(BATCH + "/youtube/start", headers=bearer(tokens["moderator"]))
    assert resp.status == 409 and (await resp.json())["error"] == "no_youtube_video"


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_one_process_polls_a_batch_and_another_takes_over_when_it_dies(db_url: str) -> None:
    one, two = create_engine(db_url), create_engine(db_url)
    other = await asyncpg.connect(make_url(db_url).set(drivername="postgresql").render_as_string(False))
    try:
        async with (
            leader_lock(one, 7) as first,
            leader_lock(two, 7) as second,
            leader_lock(two, 8) as other_batch,
        ):
            held = (first, second, other_batch)
        async with leader_lock(two, 7) as after_release:
            pass
        # another process takes batch 7's lock and dies holding it: the server frees it, and we lead
        assert await other.fetchval("SELECT pg_try_advisory_lock($1, 7)", LOCK_SPACE)
        async with leader_lock(one, 7) as while_it_lives:
            pass
        async with one.connect() as conn:  # waits (up to 10 s) until the backend has exited
            killed = await conn.scalar(
                text("SELECT pg_terminate_backend(:pid, 10000)"), {"pid": other.get_server_pid()}
            )
        async with leader_lock(one, 7) as after_its_death:
            pass
    finally:
        other.terminate()
        await one.dispose()
        await two.dispose()
    assert held == (True, False, True) and after_release
    assert (while_it_lives, killed, after_its_death) == (False, True, True)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_on_sqlite_one_process_serves_and_polls_every_batch(db_url: str, settings: Settings) -> None:
    # SQLite has no election: `serve` refuses a second process, so the one process leads every batch.
    # Port -1: were the refusal gone, the workers would fail to bind at once instead of serving on.
    args = argparse.Namespace(host="127.0.0.1", port=-1, workers=2)
    with pytest.raises(BadRequest) as refused:
        cmd_serve(args, settings)
    assert refused.value.code == "workers_need_postgresql"
    engine = create_engine(db_url)
    try:
        async with (
            leader_lock(engine, 7) as first,
            leader_lock(engine, 7) as again,
            leader_lock(engine, 8) as other,
        ):
            held = (first, again, other)
    finally:
        await engine.dispose()
    assert held == (True, True, True)


def test_the_planned_calls_of_a_three_hour_batch_fit_the_default_quota() -> None:
    batch = Batch(event_id=1, code="K1", name="K1", starts_at=START, ends_at=START + timedelta(hours=3))
    budget = plan_budget(batch, StreamOptions())
    opens, closes = polling_window(batch)
    seconds = (closes - opens).total_seconds()
    assert seconds == 3.5 * 3600  # polled from 15 minutes before to 15 minutes after
    chat = calls_in(seconds, budget.chat_interval_s(5000)) * CHAT_LIST_COST
    viewers = calls_in(seconds, budget.viewer_interval_s) * VIDEOS_LIST_COST
    assert chat + viewers + budget.plan.reserve_units <= budget.limit == 10_000
    assert 5 <= budget.chat_interval_s(5000) < 7 and budget.viewer_interval_s == 60


async def test_streams_on_the_same_quota_day_share_it(yt: TestClient, tokens: dict[str, str]) -> None:
    organiser, moderator = tokens["organiser"], tokens["moderator"]
    assert (await yt.post("/api/v1/events", json=EVENT, headers=bearer(organiser))).status == 201
    afternoon = {"starts_at": "2023-08-21T13:00:00+08:00", "ends_at": "2023-08-21T16:00:00+08:00"}
    for body in (batch_body("K1", 21), batch_body("K1B", 21, **afternoon), batch_body("K2", 22)):
        resp = await yt.post(f"/api/v1/events/{EVENT['slug']}/batches", json=body, headers=bearer(organiser))
        assert resp.status == 201
    limits = {}
    for code in ("K1", "K1B", "K2"):
        resp = await yt.get(
            f"/api/v1/events/{EVENT['slug']}/batches/{code}/youtube", headers=bearer(moderator)
        )
        limits[code] = (await resp.json())["quota"]["limit"]
    # 08.00 and 13.00 WITA fall on one Pacific day (the quota's), the next morning on the next one
    assert limits == {"K1": 5000, "K1B": 5000, "K2": 10_000}
