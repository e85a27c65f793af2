"""The fake Zoom speaks Zoom's wire format: OAuth, pagination, errors, data generator and webhook sender."""

from __future__ import annotations

import asyncio
import json
import math
import os
import socket
import subprocess
import sys
import urllib.request
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from pytest_aiohttp import AiohttpClient, AiohttpServer

from integrations.zoom import ZoomWebhookEvent, parse_event, verify_signature
from integrations.zoom.fake import (
    STATE,
    EventMeeting,
    EventPerson,
    FakeZoomState,
    create_fake_zoom,
    deliver,
    delivery_plan,
    encode_event,
    ended_event,
    events_for_instance,
    joined_event,
    left_event,
    make_meeting,
    parse_arguments,
    started_event,
    url_validation_event,
)
from integrations.zoom.fake import build_app as build_standalone_app
from integrations.zoom.models import parse_zoom_time
from integrations.zoom.transport import basic_auth_header

SECRET = "fake_webhook_secret_token"
START = datetime(2023, 8, 21, 1, 0, tzinfo=UTC)


@dataclass
class Fake:
    """A raw HTTP client on the fake, its state and a valid bearer header."""

    http: TestClient[web.Request, web.Application]
    state: FakeZoomState
    bearer: dict[str, str] = field(default_factory=dict)

    async def get(self, path: str, **query: str) -> tuple[int, Any, Any]:
        """GET with the bearer token; returns status, JSON body and headers."""
        async with self.http.get(path, params=query, headers=self.bearer) as response:
            return response.status, await response.json(), response.headers


@pytest.fixture
async def fake(aiohttp_client: AiohttpClient) -> Fake:
    """The fake Zoom behind a raw test client, with a token already issued."""
    state = FakeZoomState()
    http = await aiohttp_client(create_fake_zoom(state))
    return Fake(http, state, {"Authorization": f"Bearer {state.issue_token()}"})


def basic(state: FakeZoomState) -> dict[str, str]:
    """The Basic header for the state's credentials."""
    return {"Authorization": basic_auth_header(state.client_id, state.client_secret)}


# --- OAuth -------------------------------------------------------------------------------------------------


async def test_token_accepts_query_parameters_or_a_form_body(fake: Fake) -> None:
    query = {"grant_type": "account_credentials", "account_id": fake.state.account_id}
    async with fake.http.post("/oauth/token", params=query, headers=basic(fake.state)) as response:
        by_query = await response.json()
    async with fake.http.post("/oauth/token", data=query, headers=basic(fake.state)) as response:
        by_form = await response.json()
    for body in (by_query, by_form):
        assert set(body) == {"access_token", "token_type", "expires_in", "scope", "api_url"}
        assert (body["token_type"], body["expires_in"]) == ("bearer", 3600)
        assert body["access_token"] in fake.state.tokens
    assert by_query["access_token"] != by_form["access_token"]


async def test_token_errors_use_the_oauth_shape(fake: Fake) -> None:
    good = {"grant_type": "account_credentials", "account_id": fake.state.account_id}
    cases = [
        ({"Authorization": basic_auth_header("fake_client_id", "nope")}, good, "invalid_client"),
        ({}, good, "invalid_client"),
        ({"Authorization": "Basic !!!"}, good, "invalid_client"),
        (basic(fake.state), {**good, "grant_type": "client_credentials"}, "unsupported_grant_type"),
        (basic(fake.state), {**good, "account_id": "other"}, "invalid_request"),
    ]
    for headers, params, error in cases:
        async with fake.http.post("/oauth/token", params=params, headers=headers) as response:
            assert response.status == 400
            assert (await response.json())["error"] == error


async def test_fact_sheet_basic_vector_is_accepted(aiohttp_client: AiohttpClient) -> None:
    state = FakeZoomState(client_id="my_client_id", client_secret="my_client_secret")
    http = await aiohttp_client(create_fake_zoom(state))
    headers = {"Authorization": "Basic bXlfY2xpZW50X2lkOm15X2NsaWVudF9zZWNyZXQ="}
    params = {"grant_type": "account_credentials", "account_id": state.account_id}
    async with http.post("/oauth/token", params=params, headers=headers) as response:
        assert response.status == 200


