"""The Zoom client against the fake Zoom over real HTTP: paging, tokens, retries, registrants."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from hypothesis import given
from hypothesis import strategies as st
from multidict import CIMultiDict
from pytest_aiohttp import AiohttpServer

from integrations.zoom import (
    Kind,
    NewRegistrant,
    RetryPolicy,
    ZoomApiError,
    ZoomAuthError,
    ZoomCapacityError,
    ZoomClient,
    ZoomRateLimited,
    ZoomReportNotReady,
    encode_meeting_id,
)
from integrations.zoom.fake import FakeInstance, FakeMeeting, FakeZoomState, create_fake_zoom, make_meeting
from integrations.zoom.retry import backoff_delay, classify_rate_limit, parse_retry_after
from integrations.zoom.transport import basic_auth_header

START = datetime(2023, 8, 21, 1, 0, tzinfo=UTC)
NOW = datetime(2023, 8, 21, 9, 30, tzinfo=UTC)


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value


@dataclass
class Zoom:
    """The client under test, the fake's state, and the delays the client asked to sleep."""

    client: ZoomClient
    state: FakeZoomState
    sleeps: list[float]
    clock: Clock
    server: TestServer
    session: aiohttp.ClientSession

    def with_credentials(self, secret: str) -> ZoomClient:
        """Another client on the same fake, with a different client secret."""
        return ZoomClient(
            self.session,
            self.state.account_id,
            self.state.client_id,
            secret,
            api_base=str(self.server.make_url("/v2")),
            oauth_url=str(self.server.make_url("/oauth/token")),
        )

    def report_pages(self, meeting_id: str, kind: str = "meetings") -> int:
        """How many report pages the client requested for a meeting id or UUID."""
        return self.state.count("GET", f"/v2/report/{kind}/{meeting_id}/participants")

    def token_requests(self) -> int:
        """How many access tokens the client requested."""
        return self.state.count("POST", "/oauth/token")


@pytest.fixture
async def zoom(aiohttp_server: AiohttpServer) -> AsyncIterator[Zoom]:
    """A fake Zoom on a real port and a client whose sleeps are recorded instead of waited."""
    state = FakeZoomState()
    server = await aiohttp_server(create_fake_zoom(state))
    sleeps: list[float] = []
    clock = Clock()

    async def sleep(delay: float) -> None:
        sleeps.append(delay)

    async with aiohttp.ClientSession() as session:
        client = ZoomClient(
            session,
            state.account_id,
            state.client_id,
            state.client_secret,
            api_base=str(server.make_url("/v2")),
            oauth_url=str(server.make_url("/oauth/token")),
            sleep=sleep,
            clock=clock,
            now=lambda: NOW,
            rng=random.Random(7),
            request_timeout=5.0,
        )
        yield Zoom(client, state, sleeps, clock, server, session)


def small_meeting(
    state: FakeZoomState, n_people: int = 40, *, kind: Kind = "meeting", seed: int = 1
) -> FakeMeeting:
    """A stored meeting of `n_people` with reconnects."""
    return state.add_meeting(make_meeting(n_people, 0.5, seed, START, kind=kind))


def rows_of(meeting: FakeMeeting) -> list[dict[str, object]]:
    """The report rows of the meeting's only instance."""
    return meeting.instances[0].rows


# --- pure helpers -------------------------------------------------------------------------------------------


def test_meeting_uuids_are_double_encoded_only_when_zoom_requires_it() -> None:
    assert encode_meeting_id("/ajXp112QmuoKj4854875==") == "%252FajXp112QmuoKj4854875%253D%253D"
    assert encode_meeting_id("abc//def+g==") == "abc%252F%252Fdef%252Bg%253D%253D"
    assert encode_meeting_id("Vg8IdgluR5WDeWIkpJlElQ==") == "Vg8IdgluR5WDeWIkpJlElQ%3D%3D"
    assert encode_meeting_id("ab/cd+ef==") == "ab%2Fcd%2Bef%3D%3D"
    assert encode_meeting_id("85746065123") == "85746065123"


def test_basic_auth_header_matches_fact_sheet_vector() -> None:
    assert (
        basic_auth_header("my_client_id", "my_client_secret")
        == "Basic bXlfY2xpZW50X2lkOm15X2NsaWVudF9zZWNyZXQ="
    )


