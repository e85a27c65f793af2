"""Webhook events into online sessions: any order, duplicates, ends, batch windows, cheap matching."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import update

from eventops.keys import SESSIONMAKER
from eventops.settings import Settings
from eventops.storage.models import OnlineSession, Participant, ZoomEvent
from eventops.zoom.sessions import connection_key
from integrations.zoom.fake import (
    EventMeeting,
    EventPerson,
    deliver,
    ended_event,
    events_for_instance,
    joined_event,
    left_event,
    make_meeting,
)
from integrations.zoom.models import parse_zoom_time
from tests.helpers import (
    EVENT,
    ZOOM_SECRET,
    batch_body,
    bearer,
    post_zoom,
    webhook_settings,
    zoom_drained,
    zoom_table,
)
from tests.rosters import roster_csv

MEETING_ID = "81234567890"
DAY1 = EventMeeting(MEETING_ID, "Vg8IdgluR5WDeWIkpJlElQ==", datetime(2023, 8, 21, 0, 0, tzinfo=UTC))
DAY2 = EventMeeting(MEETING_ID, "tubFEWg9SAaVamwu6V0+kw==", datetime(2023, 8, 22, 0, 0, tzinfo=UTC))
T0 = datetime(2023, 8, 21, 0, 0, tzinfo=UTC)


def at(minutes: float, day: int = 21) -> datetime:
    """A moment of batch day `day`, `minutes` after 00.00 UTC (08.00 WITA)."""
    return datetime(2023, 8, day, tzinfo=UTC) + timedelta(minutes=minutes)


@pytest.fixture
def settings(db_url: str) -> Settings:
    """The app under test, with a webhook secret."""
    return webhook_settings(db_url)


async def _event(client: TestClient, token: str, *days: int) -> None:
    """The Bali event with one batch per day (K1 on the 21st, …), all on Zoom meeting 81234567890."""
    resp = await client.post("/api/v1/events", json=EVENT, headers=bearer(token))
    assert resp.status == 201
    for n, day in enumerate(days or (21,), start=1):
        body = batch_body(f"K{n}", day, zoom_kind="meeting")
        resp = await client.post("/api/v1/events/bali-2023/batches", json=body, headers=bearer(token))
        assert resp.status == 201, await resp.text()


async def _send(client: TestClient, *events: dict[str, object]) -> None:
    for event in events:
        resp = await post_zoom(client, event)
        assert resp.status == 200, await resp.text()
    await zoom_drained(client)


async def _online(client: TestClient, token: str, code: str = "K1") -> dict[str, int]:
    resp = await client.get(f"/api/v1/events/bali-2023/batches/{code}/zoom/online", headers=bearer(token))
    assert resp.status == 200
    return await resp.json()


async def test_a_meeting_delivered_shuffled_with_redeliveries_gives_exactly_its_report(
    client: TestClient, tokens: dict[str, str]
) -> None:
    await _event(client, tokens["organiser"])
    start, end = T0 + timedelta(minutes=5), T0 + timedelta(hours=3, minutes=50)
    meeting = make_meeting(150, 0.5, 3, start, end, meeting_id=MEETING_ID)
    instance = meeting.instances[0]
    events = events_for_instance(meeting, instance)

    deliveries = await deliver(
        client.session,
        str(client.make_url("/webhooks/zoom")),
        ZOOM_SECRET,
        events,
        duplicates=0.2,
        shuffle=True,
        seed=5,
        concurrency=8,
    )
    await zoom_drained(client)

    assert len(deliveries) > len(events) and {d.status for d in deliveries} == {200}
    stored = await zoom_table(client, ZoomEvent)
    assert len(stored) == len(events)
    assert all(r.processed_at is not None and r.error is None for r in stored)
    expected = {
        (
            connection_key(instance.uuid, str(row["user_id"])),
            parse_zoom_time(str(row["join_time"])),
            parse_zoom_time(str(row["leave_time"])),
        )
        for row in instance.rows
        if row["status"] == "in_meeting"
    }
    sessions = await zoom_table(client, OnlineSession)
    assert {(s.connection_key, s.joined_at, s.left_at) for s in sessions} == expected
    assert len(sessions) == len(expected)
    assert all(s.seen_by_webhook and not s.seen_in_report for s in sessions)
    assert (await _online(client, tokens["moderator"]))["online_now"] == 0


async def test_online_now_counts_open_sessions_matched_or_not(
    client: TestClient, tokens: dict[str, str]
) -> None:
    await _event(client, tokens["organiser"])
    roster = roster_csv(
        (
            "198503122010011003",
            "I Made Sudarma",
            "Pemprov Bali",
            "Diskominfo",
            "made@baliprov.go.id",
            "",
            "K1",
            "daring",
        )
    )
    resp = await client.post(
        "/api/v1/events/bali-2023/roster", data=roster, headers=bearer(tokens["organiser"])
    )
    assert resp.status == 200
    made_phone = EventPerson("1", "Made", email="made@baliprov.go.id")
    made_laptop = EventPerson("2", "Made laptop", email="MADE@baliprov.go.id")
    guest, gone = EventPerson("3", "iPhone"), EventPerson("4", "Galaxy A12")
    await _send(
        client,
        *(joined_event(DAY1, p, at(5)) for p in (made_phone, made_laptop, guest, gone)),
        left_event(DAY1, gone, at(30)),
    )
    assert await _online(client, tokens["moderator"]) == {
        "online_now": 3,
        "matched": 2,
        "unmatched": 1,
        "participants_online": 1,
        "sessions_total": 4,
    }


async def test_cheap_matching_by_registrant_email_and_nip_leaves_the_rest_pending(
    client: TestClient, tokens: dict[str, str]
) -> None:
    await _event(client, tokens["organiser"])
    rows = [
        (
            "198503122010011003",
            "I Made Sudarma",
            "Pemprov Bali",
            "Diskominfo",
            "made@baliprov.go.id",
            "",
            "K1",
            "daring",
        ),
        (
            "199001022015031004",
            "Budi Santoso",
            "Pemkot Denpasar",
            "Setda",
            "budi@denpasarkota.go.id",
            "",
            "K1",
            "daring",
        ),
        ("198807142012122001", "Ni Luh Lestari", "Pemprov Bali", "Dinkes", "", "", "K1", "daring"),
        (
            "197512302000031002",
            "Ketut Arsana",
            "Badung",
            "Setda",
            "kantor@badungkab.go.id",
            "",
            "K1",
            "daring",
        ),
        (
            "198001012005011001",
            "Wayan Sukerta",
            "Badung",
            "Setda",
            "kantor@badungkab.go.id",
            "",
            "K1",
            "daring",
        ),
    ]
    resp = await client.post(
        "/api/v1/events/bali-2023/roster", data=roster_csv(*rows), headers=bearer(tokens["organiser"])
    )
    assert resp.status == 200, await resp.text()
    made = update(Participant).where(Participant.nip == "198503122010011003")  # type: ignore[arg-type]
    async with client.app[SESSIONMAKER]() as session:
        await (await session.connection()).execute(made.values(zoom_registrant_id="reg-made"))
        await session.commit()
    people = [
        EventPerson("1", "Pak Made", email="", registrant_id="reg-made"),
        EventPerson("2", "Budi", email="Budi@DenpasarKota.go.id"),
        EventPerson("3", "K1_1988 0714 2012 1220 01_Luh Lestari"),
        EventPerson("4", "Ketut", email="kantor@badungkab.go.id"),  # an office email two people share
        EventPerson("5", "Samsung"),
        EventPerson("6", "198807142012122009 not on the roster"),
    ]
    await _send(client, *(joined_event(DAY1, p, at(3)) for p in people))

    ids = {p.id: p.nip for p in await zoom_table(client, Participant)}
    sessions = {s.display_name: s for s in await zoom_table(client, OnlineSession)}
    decided = {
        name: (ids.get(s.participant_id), s.match_method, s.review_state) for name, s in sessions.items()
    }
    assert decided == {
        "Pak Made": ("198503122010011003", "registrant", "matched"),
        "Budi": ("199001022015031004", "email", "matched"),
        "K1_1988 0714 2012 1220 01_Luh Lestari": ("198807142012122001", "nip", "matched"),
        "Ketut": (None, None, "pending"),
        "Samsung": (None, None, "pending"),
        "198807142012122009 not on the roster": (None, None, "pending"),
    }


# Zoom's instance uuids are base64 and may be long; one past the column's 200 characters is stored hashed.
LONG_UUID = EventMeeting(MEETING_ID, "Vg8IdgluR5WDeWIkpJlElQ" * 10 + "==", DAY1.start_time)


@pytest.mark.parametrize("meeting", [DAY1, LONG_UUID], ids=["uuid", "uuid-over-200-chars"])
async def test_ended_closes_open_sessions_even_for_joins_that_come_after_it(
    client: TestClient, tokens: dict[str, str], meeting: EventMeeting
) -> None:
    await _event(client, tokens["organiser"])
    early, stays, late = EventPerson("1", "Early"), EventPerson("2", "Stays"), EventPerson("3", "Late")
    await _send(
        client,
        joined_event(meeting, early, at(1)),
        joined_event(meeting, stays, at(2)),
        left_event(meeting, early, at(60)),
        ended_event(meeting, at(235)),
    )
    await _send(client, joined_event(meeting, late, at(200)))  # delivered after the end
    sessions = {s.display_name: (s.joined_at, s.left_at) for s in await zoom_table(client, OnlineSession)}
    assert sessions == {
        "Early": (at(1), at(60)),
        "Stays": (at(2), at(235)),
        "Late": (at(200), at(235)),
    }
    await _send(client, left_event(meeting, late, at(230)))  # its own left still sets the exact time
    late_session = [s for s in await zoom_table(client, OnlineSession) if s.display_name == "Late"]
    assert [(s.joined_at, s.left_at) for s in late_session] == [(at(200), at(230))]
    assert (await _online(client, tokens["moderator"]))["online_now"] == 0


async def test_batches_sharing_a_meeting_id_each_get_the_events_of_their_own_day(
    client: TestClient, tokens: dict[str, str]
) -> None:
    await _event(client, tokens["organiser"], 21, 22)
    person = EventPerson("16778240", "Budi")  # Zoom's user ids restart in every instance
    far = EventMeeting(MEETING_ID, "gsqg0HKxTQ2TxSVAxE9+0w==", at(0, 25))
    await _send(
        client,
        joined_event(DAY1, person, at(10, 21)),
        joined_event(DAY2, person, at(10, 22)),
        joined_event(far, person, at(10, 25)),
    )
    assert (await _online(client, tokens["moderator"], "K1"))["sessions_total"] == 1
    assert (await _online(client, tokens["moderator"], "K2"))["sessions_total"] == 1
    errors = [r.error for r in await zoom_table(client, ZoomEvent)]
    assert errors[:2] == [None, None]
    assert errors[2] == "no batch of meeting 81234567890 runs around 2023-08-25 00:10 UTC"
