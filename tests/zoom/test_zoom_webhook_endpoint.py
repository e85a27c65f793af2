"""POST /webhooks/zoom over real HTTP: signatures, URL validation, storing first, redeliveries, bad bodies."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from aiohttp.test_utils import TestClient

from eventops.app import create_app
from eventops.settings import Settings
from eventops.storage.db import create_engine
from eventops.storage.models import OnlineSession, ZoomEvent
from eventops.zoom.ingest import event_row, store_events
from integrations.zoom import parse_event
from integrations.zoom.fake import (
    EventMeeting,
    EventPerson,
    encode_event,
    joined_event,
    left_event,
    url_validation_event,
)
from tests.helpers import (
    bearer,
    create_event,
    post_zoom,
    webhook_settings,
    zoom_drained,
    zoom_table,
)

# Fact sheet §9: exact bytes (530 characters), timestamp and signature.
VECTOR_BODY = (
    b'{"event":"meeting.participant_joined","event_ts":1626230691572,"payload":{"account_id":"AAAAAABBBB",'
    b'"object":{"id":"1234567890","uuid":"4444AAAiAAAAAiAiAiiAii==","host_id":"x1yCzABCDEfg23HiJKl4mN",'
    b'"topic":"My Meeting","type":8,"start_time":"2021-07-13T21:44:51Z","timezone":"America/Los_Angeles",'
    b'"duration":60,"participant":{"user_id":"16778240","user_name":"Jill Chill","id":"","participant_uuid":'
    b'"67C1A429-1476-BE1C-7324-EDCA76B69406","join_time":"2021-07-13T21:45:02Z","email":"","registrant_id":"",'
    b'"participant_user_id":""}}}}'
)
VECTOR_TS = "1626230692"
VECTOR_SIGNATURE = "v0=b6d855c50a56a9e235032bec901f9f6f5650ce54d8f34ed6566c3ce9614d2cb7"
CRC_TOKEN = "qgg8vlvZRS6UYooatFL8Aw"
CRC_ANSWER = "3bd9dca58724975b39de818ef22f62a25f7d0baf130cf76c5e0f948c9837c640"

MEETING = EventMeeting("81234567890", "gsqg0HKxTQ2TxSVAxE9+0w==", datetime(2023, 8, 21, 0, 0, tzinfo=UTC))
BUDI = EventPerson(user_id="16778240", user_name="Budi Santoso", email="budi@baliprov.go.id")
JOIN = datetime(2023, 8, 21, 0, 5, 12, tzinfo=UTC)
LEAVE = datetime(2023, 8, 21, 3, 58, 40, tzinfo=UTC)


@pytest.fixture
def settings(db_url: str) -> Settings:
    """The app under test, with a webhook secret."""
    return webhook_settings(db_url)


async def _batch(client: TestClient, tokens: dict[str, str]) -> None:
    """The Bali event; its batch K1 (2023-08-21 00.00-04.00 UTC) is linked to webinar 81234567890."""
    await create_event(client, tokens["organiser"], ("K1",))


async def test_fact_sheet_signature_vector_verifies_and_is_refused_only_as_stale(client: TestClient) -> None:
    resp = await client.post(
        "/webhooks/zoom",
        data=VECTOR_BODY,
        headers={"x-zm-request-timestamp": VECTOR_TS, "x-zm-signature": VECTOR_SIGNATURE},
    )
    # the signature is checked before the age: "stale" means the vector's signature verified
    assert resp.status == 401
    assert (await resp.json())["error"] == "stale_timestamp"
    tampered = VECTOR_BODY.replace(b"Jill Chill", b"Jill Chilt")
    resp = await client.post(
        "/webhooks/zoom",
        data=tampered,
        headers={"x-zm-request-timestamp": VECTOR_TS, "x-zm-signature": VECTOR_SIGNATURE},
    )
    assert (resp.status, (await resp.json())["error"]) == (401, "bad_signature")
    assert await zoom_table(client, ZoomEvent) == []

    resp = await post_zoom(client, VECTOR_BODY)
    assert resp.status == 200
    [row] = await zoom_table(client, ZoomEvent)
    assert row.body.encode() == VECTOR_BODY
    assert (row.event, row.event_ts, row.meeting_id) == (
        "meeting.participant_joined",
        1626230691572,
        "1234567890",
    )


async def test_url_validation_answers_the_fact_sheet_vector(client: TestClient) -> None:
    resp = await post_zoom(client, url_validation_event(CRC_TOKEN))
    assert resp.status == 200
    assert await resp.json() == {"plainToken": CRC_TOKEN, "encryptedToken": CRC_ANSWER}
    assert await zoom_table(client, ZoomEvent) == []


async def test_url_validation_needs_a_valid_signature_too(client: TestClient) -> None:
    resp = await post_zoom(client, url_validation_event(CRC_TOKEN), secret="someone else's secret")
    assert (resp.status, (await resp.json())["error"]) == (401, "bad_signature")


async def test_wrong_signature_or_missing_headers_are_401_and_nothing_is_stored(client: TestClient) -> None:
    event = joined_event(MEETING, BUDI, JOIN)
    resp = await post_zoom(client, event, secret="not-the-secret")
    assert (resp.status, (await resp.json())["error"]) == (401, "bad_signature")
    resp = await client.post("/webhooks/zoom", data=encode_event(event))
    assert (resp.status, (await resp.json())["error"]) == (401, "bad_signature")
    assert await zoom_table(client, ZoomEvent) == []


async def test_timestamp_more_than_five_minutes_away_is_401(client: TestClient) -> None:
    event = joined_event(MEETING, BUDI, JOIN)
    for offset in (-330, 330):  # well past 300 s: a slow request must not carry it back inside
        resp = await post_zoom(client, event, timestamp=int(time.time()) + offset)
        assert (resp.status, (await resp.json())["error"]) == (401, "stale_timestamp")
    resp = await post_zoom(client, event, timestamp=int(time.time()) - 240)
    assert resp.status == 200


async def test_redelivery_is_stored_once(client: TestClient, tokens: dict[str, str]) -> None:
    await _batch(client, tokens)
    event = joined_event(MEETING, BUDI, JOIN)
    for _ in range(3):
        assert (await post_zoom(client, event)).status == 200
    await zoom_drained(client)
    [row] = await zoom_table(client, ZoomEvent)
    assert row.processed_at is not None and row.error is None
    [session] = await zoom_table(client, OnlineSession)
    assert (session.joined_at, session.left_at, session.seen_by_webhook) == (JOIN, None, True)


async def test_left_before_joined_makes_one_session_with_the_right_times(
    client: TestClient, tokens: dict[str, str]
) -> None:
    await _batch(client, tokens)
    assert (await post_zoom(client, left_event(MEETING, BUDI, LEAVE))).status == 200
    await zoom_drained(client)
    assert await zoom_table(client, OnlineSession) == []
    [waiting] = await zoom_table(client, ZoomEvent)
    assert (waiting.processed_at, waiting.error) == (None, "waiting_for_join")

    assert (await post_zoom(client, joined_event(MEETING, BUDI, JOIN))).status == 200
    await zoom_drained(client)
    [session] = await zoom_table(client, OnlineSession)
    assert (session.joined_at, session.left_at) == (JOIN, LEAVE)
    rows = await zoom_table(client, ZoomEvent)
    assert [(r.processed_at is not None, r.error) for r in rows] == [(True, None), (True, None)]


async def test_left_that_carries_its_join_time_needs_no_wait_and_no_duplicate(
    client: TestClient, tokens: dict[str, str]
) -> None:
    await _batch(client, tokens)
    left = left_event(MEETING, BUDI, LEAVE)
    left["payload"]["object"]["participant"]["join_time"] = "2023-08-21T00:05:12Z"  # type: ignore[index]
    assert (await post_zoom(client, left)).status == 200
    await zoom_drained(client)
    assert (await post_zoom(client, joined_event(MEETING, BUDI, JOIN))).status == 200
    await zoom_drained(client)
    [session] = await zoom_table(client, OnlineSession)
    assert (session.joined_at, session.left_at) == (JOIN, LEAVE)


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b'{"event":"meeting.participant_joined","event_ts":1,"payload":{"object":{"id":"1","uuid":"u"}}}',
        b'{"event":"meeting.participant_joined","payload":{}}',
        b"[1, 2, 3]",
        '{"event": "x", "event_ts": 1, "payload": {}}'.encode("utf-16"),
    ],
)
async def test_malformed_body_is_400_and_nothing_is_stored(client: TestClient, body: bytes) -> None:
    resp = await post_zoom(client, body)
    assert resp.status == 400
    assert (await resp.json())["error"] == "bad_payload"
    assert await zoom_table(client, ZoomEvent) == []


async def test_body_over_64_kib_is_413(client: TestClient) -> None:
    event = joined_event(MEETING, EventPerson(user_id="1", user_name="x" * 70_000), JOIN)
    resp = await post_zoom(client, event)
    assert resp.status == 413
    assert await zoom_table(client, ZoomEvent) == []


async def test_event_for_an_unlinked_meeting_is_stored_and_processed_with_a_note(
    client: TestClient, tokens: dict[str, str]
) -> None:
    await _batch(client, tokens)
    elsewhere = EventMeeting("99999999999", "Vg8IdgluR5WDeWIkpJlElQ==", JOIN)
    assert (await post_zoom(client, joined_event(elsewhere, BUDI, JOIN))).status == 200
    await zoom_drained(client)
    [row] = await zoom_table(client, ZoomEvent)
    assert row.processed_at is not None
    assert row.error == "no batch is linked to Zoom meeting 99999999999"
    assert await zoom_table(client, OnlineSession) == []


async def test_unconfigured_secret_refuses_every_delivery(aiohttp_client, db_url: str) -> None:  # type: ignore[no-untyped-def]
    client = await aiohttp_client(create_app(Settings(database_url=db_url, secret_key="k")))
    resp = await post_zoom(client, joined_event(MEETING, BUDI, JOIN), secret="")
    assert (resp.status, (await resp.json())["error"]) == (409, "zoom_not_configured")


async def test_rows_left_unprocessed_by_a_crash_are_processed_on_start(
    aiohttp_client,
    settings: Settings,
    tokens: dict[str, str],  # type: ignore[no-untyped-def]
) -> None:
    first = await aiohttp_client(create_app(settings))
    await _batch(first, tokens)
    await first.close()
    # a process stored two deliveries and died before its worker ran
    engine = create_engine(settings.database_url)
    async with engine.begin() as conn:
        bodies = [
            encode_event(joined_event(MEETING, BUDI, JOIN)),
            encode_event(left_event(MEETING, BUDI, LEAVE)),
        ]
        await store_events(conn, [event_row(parse_event(b), b.decode()) for b in bodies])
    await engine.dispose()

    client = await aiohttp_client(create_app(settings))
    await zoom_drained(client)
    [session] = await zoom_table(client, OnlineSession)
    assert (session.joined_at, session.left_at) == (JOIN, LEAVE)
    assert all(r.processed_at is not None for r in await zoom_table(client, ZoomEvent))


async def test_only_moderators_see_online_counts(client: TestClient, tokens: dict[str, str]) -> None:
    await _batch(client, tokens)
    url = "/api/v1/events/bali-2023/batches/K1/zoom/online"
    assert (await client.get(url, headers=bearer(tokens["staff"]))).status == 403
    resp = await client.get(url, headers=bearer(tokens["moderator"]))
    assert resp.status == 200
    assert await resp.json() == {
        "online_now": 0,
        "matched": 0,
        "unmatched": 0,
        "participants_online": 0,
        "sessions_total": 0,
    }