def test_retry_after_in_seconds_http_date_and_zoom_iso_time() -> None:
    assert parse_retry_after("2", NOW) == 2.0
    assert parse_retry_after("2023-08-22T00:00:00Z", NOW) == 14.5 * 3600
    assert parse_retry_after("Tue, 22 Aug 2023 00:00:00 GMT", NOW) == 14.5 * 3600
    assert parse_retry_after("2020-05-31T00:00:00Z", NOW) == 0.0
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after(None, NOW) is None


def test_daily_limit_is_not_waited_out_but_per_second_is() -> None:
    policy, rng = RetryPolicy(), random.Random(1)
    daily = CIMultiDict({"x-ratelimit-type": "Daily-limit", "Retry-After": "2023-08-22T00:00:00Z"})
    decision = classify_rate_limit(daily, "daily rate limit", NOW, policy, rng)
    assert (decision.wait, decision.daily) == (None, True)
    assert decision.retry_at == datetime(2023, 8, 22, tzinfo=UTC)
    per_second = classify_rate_limit(CIMultiDict({"X-RateLimit-Type": "QPS"}), "per-second", NOW, policy, rng)
    assert per_second.wait is not None and 1.0 <= per_second.wait <= 2.0 and not per_second.daily
    headerless_daily = classify_rate_limit(
        CIMultiDict(), "You have exceeded the daily rate limit", NOW, policy, rng
    )
    assert (headerless_daily.wait, headerless_daily.daily) == (None, True)


@given(st.integers(min_value=1, max_value=40), st.floats(min_value=0, max_value=5), st.integers())
def test_backoff_is_jittered_exponential_and_capped(attempt: int, base: float, seed: int) -> None:
    policy = RetryPolicy(base_delay=base, max_delay=30.0)
    ceiling = min(30.0, base * 2 ** (attempt - 1))
    assert ceiling / 2 <= backoff_delay(policy, attempt, random.Random(seed)) <= ceiling


# --- reports -----------------------------------------------------------------------------------------------


async def test_report_of_5000_people_with_reconnects_comes_back_once_in_pages_of_300(zoom: Zoom) -> None:
    meeting = zoom.state.add_meeting(make_meeting(5000, 0.3, 11, START))
    expected = rows_of(meeting)
    assert len(expected) > 5000

    rows = await zoom.client.report_participants(meeting.id, "meeting")

    assert [row.user_id for row in rows] == [row["user_id"] for row in expected]
    assert len({row.user_id for row in rows}) == len(expected)
    assert zoom.report_pages(meeting.id) == math.ceil(len(expected) / 300)
    assert all(call.query["page_size"] == "300" for call in zoom.state.calls if "/report/" in call.path)
    per_registrant = Counter(row.registrant_id for row in rows if row.registrant_id)
    assert max(per_registrant.values()) >= 2, "reconnects must show up as several rows of one registrant"
    assert all(row.join_time.tzinfo is UTC and row.leave_time >= row.join_time for row in rows)
    assert zoom.token_requests() == 1


async def test_webinar_report_with_millisecond_times(zoom: Zoom) -> None:
    webinar = small_meeting(zoom.state, kind="webinar")
    rows = await zoom.client.report_participants(webinar.id, "webinar")
    assert len(rows) == len(rows_of(webinar))
    assert any(row.join_time.microsecond for row in rows)


async def test_uuids_with_slashes_are_fetched_double_encoded(zoom: Zoom) -> None:
    for uuid in ["/ajXp112QmuoKj4854875==", "abc//def+g=="]:
        meeting = small_meeting(zoom.state, 10)
        meeting.instances[0].uuid = uuid
        rows = await zoom.client.report_participants(uuid, "meeting")
        assert [row.user_id for row in rows] == [row["user_id"] for row in rows_of(meeting)]


async def test_meeting_number_names_the_latest_instance_and_a_window_gathers_all(zoom: Zoom) -> None:
    first = make_meeting(20, 0.2, 1, START, START + timedelta(hours=1))
    second = make_meeting(30, 0.2, 2, START + timedelta(hours=1, minutes=10), START + timedelta(hours=4))
    running = FakeInstance("stillRunningInstance0==", START + timedelta(hours=5), None)
    meeting = zoom.state.add_meeting(
        FakeMeeting(first.id, "meeting", "restarted", [second.instances[0], first.instances[0], running])
    )

    latest = await zoom.client.report_participants(meeting.id, "meeting")
    instances = await zoom.client.past_instances(meeting.id, "meeting")
    reports = await zoom.client.instance_reports(meeting.id, "meeting", START, START + timedelta(hours=4))

    assert len(latest) == len(second.instances[0].rows)
    assert [item.uuid for item in instances] == [first.instances[0].uuid, second.instances[0].uuid]
    assert [len(report.participants) for report in reports] == [len(rows_of(first)), len(rows_of(second))]


