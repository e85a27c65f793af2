"""Report sync against the fake Zoom over real HTTP: reconciling webhooks, idempotence, 3001, the CLI."""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from pytest_aiohttp import AiohttpServer
from sqlalchemy import bindparam, update

from eventops import cli
from eventops.app import create_app
from eventops.keys import SESSIONMAKER
from eventops.roster.nip import normalise_nip
from eventops.settings import Settings
from eventops.storage.models import OnlineSession, Participant
from eventops.zoom.sessions import connection_key
from integrations.zoom.fake import (
    STATE,
    EventMeeting,
    EventPerson,
    FakeMeeting,
    FakeZoomState,
    create_fake_zoom,
    deliver,
    events_for_instance,
    joined_event,
    left_event,
    make_meeting,
)
from integrations.zoom.models import parse_zoom_time
from tests.helpers import ZOOM_SECRET, bearer, create_event, settings_with_fake_zoom, zoom_drained, zoom_table
from tests.rosters import roster_csv

MEETING_ID = "81234567890"  # batch K1's webinar (tests.helpers.batch_body), 2023-08-21 00.00-04.00 UTC
T0 = datetime(2023, 8, 21, 0, 0, tzinfo=UTC)
SYNC = "/api/v1/events/bali-2023/batches/K1/zoom/sync"
EXTRA = (EventPerson("999000001", "Ruang Rapat Dinkes Badung"), EventPerson("999000002", "iPhone"))


@pytest.fixture
async def zoom(aiohttp_server: AiohttpServer) -> TestServer:
    """The fake Zoom on a real port."""
    return await aiohttp_server(create_fake_zoom(FakeZoomState()))


@pytest.fixture
def settings(db_url: str, zoom: TestServer) -> Settings:
    """The app under test, pointed at the fake Zoom."""
    return settings_with_fake_zoom(db_url, zoom, zoom_webhook_secret=ZOOM_SECRET)


def _webinar(zoom: TestServer, people: int = 300) -> FakeMeeting:
    """A webinar of `people` with reconnects, inside batch K1's window; its report has millisecond times."""
    end = T0 + timedelta(hours=3, minutes=50)
    meeting = make_meeting(
        people, 0.5, 11, T0 + timedelta(minutes=5), end, kind="webinar", meeting_id=MEETING_ID
    )
    return zoom.app[STATE].add_meeting(meeting)


async def _roster(client: TestClient, token: str, meeting: FakeMeeting) -> None:
    """The webinar's people on K1's roster; those with a registrant id got it from eventops."""
    rows = [(p.nip, p.name, p.agency, p.unit, p.email, "", "K1", "daring") for p in meeting.people]
    resp = await client.post("/api/v1/events/bali-2023/roster", data=roster_csv(*rows), headers=bearer(token))
    assert resp.status == 200, (await resp.text())[:2000]
    registered = [{"_nip": p.nip, "rid": p.registrant_id} for p in meeting.people if p.registrant_id]
    statement = (
        update(Participant.__table__)  # type: ignore[attr-defined]
        .where(Participant.__table__.c.nip == bindparam("_nip"))  # type: ignore[attr-defined]
        .values(zoom_registrant_id=bindparam("rid"))
    )
    async with client.app[SESSIONMAKER]() as session:
        await (await session.connection()).execute(statement, registered)
        await session.commit()


async def _webhooks(client: TestClient, meeting: FakeMeeting) -> None:
    """What webhooks delivered: two of every three connections, plus two connections the report lacks."""
    instance = meeting.instances[0]
    seen = [
        e
        for e in events_for_instance(meeting, instance)
        if "participant" not in e["payload"]["object"]  # type: ignore[index, operator]
        or int(e["payload"]["object"]["participant"]["user_id"]) % 3  # type: ignore[index]
    ]
    where = EventMeeting.of(meeting, instance)
    for person in EXTRA:
        seen += [
            joined_event(where, person, T0 + timedelta(minutes=20)),
            left_event(where, person, T0 + timedelta(hours=1)),
        ]
    url = str(client.make_url("/webhooks/zoom"))
    results = await deliver(
        client.session, url, ZOOM_SECRET, seen, duplicates=0.05, shuffle=True, concurrency=8
    )
    assert {r.status for r in results} == {200}
    await zoom_drained(client)


def _report_rows(meeting: FakeMeeting) -> list[dict[str, object]]:
    return [row for row in meeting.instances[0].rows if row["status"] == "in_meeting"]


def _snapshot(sessions: list[OnlineSession]) -> list[dict[str, object]]:
    return [s.model_dump() for s in sessions]


