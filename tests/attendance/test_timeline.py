"""The batch's attendance over time: the pure computation (a table and a property) and the endpoint on both
databases, fed by real scans through the API and real Zoom webhooks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from eventops.attendance.timeline import auto_step, points, sample_times, window
from eventops.settings import Settings
from eventops.storage.models import Batch, ViewerSample
from eventops.timeutil import utcnow
from integrations.zoom.fake import EventMeeting, EventPerson, joined_event, left_event
from tests.helpers import (
    EVENT,
    batch_body,
    bearer,
    db_session,
    door_fields,
    live_passes,
    post_zoom,
    webhook_settings,
    zoom_drained,
)
from tests.rosters import make_rows, to_csv

T0 = datetime(2023, 8, 21, 0, 0, tzinfo=UTC)
URL = "/api/v1/events/bali-2023/batches/K1/timeline"
MEETING_ID = "81234567890"


def m(minutes: float) -> datetime:
    """`minutes` after T0."""
    return T0 + timedelta(minutes=minutes)


def e(minutes: float) -> float:
    """`minutes` after T0, in seconds since the epoch (what the queries read)."""
    return m(minutes).timestamp()


# --- the computation ---------------------------------------------------------------------------------------


def test_sample_times_are_steps_from_the_start_then_the_end_itself() -> None:
    assert sample_times(m(0), m(25), 600) == [m(0), m(10), m(20), m(25)]
    assert sample_times(m(0), m(20), 600) == [m(0), m(10), m(20)]
    assert sample_times(m(0), m(0), 600) == [m(0)]
    assert sample_times(m(10), m(0), 600) == []


@pytest.mark.parametrize(
    ("hours", "step"),
    [(0.5, 60), (4, 60), (6, 120), (20, 300), (6 * 24, 3_600), (1_000, 21_600), (10_000, 150_000)],
)
def test_the_automatic_step_keeps_the_chart_small(hours: float, step: int) -> None:
    assert auto_step(timedelta(hours=hours)) == step


TIMES = [m(0), m(10), m(20), m(30), m(40)]
CHECKINS = [e(-30), e(5), e(10), e(35)]  # one before the window, one exactly at a point
SESSIONS = [(e(-5), e(15)), (e(10), None), (e(12), e(12.5)), (e(20), e(30)), (e(25), None)]
SAMPLES = [(e(1), 40), (e(9), 55), (e(21), None), (e(22), 70)]


@pytest.mark.parametrize(
    ("i", "venue", "zoom", "youtube"),
    [
        (0, 1, 1, None),  # before any sample; the early check-in counts
        (1, 3, 2, 55),  # a check-in at the very moment counts; a join at the moment counts
        (
            2,
            3,
            2,
            None,
        ),  # the 09.00 sample is older than 10 minutes (fresh = step): a gap, not a stale number
        (
            3,
            3,
            2,
            70,
        ),  # a leave at the very moment no longer counts; the null sample at 21' is skipped by 22'
        (4, 4, 2, None),
    ],
)
def test_counts_at_each_point(i: int, venue: int, zoom: int, youtube: int | None) -> None:
    found = points(TIMES, CHECKINS, SESSIONS, SAMPLES, fresh=timedelta(minutes=10))
    assert (found[i].t, found[i].venue, found[i].zoom, found[i].youtube) == (TIMES[i], venue, zoom, youtube)


def test_while_live_the_last_point_counts_every_check_in() -> None:
    late = [*CHECKINS, e(41)]  # a door phone whose clock runs ahead of the server's
    found = points(TIMES, late, [], [], fresh=timedelta(minutes=10), count_all_at_end=True)
    assert [p.venue for p in found] == [1, 3, 3, 3, 5]


moments = st.integers(min_value=-120, max_value=600).map(e)


@given(
    checkins=st.lists(moments, max_size=40),
    spans=st.lists(
        st.tuples(moments, st.one_of(st.none(), st.integers(min_value=0, max_value=300))), max_size=40
    ),
    step=st.sampled_from([60, 300, 900]),
)
def test_counts_agree_with_counting_one_by_one(
    checkins: list[float], spans: list[tuple[float, int | None]], step: int
) -> None:
    sessions = [(j, None if d is None else j + 60.0 * d) for j, d in spans]
    times = sample_times(m(0), m(480), step)
    found = points(times, checkins, sessions, [], fresh=timedelta(minutes=5))
    for p in found:
        t = p.t.timestamp()
        assert p.venue == sum(1 for c in checkins if c <= t)
        assert p.zoom == sum(1 for j, left in sessions if j <= t and (left is None or left > t))
        assert p.youtube is None
    assert [p.venue for p in found] == sorted(p.venue for p in found)  # cumulative never falls


# --- the endpoint ------------------------------------------------------------------------------------------


@pytest.fixture
def settings(db_url: str) -> Settings:
    """The app under test, with a Zoom webhook secret."""
    return webhook_settings(db_url)


async def _running_batch(client: TestClient, organiser: str, now: datetime) -> None:
    """The event with K1 running now (started two hours ago, ends in two) and six participants."""
    resp = await client.post("/api/v1/events", json=EVENT, headers=bearer(organiser))
    assert resp.status == 201
    body = batch_body(
        "K1",
        zoom_kind="meeting",
        starts_at=(now - timedelta(hours=2)).isoformat(),
        ends_at=(now + timedelta(hours=2)).isoformat(),
    )
    resp = await client.post(f"/api/v1/events/{EVENT['slug']}/batches", json=body, headers=bearer(organiser))
    assert resp.status == 201, await resp.text()
    roster = to_csv(make_rows(6, batches=("K1",), seed=13))
    resp = await client.post(f"/api/v1/events/{EVENT['slug']}/roster", data=roster, headers=bearer(organiser))
    assert resp.status == 200, await resp.text()


async def _timeline(client: TestClient, token: str, query: str = "") -> tuple[int, Any]:
    resp = await client.get(URL + query, headers=bearer(token))
    return resp.status, await resp.json()


async def test_the_endpoint_counts_real_scans_and_zoom_webhooks(
    client: TestClient, tokens: dict[str, str], db_url: str
) -> None:
    now = utcnow().replace(microsecond=0)
    await _running_batch(client, tokens["organiser"], now)
    passes = list((await live_passes(db_url)).values())
    for token, ago in zip(passes[:3], (100, 70, 10), strict=True):
        fields = door_fields(scanned_at=(now - timedelta(minutes=ago)).isoformat())
        resp = await client.post(
            URL.replace("/timeline", "/scans"),
            json={"token": token, **fields},
            headers=bearer(tokens["staff"]),
        )
        assert (resp.status, (await resp.json())["result"]) == (200, "ok")

    meeting = EventMeeting(MEETING_ID, "Vg8IdgluR5WDeWIkpJlElQ==", now - timedelta(hours=2))
    ayu, budi, tamu = (EventPerson(f"1600{i}", name) for i, name in enumerate(("Ayu", "Budi", "Tamu")))
    for event in (
        joined_event(meeting, ayu, now - timedelta(minutes=90)),
        left_event(meeting, ayu, now - timedelta(minutes=30)),
        joined_event(meeting, budi, now - timedelta(minutes=60)),
        joined_event(meeting, tamu, now - timedelta(minutes=45)),
    ):
        assert (await post_zoom(client, event)).status == 200
    await zoom_drained(client)
    async with db_session(db_url) as session:
        batch = (await session.exec(select(Batch))).one()
        session.add(ViewerSample(batch_id=batch.id, sampled_at=now - timedelta(minutes=61), viewers=120))
        await session.commit()

    status, body = await _timeline(client, tokens["moderator"], "?step=1800")
    assert status == 200, body
    assert body["step"] == 1800 and body["live"] is True
    start = datetime.fromisoformat(body["from"])
    assert start == now - timedelta(hours=3)
    got = {
        round((datetime.fromisoformat(p["t"]) - start).total_seconds() / 60): (
            p["venue"],
            p["zoom"],
            p["youtube"],
        )
        for p in body["points"]
    }
    # minutes after the window's start (three hours ago): scans at 80', 110', 170'; Ayu 90'-150', Budi from
    # 120', the guest from 135'; 120 viewers sampled at 119' (fresh for 30 minutes)
    assert got[60] == (0, 0, None)
    assert got[90] == (1, 1, None)
    assert got[120] == (2, 2, 120)
    assert got[150] == (2, 2, None)
    last = body["points"][-1]
    assert (last["venue"], last["zoom"]) == (3, 2)
    assert datetime.fromisoformat(last["t"]) >= now


async def test_the_endpoint_refuses_bad_steps_and_low_roles(
    client: TestClient, tokens: dict[str, str]
) -> None:
    await _running_batch(client, tokens["organiser"], utcnow())
    status, body = await _timeline(client, tokens["moderator"])
    assert status == 200 and body["step"] == 60 and 3 * 60 + 1 <= len(body["points"]) <= 3 * 60 + 2
    for query in ("?step=abc", "?step=59", "?step=1"):
        status, body = await _timeline(client, tokens["moderator"], query)
        assert (status, body["error"]) == (400, "bad_query"), query
    resp = await client.get(URL, headers=bearer(tokens["staff"]))
    assert resp.status == 403
    resp = await client.get(URL.replace("K1", "K9"), headers=bearer(tokens["moderator"]))
    assert resp.status == 404


def test_the_window_of_a_batch_at_the_ends_of_time_does_not_overflow() -> None:
    batch = Batch(
        event_id=1,
        code="K1",
        name="K1",
        starts_at=datetime(1, 1, 1, tzinfo=UTC),
        ends_at=datetime(9999, 12, 31, 23, 59, tzinfo=UTC),
    )
    start, until, live = window(batch, m(0))
    assert start == datetime(1, 1, 1, tzinfo=UTC) and until == m(0) and live
    assert len(sample_times(start, until, 86_400)) > 1_500  # so the API refuses a step that small
    assert len(sample_times(start, until, auto_step(until - start))) <= 241  # and picks a longer one itself