async def test_past_participants_lists_rows_without_report_only_fields(zoom: Zoom) -> None:
    meeting = small_meeting(zoom.state)
    rows = await zoom.client.past_participants(meeting.id, "meeting")
    assert len(rows) == len(rows_of(meeting))
    assert all(row.participant_user_id == "" for row in rows)


async def test_report_not_ready_is_distinct_then_data_arrives(zoom: Zoom) -> None:
    meeting = small_meeting(zoom.state)
    zoom.state.report_not_ready(1)

    with pytest.raises(ZoomReportNotReady) as caught:
        await zoom.client.report_participants(meeting.id, "meeting")
    assert (caught.value.status, caught.value.code) == (404, 3001)

    rows = await zoom.client.report_participants(meeting.id, "meeting")
    assert len(rows) == len(rows_of(meeting))


async def test_running_meeting_report_is_not_ready(zoom: Zoom) -> None:
    meeting = small_meeting(zoom.state)
    meeting.instances[0].end_time = None
    with pytest.raises(ZoomReportNotReady):
        await zoom.client.report_participants(meeting.id, "meeting")


async def test_expired_page_token_restarts_the_listing_without_duplicates(zoom: Zoom) -> None:
    meeting = small_meeting(zoom.state, 800)
    pages = math.ceil(len(rows_of(meeting)) / 300)
    zoom.state.expire_page_token_after(pages=2)

    rows = await zoom.client.report_participants(meeting.id, "meeting")

    assert [row.user_id for row in rows] == [row["user_id"] for row in rows_of(meeting)]
    assert zoom.report_pages(meeting.id) == 2 + 1 + pages  # two served, one refused, then a full listing
    refused = [call for call in zoom.state.calls if call.status == 400]
    assert len(refused) == 1 and "next_page_token" in refused[0].query


async def test_malformed_rows_raise_api_error_not_type_error(zoom: Zoom) -> None:
    meeting = small_meeting(zoom.state, 5)
    rows_of(meeting)[2]["join_time"] = "not a time"
    with pytest.raises(ZoomApiError) as caught:
        await zoom.client.report_participants(meeting.id, "meeting")
    assert "malformed participant" in caught.value.message


# --- tokens ------------------------------------------------------------------------------------------------


async def test_token_expiring_midway_is_renewed_and_the_listing_continues(zoom: Zoom) -> None:
    meeting = small_meeting(zoom.state, 1500)
    pages = math.ceil(len(rows_of(meeting)) / 300)
    zoom.state.expire_access_tokens_after(calls=3)

    rows = await zoom.client.report_participants(meeting.id, "meeting")

    assert [row.user_id for row in rows] == [row["user_id"] for row in rows_of(meeting)]
    assert zoom.token_requests() == 2
    assert zoom.report_pages(meeting.id) == pages + 1
    assert [call.status for call in zoom.state.calls].count(401) == 1


async def test_token_is_cached_then_renewed_shortly_before_expiry(zoom: Zoom) -> None:
    meeting = small_meeting(zoom.state, 5)
    await zoom.client.report_participants(meeting.id, "meeting")
    await zoom.client.report_participants(meeting.id, "meeting")
    assert zoom.token_requests() == 1

    zoom.clock.value += 3600 - 59  # inside Rivet's 60-second margin (§1.2)
    await zoom.client.report_participants(meeting.id, "meeting")

    assert zoom.token_requests() == 2
    assert all(call.status != 401 for call in zoom.state.calls)


async def test_wrong_credentials_raise_auth_error(zoom: Zoom) -> None:
    client = zoom.with_credentials("wrong secret")
    with pytest.raises(ZoomAuthError) as caught:
        await client.past_instances("81234567890")
    assert (caught.value.status, caught.value.message) == (400, "Invalid client_id or client_secret")