async def test_missing_and_expired_tokens_get_401_code_124(fake: Fake) -> None:
    meeting = fake.state.add_meeting(make_meeting(5, 0, 1, START))
    path = f"/v2/report/meetings/{meeting.id}/participants"
    async with fake.http.get(path) as response:
        assert (response.status, await response.json()) == (
            401,
            {"code": 124, "message": "Invalid access token."},
        )
    now = [1_700_000_000.0]
    fake.state.clock = lambda: now[0]
    fake.bearer = {"Authorization": f"Bearer {fake.state.issue_token()}"}
    assert (await fake.get(path))[0] == 200
    now[0] += 3600
    status, body, _ = await fake.get(path)
    assert (status, body) == (401, {"code": 124, "message": "Access token is expired."})


# --- reports and pagination --------------------------------------------------------------------------------


async def test_report_pages_have_zoom_fields_default_size_and_a_clamp(fake: Fake) -> None:
    meeting = fake.state.add_meeting(make_meeting(400, 0.0, 2, START, waiting_room_rate=0.0))
    rows = meeting.instances[0].rows
    path = f"/v2/report/meetings/{meeting.id}/participants"

    status, body, headers = await fake.get(path)
    assert status == 200 and headers["x-zm-trackingid"].startswith("v=2.0;")
    assert (body["page_size"], body["total_records"], len(body["participants"])) == (30, len(rows), 30)
    assert body["page_count"] == math.ceil(len(rows) / 30) and len(body["next_page_token"]) == 35
    assert "registrant_id" not in body["participants"][0]

    _, body, _ = await fake.get(path, page_size="1000", include_fields="registrant_id")
    assert (body["page_size"], len(body["participants"])) == (300, 300)
    assert "registrant_id" in body["participants"][0]

    token = body["next_page_token"]
    _, last, _ = await fake.get(path, page_size="300", include_fields="registrant_id", next_page_token=token)
    assert last["next_page_token"] == "" and len(last["participants"]) == len(rows) - 300


async def test_bad_page_size_is_a_validation_error(fake: Fake) -> None:
    meeting = fake.state.add_meeting(make_meeting(5, 0, 1, START))
    status, body, _ = await fake.get(f"/v2/report/meetings/{meeting.id}/participants", page_size="many")
    assert (status, body["code"], body["errors"][0]["field"]) == (400, 300, "page_size")


async def test_page_tokens_expire_after_15_minutes_and_belong_to_one_listing(fake: Fake) -> None:
    now = [1_700_000_000.0]
    fake.state.clock = lambda: now[0]
    fake.bearer = {"Authorization": f"Bearer {fake.state.issue_token()}"}
    one = fake.state.add_meeting(make_meeting(100, 0, 1, START))
    two = fake.state.add_meeting(make_meeting(100, 0, 2, START))
    _, body, _ = await fake.get(f"/v2/report/meetings/{one.id}/participants")
    token = body["next_page_token"]

    status, body, _ = await fake.get(f"/v2/report/meetings/{two.id}/participants", next_page_token=token)
    assert (status, body["code"]) == (400, 300)
    now[0] += 14 * 60
    assert (await fake.get(f"/v2/report/meetings/{one.id}/participants", next_page_token=token))[0] == 200
    now[0] += 2 * 60
    status, body, _ = await fake.get(f"/v2/report/meetings/{one.id}/participants", next_page_token=token)
    assert (status, body) == (400, {"code": 300, "message": "The next page token is invalid or expired."})


async def test_uuid_with_leading_slash_must_arrive_double_encoded(fake: Fake) -> None:
    meeting = fake.state.add_meeting(make_meeting(5, 0, 1, START))
    meeting.instances[0].uuid = "/ajXp112QmuoKj4854875=="
    base = fake.http.make_url("/v2/report/meetings/")
    for segment, expected in [
        ("%252FajXp112QmuoKj4854875%253D%253D", 200),
        ("%2FajXp112QmuoKj4854875%3D%3D", 404),
    ]:
        url = base.join(base.with_path(f"/v2/report/meetings/{segment}/participants", encoded=True))
        async with fake.http.session.get(url, headers=fake.bearer) as response:
            body = await response.json()
            assert response.status == expected
            if expected == 404:
                assert body["code"] == 3001


