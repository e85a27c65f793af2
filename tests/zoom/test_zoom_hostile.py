"""Hostile Zoom deliveries: NUL and lone surrogates are made storable, a delivery the worker cannot process is
quarantined (listed for moderators, retried by hand), and one bad row never fails its group commit."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import text

from eventops.keys import ENGINE
from eventops.settings import Settings
from eventops.storage.db import create_engine
from eventops.storage.models import OnlineSession, ZoomEvent
from eventops.zoom.worker import WebhookInbox, ZoomWorker
from integrations.zoom.fake import EventMeeting, EventPerson, joined_event
from tests.helpers import ZOOM_SECRET, bearer, create_event, post_zoom, zoom_drained, zoom_table

MEETING = EventMeeting("81234567890", "gsqg0HKxTQ2TxSVAxE9+0w==", datetime(2023, 8, 21, 0, 0, tzinfo=UTC))
JOIN = datetime(2023, 8, 21, 0, 5, 12, tzinfo=UTC)
HOSTILE = ["\x00", "\ud800", "Bu\x00di\udfff"]
# A guard, not synchronisation: before the fix the worker never finishes a pass and drain() never returns.
DRAIN_GUARD = 30.0


@pytest.fixture
def settings(db_url: str) -> Settings:
    """The app under test, with a webhook secret."""
    return Settings(database_url=db_url, secret_key="test-secret", zoom_webhook_secret=ZOOM_SECRET)


def ascii_body(event: Any) -> bytes:
    """The delivery as JSON with escapes, the only way a NUL or a lone surrogate travels in UTF-8 JSON."""
    return json.dumps(event, separators=(",", ":")).encode()


def person(n: int, **fields: str) -> EventPerson:
    """Participant `n` of the meeting."""
    values = {
        "user_id": str(16778240 + n),
        "user_name": f"Peserta {n}",
        "participant_uuid": f"pu-{n}",
        **fields,
    }
    return EventPerson(**values)


async def drained(client: TestClient) -> None:
    """The worker has processed everything stored so far."""
    await asyncio.wait_for(zoom_drained(client), DRAIN_GUARD)


@pytest.mark.parametrize("name", HOSTILE)
async def test_a_hostile_display_name_is_stored_cleaned_and_blocks_nothing(
    client: TestClient, tokens: dict[str, str], name: str
) -> None:
    await create_event(client, tokens["organiser"], ("K1",))
    assert (
        await post_zoom(client, ascii_body(joined_event(MEETING, person(1, user_name=name), JOIN)))
    ).status == 200
    assert (await post_zoom(client, joined_event(MEETING, person(2), JOIN))).status == 200
    await drained(client)
    sessions = await zoom_table(client, OnlineSession)
    assert sorted(s.display_name for s in sessions) == sorted(
        ["Peserta 2", name.replace("\x00", "").replace("\ud800", "\ufffd").replace("\udfff", "\ufffd")]
    )
    assert all(
        row.processed_at is not None and row.error is None for row in await zoom_table(client, ZoomEvent)
    )


@pytest.mark.parametrize("field", ["user_id", "participant_uuid", "email", "registrant_id"])
async def test_hostile_ids_are_stored_and_innocent_neighbours_are_answered(
    client: TestClient, tokens: dict[str, str], field: str
) -> None:
    await create_event(client, tokens["organiser"], ("K1",))
    hostile = [joined_event(MEETING, person(n, **{field: f"{n}\x00\ud800"}), JOIN) for n in range(3)]
    innocent = [joined_event(MEETING, person(n), JOIN) for n in range(10, 30)]
    answers = await asyncio.gather(*(post_zoom(client, ascii_body(e)) for e in [*hostile, *innocent]))
    assert [a.status for a in answers] == [200] * 23
    await drained(client)
    assert len(await zoom_table(client, OnlineSession)) == 23


async def test_a_hostile_meeting_uuid_is_stored_and_innocent_neighbours_are_answered(
    client: TestClient, tokens: dict[str, str]
) -> None:
    await create_event(client, tokens["organiser"], ("K1",))
    odd = EventMeeting(MEETING.id, "gsqg\x00\ud800==", MEETING.start_time)
    events = [
        joined_event(odd, person(1), JOIN),
        *(joined_event(MEETING, person(n), JOIN) for n in range(2, 12)),
    ]
    answers = await asyncio.gather(*(post_zoom(client, ascii_body(e)) for e in events))
    assert [a.status for a in answers] == [200] * 11
    await drained(client)
    rows = await zoom_table(client, ZoomEvent)
    assert "\x00" not in (rows[0].meeting_uuid or "") and len(await zoom_table(client, OnlineSession)) == 11


# --- quarantine ---------------------------------------------------------------------------------------------

POISON = "Racun Tikus"


async def _poison_sessions(client: TestClient) -> None:
    """Make the database refuse any session named POISON, as it would refuse a value it cannot store."""
    async with client.app[ENGINE].begin() as conn:
        if conn.dialect.name == "sqlite":
            await conn.execute(
                text(
                    "CREATE TRIGGER poison BEFORE INSERT ON online_sessions"
                    f" WHEN NEW.display_name = '{POISON}' BEGIN SELECT RAISE(ABORT, 'poisoned'); END"
                )
            )
            return
        await conn.execute(
            text(
                "CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                f" IF NEW.display_name = '{POISON}' THEN RAISE EXCEPTION 'poisoned'; END IF;"
                " RETURN NEW; END $$"
            )
        )
        await conn.execute(
            text(
                "CREATE TRIGGER poison BEFORE INSERT ON online_sessions"
                " FOR EACH ROW EXECUTE FUNCTION poison()"
            )
        )


async def _cure(client: TestClient) -> None:
    async with client.app[ENGINE].begin() as conn:
        if conn.dialect.name == "sqlite":
            await conn.execute(text("DROP TRIGGER IF EXISTS poison"))
        else:
            await conn.execute(text("DROP TRIGGER IF EXISTS poison ON online_sessions"))
            await conn.execute(text("DROP FUNCTION IF EXISTS poison()"))


async def test_a_delivery_the_worker_cannot_process_is_quarantined_listed_and_retried_by_hand(
    client: TestClient, tokens: dict[str, str]
) -> None:
    await create_event(client, tokens["organiser"], ("K1",))
    await _poison_sessions(client)
    try:
        for n in range(1, 6):
            who = person(n, user_name=POISON) if n == 3 else person(n)
            assert (await post_zoom(client, joined_event(MEETING, who, JOIN))).status == 200
        await drained(client)
        sessions = await zoom_table(client, OnlineSession)
        assert sorted(s.display_name for s in sessions) == [f"Peserta {n}" for n in (1, 2, 4, 5)]
        [kept] = [row for row in await zoom_table(client, ZoomEvent) if row.processed_at is None]
        assert kept.quarantined_at is not None and "poisoned" in (kept.error or "")

        assert (await client.get("/api/v1/zoom/quarantine", headers=bearer(tokens["staff"]))).status == 403
        resp = await client.get("/api/v1/zoom/quarantine", headers=bearer(tokens["moderator"]))
        assert resp.status == 200
        [listed] = (await resp.json())["deliveries"]
        assert (listed["id"], listed["event"], listed["meeting_id"]) == (
            kept.id,
            "meeting.participant_joined",
            MEETING.id,
        )
        assert "poisoned" in listed["error"]
        # new deliveries are not held up behind the quarantined one
        assert (await post_zoom(client, joined_event(MEETING, person(6), JOIN))).status == 200
        await drained(client)
        assert len(await zoom_table(client, OnlineSession)) == 5
    finally:
        await _cure(client)

    retry = f"/api/v1/zoom/quarantine/{kept.id}/retry"
    assert (await client.post(retry, headers=bearer(tokens["staff"]))).status == 403
    resp = await client.post(retry, headers=bearer(tokens["moderator"]))
    assert resp.status == 200, await resp.text()
    await drained(client)
    assert POISON in [s.display_name for s in await zoom_table(client, OnlineSession)]
    resp = await client.get("/api/v1/zoom/quarantine", headers=bearer(tokens["organiser"]))
    assert (await resp.json())["deliveries"] == []
    resp = await client.post(retry, headers=bearer(tokens["organiser"]))
    assert (resp.status, (await resp.json())["error"]) == (404, "not_found")
    for bad in ("x", "0", str(2**31), "-1"):
        resp = await client.post(f"/api/v1/zoom/quarantine/{bad}/retry", headers=bearer(tokens["organiser"]))
        assert resp.status == 404, bad


async def test_one_row_the_database_refuses_fails_only_its_own_request(db_url: str) -> None:
    engine = create_engine(db_url)
    inbox = WebhookInbox(engine, ZoomWorker(None))  # type: ignore[arg-type]  # the worker is only notified
    writer = asyncio.create_task(inbox.run())
    try:

        def row(n: int, **change: Any) -> dict[str, Any]:
            now = datetime.now(UTC)
            base = {"dedup_key": f"k{n}", "event": "meeting.started", "event_ts": n, "meeting_id": "1"}
            base |= {"meeting_uuid": None, "connection_key": None, "body": "{}", "received_at": now}
            return {**base, "processed_at": None, "error": None, **change}

        rows = [row(n) for n in range(8)] + [row(99, dedup_key=None)]  # NOT NULL: the database refuses it
        results = await asyncio.gather(*(inbox.store(r) for r in rows), return_exceptions=True)
        assert results[:8] == [None] * 8
        assert isinstance(results[8], Exception)
    finally:
        writer.cancel()
        await asyncio.gather(writer, return_exceptions=True)
    async with engine.connect() as conn:
        stored = await conn.execute(text("SELECT dedup_key FROM zoom_events ORDER BY dedup_key"))
        keys = stored.scalars().all()
    await engine.dispose()
    assert keys == [f"k{n}" for n in range(8)]