async def test_a_rejected_fresh_token_is_not_renewed_forever(zoom: Zoom) -> None:
    meeting = small_meeting(zoom.state, 5)
    zoom.state.fail("report", 5, 401, 124, "Invalid access token.")
    with pytest.raises(ZoomAuthError):
        await zoom.client.report_participants(meeting.id, "meeting")
    assert zoom.token_requests() == 2


# --- retries -----------------------------------------------------------------------------------------------


async def test_per_second_429_is_waited_out_then_succeeds(zoom: Zoom) -> None:
    meeting = small_meeting(zoom.state)
    zoom.state.rate_limit(2)
    rows = await zoom.client.report_participants(meeting.id, "meeting")
    assert len(rows) == len(rows_of(meeting))
    assert zoom.sleeps == [1.0, 1.0]


async def test_429_without_any_header_waits_about_a_second(zoom: Zoom) -> None:
    meeting = small_meeting(zoom.state)
    zoom.state.rate_limit(1, retry_after=False, rate_headers=False)
    await zoom.client.report_participants(meeting.id, "meeting")
    assert len(zoom.sleeps) == 1 and 1.0 <= zoom.sleeps[0] <= 2.0


async def test_daily_429_raises_with_the_retry_time_and_no_waiting(zoom: Zoom) -> None:
    meeting = small_meeting(zoom.state)
    zoom.state.clock = lambda: NOW.timestamp()
    zoom.state.rate_limit(1, daily=True)
    with pytest.raises(ZoomRateLimited) as caught:
        await zoom.client.report_participants(meeting.id, "meeting")
    assert caught.value.daily and caught.value.retry_at == datetime(2023, 8, 22, tzinfo=UTC)
    assert zoom.sleeps == [] and zoom.report_pages(meeting.id) == 1


async def test_429_retries_are_bounded(zoom: Zoom) -> None:
    meeting = small_meeting(zoom.state)
    zoom.state.rate_limit(50)
    with pytest.raises(ZoomRateLimited) as caught:
        await zoom.client.report_participants(meeting.id, "meeting")
    assert not caught.value.daily
    assert zoom.report_pages(meeting.id) == RetryPolicy().max_attempts
    assert len(zoom.sleeps) == RetryPolicy().max_attempts - 1


async def test_5xx_is_retried_with_growing_jittered_backoff(zoom: Zoom) -> None:
    meeting = small_meeting(zoom.state)
    zoom.state.server_error(3, status=502)
    rows = await zoom.client.report_participants(meeting.id, "meeting")
    assert len(rows) == len(rows_of(meeting))
    assert [0.25 <= zoom.sleeps[0] <= 0.5, 0.5 <= zoom.sleeps[1] <= 1.0, 1.0 <= zoom.sleeps[2] <= 2.0] == [
        True
    ] * 3


async def test_persistent_5xx_surfaces_as_api_error(zoom: Zoom) -> None:
    meeting = small_meeting(zoom.state)
    zoom.state.server_error(50)
    with pytest.raises(ZoomApiError) as caught:
        await zoom.client.report_participants(meeting.id, "meeting")
    assert caught.value.status == 503 and caught.value.tracking_id.startswith("v=2.0;")


async def test_token_endpoint_5xx_is_retried_too(zoom: Zoom) -> None:
    meeting = small_meeting(zoom.state, 5)
    zoom.state.server_error(1, scope="oauth")
    await zoom.client.report_participants(meeting.id, "meeting")
    assert zoom.token_requests() == 2 and len(zoom.sleeps) == 1


async def test_timeouts_are_retried(zoom: Zoom) -> None:
    meeting = small_meeting(zoom.state, 5)
    client = ZoomClient(
        zoom.session,
        zoom.state.account_id,
        zoom.state.client_id,
        zoom.state.client_secret,
        api_base=str(zoom.server.make_url("/v2")),
        oauth_url=str(zoom.server.make_url("/oauth/token")),
        policy=RetryPolicy(base_delay=0.0),
        request_timeout=0.1,
    )
    zoom.state.stall(1, seconds=0.4, scope="report")
    rows = await client.report_participants(meeting.id, "meeting")
    assert len(rows) == len(rows_of(meeting))