async def test_unknown_and_running_meetings_answer_3001(fake: Fake) -> None:
    status, body, _ = await fake.get("/v2/report/webinars/99999999999/participants")
    assert (status, body["code"]) == (404, 3001) and "Webinar" in body["message"]
    meeting = fake.state.add_meeting(make_meeting(5, 0, 1, START))
    meeting.instances[0].end_time = None
    status, body, _ = await fake.get(f"/v2/report/meetings/{meeting.id}/participants")
    assert (status, body) == (404, {"code": 3001, "message": "Meeting ID is invalid or not end."})


async def test_past_instances_shape(fake: Fake) -> None:
    meeting = fake.state.add_meeting(make_meeting(5, 0, 1, START))
    status, body, _ = await fake.get(f"/v2/past_meetings/{meeting.id}/instances")
    assert (status, body) == (
        200,
        {"meetings": [{"start_time": "2023-08-21T01:00:00Z", "uuid": meeting.instances[0].uuid}]},
    )


async def test_injected_429s_carry_zoom_headers_or_none(fake: Fake) -> None:
    now = datetime(2023, 8, 21, 9, 30, tzinfo=UTC).timestamp()
    fake.state.clock = lambda: now
    fake.bearer = {"Authorization": f"Bearer {fake.state.issue_token()}"}
    fake.state.rate_limit(1, daily=True)
    fake.state.rate_limit(1, retry_after=False, rate_headers=False)
    path = "/v2/past_meetings/1/instances"
    status, body, headers = await fake.get(path)
    assert (status, body["code"], headers["Retry-After"]) == (429, 429, "2023-08-22T00:00:00Z")
    assert headers["X-RateLimit-Type"] == "Daily-limit" and "daily" in body["message"]
    status, body, headers = await fake.get(path)
    assert status == 429 and "Retry-After" not in headers and "X-RateLimit-Type" not in headers
    assert (await fake.get(path))[0] == 404


# --- registrants -------------------------------------------------------------------------------------------


async def test_registrant_add_list_cap_and_per_registrant_daily_limit(fake: Fake) -> None:
    fake.state.registrant_cap = 2
    meeting = fake.state.add_meeting(make_meeting(2, 0, 1, START, registered_rate=0))
    path = f"/v2/meetings/{meeting.id}/registrants"

    async def add(email: object, first: object = "Made") -> tuple[int, Any]:
        async with fake.http.post(
            path, json={"email": email, "first_name": first}, headers=fake.bearer
        ) as response:
            return response.status, await response.json()

    status, made = await add("made@badungkab.go.id")
    assert status == 201 and set(made) >= {
        "id",
        "join_url",
        "registrant_id",
        "start_time",
        "topic",
        "occurrences",
    }
    assert made["id"] == int(meeting.id) and "participant_pin_code" in made
    assert (await add("made@badungkab.go.id"))[1]["registrant_id"] == made["registrant_id"]
    assert (await add("made@badungkab.go.id"))[0] == 201
    status, body = await add("made@badungkab.go.id")
    assert (status, body["code"]) == (429, 429) and "daily rate limit" in body["message"]
    assert (await add("ketut@badungkab.go.id"))[0] == 201
    status, body = await add("komang@badungkab.go.id")
    assert (status, body["code"]) == (400, 3043)
    status, body = await add("no-at-sign", 7)
    assert (status, body["code"]) == (400, 300)
    assert {error["field"] for error in body["errors"]} == {"email", "first_name"}

    status, listed, _ = await fake.get(path)
    assert status == 200 and listed["total_records"] == 2
    assert {row["email"] for row in listed["registrants"]} == {
        "made@badungkab.go.id",
        "ketut@badungkab.go.id",
    }
    assert (await fake.get(path, status="pending"))[1]["total_records"] == 0


# --- generated meetings ------------------------------------------------------------------------------------