async def test_report_is_reconciled_with_webhook_sessions_and_a_rerun_changes_nothing(
    client: TestClient, tokens: dict[str, str], zoom: TestServer
) -> None:
    await create_event(client, tokens["organiser"], ("K1",))
    meeting = _webinar(zoom)
    await _roster(client, tokens["organiser"], meeting)
    await _webhooks(client, meeting)
    rows = _report_rows(meeting)
    assert len(rows) > 400 and len({r["name"] for r in rows}) > 100  # several hundred people, reconnects

    resp = await client.post(SYNC, headers=bearer(tokens["organiser"]))
    assert resp.status == 200, await resp.text()
    answer = await resp.json()
    missed = sum(1 for r in rows if int(str(r["user_id"])) % 3 == 0)
    assert answer == {
        "report_rows": len(rows),
        "sessions_created": missed,
        "sessions_updated": len(rows) - missed,
        "webhook_only": 2,
        "instances": 1,
    }
    uuid = meeting.instances[0].uuid
    sessions = await zoom_table(client, OnlineSession)
    by_key = {s.connection_key: s for s in sessions}
    assert len(sessions) == len(rows) + 2
    for row in rows:
        found = by_key[connection_key(uuid, str(row["user_id"]))]
        # the report is the authority for intervals (to the millisecond it gives)
        assert found.joined_at == parse_zoom_time(str(row["join_time"]))
        assert found.left_at == parse_zoom_time(str(row["leave_time"]))
        assert found.seen_in_report and found.seen_by_webhook == (int(str(row["user_id"])) % 3 != 0)
    only = [s for s in sessions if not s.seen_in_report]
    assert sorted(s.display_name for s in only) == sorted(p.user_name for p in EXTRA)
    assert all(s.seen_by_webhook and s.left_at == T0 + timedelta(hours=1) for s in only)

    before = _snapshot(sessions)
    resp = await client.post(SYNC, headers=bearer(tokens["organiser"]))
    again = await resp.json()
    assert (again["sessions_created"], again["sessions_updated"], again["webhook_only"]) == (0, 0, 2)
    assert _snapshot(await zoom_table(client, OnlineSession)) == before


async def test_sync_matches_exactly_and_only_the_right_people(
    client: TestClient, tokens: dict[str, str], zoom: TestServer
) -> None:
    await create_event(client, tokens["organiser"], ("K1",))
    meeting = _webinar(zoom, 200)
    await _roster(client, tokens["organiser"], meeting)
    resp = await client.post(SYNC, headers=bearer(tokens["organiser"]))
    assert resp.status == 200

    nip_of = {p.id: p.nip for p in await zoom_table(client, Participant)}
    by_registrant = {p.registrant_id: p.nip for p in meeting.people if p.registrant_id}
    by_email = {p.email.lower(): p.nip for p in meeting.people}
    sessions = await zoom_table(client, OnlineSession)
    matched = [s for s in sessions if s.review_state == "matched"]
    assert len(matched) > 0.7 * len(sessions)
    for s in matched:
        truth = {
            "registrant": by_registrant.get(s.registrant_id or ""),
            "email": by_email.get((s.email or "").lower()),
            "nip": next((p.nip for p in meeting.people if p.nip in normalise_nip(s.display_name)), None),
        }[s.match_method or ""]
        assert nip_of[s.participant_id] == truth, (s.display_name, s.match_method)
    assert {s.match_method for s in matched} >= {"registrant", "email"}
    assert all(s.participant_id is None for s in sessions if s.review_state == "pending")


async def test_report_not_ready_is_409_then_the_next_try_succeeds(
    client: TestClient, tokens: dict[str, str], zoom: TestServer
) -> None:
    await create_event(client, tokens["organiser"], ("K1",))
    _webinar(zoom, 20)
    zoom.app[STATE].report_not_ready(1)

    resp = await client.post(SYNC, headers=bearer(tokens["organiser"]))
    assert resp.status == 409
    body = await resp.json()
    assert body["error"] == "report_not_ready"
    assert "try again in a few minutes" in body["detail"]
    assert await zoom_table(client, OnlineSession) == []

    resp = await client.post(SYNC, headers=bearer(tokens["organiser"]))
    assert resp.status == 200
    assert (await resp.json())["sessions_created"] > 20


async def test_a_meeting_still_running_is_not_ready_rather_than_empty(
    client: TestClient, tokens: dict[str, str], zoom: TestServer
) -> None:
    await create_event(client, tokens["organiser"], ("K1",))
    _webinar(zoom, 20).instances[0].end_time = None
    resp = await client.post(SYNC, headers=bearer(tokens["organiser"]))
    assert (resp.status, (await resp.json())["error"]) == (409, "report_not_ready")


async def test_a_daily_rate_limit_is_429(
    client: TestClient, tokens: dict[str, str], zoom: TestServer
) -> None:
    await create_event(client, tokens["organiser"], ("K1",))
    _webinar(zoom, 20)
    zoom.app[STATE].rate_limit(1, daily=True)
    resp = await client.post(SYNC, headers=bearer(tokens["organiser"]))
    assert (resp.status, (await resp.json())["error"]) == (429, "zoom_rate_limited")


async def test_sync_without_zoom_credentials_is_409(
    aiohttp_client,
    db_url: str,
    tokens: dict[str, str],  # type: ignore[no-untyped-def]
) -> None:
    client = await aiohttp_client(create_app(Settings(database_url=db_url, secret_key="k")))
    await create_event(client, tokens["organiser"], ("K1",))
    resp = await client.post(SYNC, headers=bearer(tokens["organiser"]))
    assert (resp.status, (await resp.json())["error"]) == (409, "zoom_not_configured")


async def test_command_line_sync_reports_progress(
    client: TestClient,
    tokens: dict[str, str],
    zoom: TestServer,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await create_event(client, tokens["organiser"], ("K1",))
    rows = len(_report_rows(_webinar(zoom, 50)))
    for name, value in asdict(settings).items():
        if name.startswith("zoom_") or name == "database_url":
            monkeypatch.setenv(f"EVENTOPS_{name.upper()}", str(value))

    code = await asyncio.to_thread(cli.main, ["zoom", "sync", "bali-2023", "K1"])

    out = capsys.readouterr().out
    assert code == 0, out
    assert "fetching Zoom reports of webinar 81234567890" in out
    assert f"{rows} report rows: {rows} sessions created, 0 updated" in out
    assert len(await zoom_table(client, OnlineSession)) == rows