async def test_unreachable_zoom_fails_after_bounded_attempts(zoom: Zoom) -> None:
    client = ZoomClient(
        zoom.session,
        "a",
        "b",
        "c",
        api_base="http://127.0.0.1:9/v2",
        oauth_url="http://127.0.0.1:9/oauth/token",
        policy=RetryPolicy(max_attempts=3, base_delay=0.0),
    )
    with pytest.raises(ZoomApiError) as caught:
        await client.past_instances("1")
    assert caught.value.status == 0


# --- registrants -------------------------------------------------------------------------------------------


async def test_personal_links_for_1000_participants(zoom: Zoom) -> None:
    webinar = small_meeting(zoom.state, 2, kind="webinar")
    webinar.registrants.clear()
    people = [NewRegistrant(f"peserta{n}@baliprov.go.id", f"Peserta {n}", "Bali") for n in range(1000)]

    result = await zoom.client.add_registrants(webinar.id, "webinar", people)

    assert result.failed == ()
    assert [item.email for item in result.registered] == [person.email for person in people]
    assert len({item.registrant_id for item in result.registered}) == 1000
    assert len({item.join_url for item in result.registered}) == 1000
    assert all("tk=" in item.join_url for item in result.registered)
    listed = await zoom.client.list_registrants(webinar.id, "webinar")
    assert {item.registrant_id for item in listed} == {item.registrant_id for item in result.registered}


async def test_add_one_meeting_registrant(zoom: Zoom) -> None:
    meeting = small_meeting(zoom.state, 2)
    registrant = await zoom.client.add_registrant(
        meeting.id, "meeting", "made@badungkab.go.id", "Made", "Sudarma"
    )
    assert registrant.registrant_id and registrant.meeting_id == meeting.id
    assert registrant.participant_pin_code is not None
    again = await zoom.client.add_registrant(meeting.id, "meeting", "MADE@badungkab.go.id", "Made", "Sudarma")
    assert again.registrant_id == registrant.registrant_id


async def test_more_than_4999_people_are_refused_before_any_request(zoom: Zoom) -> None:
    meeting = small_meeting(zoom.state, 2)
    people = [NewRegistrant(f"p{n}@x.go.id", "P") for n in range(5000)]
    with pytest.raises(ZoomCapacityError):
        await zoom.client.add_registrants(meeting.id, "meeting", people)
    assert zoom.state.count("POST", "/v2/meetings") == 0


async def test_capacity_reached_at_zoom_stops_the_rest(zoom: Zoom) -> None:
    meeting = small_meeting(zoom.state, 2)
    meeting.registrants.clear()
    zoom.state.registrant_cap = 10
    people = [NewRegistrant(f"p{n}@x.go.id", "P") for n in range(15)]

    result = await zoom.client.add_registrants(meeting.id, "meeting", people, concurrency=1)

    assert len(result.registered) == 10
    assert [(item.code, item.attempted) for item in result.failed] == [(3043, True)] + [(3043, False)] * 4
    assert zoom.state.count("POST", f"/v2/meetings/{meeting.id}/registrants") == 11


async def test_per_person_failures_do_not_stop_the_others(zoom: Zoom) -> None:
    meeting = small_meeting(zoom.state, 2)
    for _ in range(3):
        await zoom.client.add_registrant(meeting.id, "meeting", "busy@x.go.id", "Busy")
    people = [
        NewRegistrant("a@x.go.id", "A"),
        NewRegistrant("busy@x.go.id", "Busy"),
        NewRegistrant("bad", "B"),
    ]

    result = await zoom.client.add_registrants(meeting.id, "meeting", people, concurrency=1)

    assert [item.email for item in result.registered] == ["a@x.go.id"]
    assert [(item.person.email, item.status, item.code) for item in result.failed] == [
        ("busy@x.go.id", 429, 429),
        ("bad", 400, 300),
    ]
    assert zoom.sleeps == []


async def test_registration_disabled_is_an_api_error(zoom: Zoom) -> None:
    meeting = small_meeting(zoom.state, 2)
    meeting.registration = False
    with pytest.raises(ZoomApiError) as caught:
        await zoom.client.add_registrant(meeting.id, "meeting", "a@x.go.id", "A")
    assert caught.value.status == 404


async def test_kind_is_checked_before_any_request(zoom: Zoom) -> None:
    with pytest.raises(ValueError, match="kind"):
        await zoom.client.report_participants("1", "webinars")  # type: ignore[arg-type]
    assert zoom.state.calls == []