def test_make_meeting_is_deterministic_and_realistic() -> None:
    meeting = make_meeting(2000, 0.4, 5, START)
    assert meeting.instances[0].rows == make_meeting(2000, 0.4, 5, START).instances[0].rows
    assert meeting.instances[0].rows != make_meeting(2000, 0.4, 6, START).instances[0].rows
    rows = meeting.instances[0].rows
    joins = [parse_zoom_time(str(row["join_time"])) for row in rows]
    assert joins == sorted(joins)
    assert len({row["user_id"] for row in rows}) == len(rows)
    for row, joined in zip(rows, joins, strict=True):
        left = parse_zoom_time(str(row["leave_time"]))
        assert row["duration"] == int((left - joined).total_seconds()) >= 0
    per_email = Counter(str(row["user_email"]) for row in rows if row["user_email"])
    assert max(per_email.values()) >= 3, "reconnects repeat the same email"
    assert sum(1 for row in rows if row["id"] == "" and row["user_email"] == "") > 100, "guests without ids"
    names = {str(row["name"]) for row in rows}
    assert {"Samsung", "User"} <= names and any(name.startswith("K1_") for name in names)
    assert any(", S." in name or ", M." in name for name in names)


def test_generated_people_have_valid_nips() -> None:
    people = make_meeting(3000, 0, 9, START).people
    assert len({person.nip for person in people}) == 3000
    for person in people:
        nip = person.nip
        assert len(nip) == 18 and nip.isdigit() and nip[14] in "12"
        date(int(nip[:4]), int(nip[4:6]), int(nip[6:8]))
        assert 1 <= int(nip[12:14]) <= 12


def test_no_reconnects_means_one_row_per_person() -> None:
    meeting = make_meeting(500, 0.0, 3, START, waiting_room_rate=0.0)
    assert len(meeting.instances[0].rows) == 500


# --- webhooks ----------------------------------------------------------------------------------------------


@dataclass
class Receiver:
    """A webhook endpoint that verifies like eventops should, and records what it accepted."""

    events: list[ZoomWebhookEvent] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)
    done: asyncio.Event = field(default_factory=asyncio.Event)
    expected: int = 0

    async def handle(self, request: web.Request) -> web.Response:
        """Verify the signature, parse the event, answer 200."""
        body = await request.read()
        verify_signature(
            SECRET, request.headers.get("x-zm-request-timestamp"), body, request.headers.get("x-zm-signature")
        )
        self.events.append(parse_event(body))
        self.bodies.append(body)
        if len(self.events) >= self.expected:
            self.done.set()
        return web.Response(status=200)


@pytest.fixture
async def receiver(aiohttp_server: AiohttpServer) -> AsyncIterator[tuple[Receiver, str]]:
    """A running webhook receiver and its URL."""
    sink = Receiver()
    app = web.Application()
    app.router.add_post("/webhooks/zoom", sink.handle)
    server = await aiohttp_server(app)
    yield sink, str(server.make_url("/webhooks/zoom"))


def test_builders_make_events_the_parser_reads_back() -> None:
    where = EventMeeting("81234567890", "gsqg0HKxTQ2TxSVAxE9+0w==", START, "webinar", "Literasi Digital")
    person = EventPerson("16778240", "I Made Sudarma", "made@badungkab.go.id", "abcdefghij0-klmnopq23456")
    joined = parse_event(encode_event(joined_event(where, person, START + timedelta(minutes=3))))
    left = parse_event(encode_event(left_event(where, person, START + timedelta(hours=2))))
    started = parse_event(encode_event(started_event(where)))
    ended = parse_event(encode_event(ended_event(where, START + timedelta(hours=3))))
    crc = parse_event(encode_event(url_validation_event("qgg8vlvZRS6UYooatFL8Aw")))

    assert [event.event for event in (joined, left, started, ended)] == [
        "webinar.participant_joined",
        "webinar.participant_left",
        "webinar.started",
        "webinar.ended",
    ]
    assert joined.participant is not None and left.participant is not None
    assert joined.participant.join_time == START + timedelta(minutes=3)
    assert joined.event_time == START + timedelta(minutes=3)
    assert left.participant.leave_reason.startswith("I Made Sudarma left the webinar.")
    assert joined.participant.participant_uuid == left.participant.participant_uuid != ""
    assert ended.meeting is not None and ended.meeting.end_time == START + timedelta(hours=3)
    assert crc.plain_token == "qgg8vlvZRS6UYooatFL8Aw"


async def test_deliver_signs_redelivers_and_reorders(receiver: tuple[Receiver, str]) -> None:
    sink, url = receiver
    meeting = make_meeting(40, 0.3, 4, START)
    events = events_for_instance(meeting, meeting.instances[0])
    sink.expected = len(events) + round(len(events) * 0.25)

    async with aiohttp.ClientSession() as session:
        results = await deliver(
            session, url, SECRET, events, duplicates=0.25, shuffle=True, seed=3, concurrency=4
        )

    assert len(results) == sink.expected and all(item.status == 200 for item in results)
    assert sum(item.redelivery for item in results) == round(len(events) * 0.25)
    keys = Counter(event.dedup_key for event in sink.events)
    assert len(keys) == len(events) and sorted(keys.values())[-1] == 2
    assert [event.event for event in sink.events] != [event["event"] for event in events]
    compact = [
        json.dumps(json.loads(body), separators=(",", ":"), ensure_ascii=False).encode()
        for body in sink.bodies
    ]
    assert compact == sink.bodies, "compact JSON, like Zoom's JSON.stringify"


def test_events_for_an_instance_follow_the_report() -> None:
    meeting = make_meeting(30, 0.5, 8, START, waiting_room_rate=0.0)
    events = events_for_instance(meeting, meeting.instances[0])
    names = [str(event["event"]) for event in events]
    rows = meeting.instances[0].rows
    assert names[0] == "meeting.started" and names[-1] == "meeting.ended"
    assert names.count("meeting.participant_joined") == names.count("meeting.participant_left") == len(rows)
    stamps = [int(str(event["event_ts"])) for event in events]
    assert stamps == sorted(stamps)


def test_delivery_plan_is_seeded_and_keeps_every_event() -> None:
    plan = delivery_plan(100, duplicates=0.1, shuffle=True, seed=5)
    assert plan == delivery_plan(100, duplicates=0.1, shuffle=True, seed=5)
    assert sorted(index for index, again in plan if not again) == list(range(100))
    assert sum(again for _, again in plan) == 10
    assert delivery_plan(3, duplicates=0, shuffle=False, seed=1) == [(0, False), (1, False), (2, False)]


# --- standalone ---------------------------------------------------------------------------------------------


async def test_standalone_app_serves_a_seeded_meeting_and_pushes_its_webhooks(
    aiohttp_client: AiohttpClient, receiver: tuple[Receiver, str]
) -> None:
    sink, url = receiver
    app = build_standalone_app(
        parse_arguments(["--people", "20", "--webhook-url", url, "--webhook-secret", SECRET])
    )
    meeting = app[STATE].meetings["81234567890"]
    sink.expected = len(events_for_instance(meeting, meeting.instances[0]))

    http = await aiohttp_client(app)
    await asyncio.wait_for(sink.done.wait(), timeout=10)

    assert len(sink.events) == sink.expected
    assert {event.meeting.uuid for event in sink.events if event.meeting} == {meeting.instances[0].uuid}
    params = {"grant_type": "account_credentials", "account_id": "fake_account_id"}
    headers = {"Authorization": basic_auth_header("fake_client_id", "fake_client_secret")}
    async with http.post("/oauth/token", params=params, headers=headers) as response:
        assert response.status == 200


def test_module_runs_standalone_on_a_port() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "integrations.zoom.fake", "--port", str(port), "--people", "10"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env) as process:
        try:
            assert process.stdout is not None
            lines = []
            for line in process.stdout:  # ends at EOF if the server dies
                lines.append(line)
                if "Running on" in line:
                    break
            assert f"EVENTOPS_ZOOM_API_BASE=http://127.0.0.1:{port}/v2" in "".join(lines)
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/oauth/token?grant_type=account_credentials&account_id=fake_account_id",
                method="POST",
                headers={"Authorization": basic_auth_header("fake_client_id", "fake_client_secret")},
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status == 200
        finally:
            process.terminate()
            process.wait(timeout=10)
