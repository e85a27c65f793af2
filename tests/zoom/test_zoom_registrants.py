"""Personal Zoom join links against the fake Zoom over real HTTP: 1,000 pushed, the cap, a rerun, the pass."""

from __future__ import annotations

import dataclasses

import pytest
from aiohttp.test_utils import TestClient, TestServer
from pytest_aiohttp import AiohttpServer

from eventops.settings import Settings
from eventops.storage.models import Participant, Pass
from integrations.zoom.fake import STATE, FakeMeeting, FakeZoomState, create_fake_zoom
from tests.helpers import bearer, create_event, settings_with_fake_zoom, zoom_table
from tests.rosters import make_rows, roster_csv, to_csv

MEETING_ID = "81234567890"  # batch K1's webinar (tests.helpers.batch_body)
PUSH = "/api/v1/events/bali-2023/batches/K1/zoom/registrants"


@pytest.fixture
async def zoom(aiohttp_server: AiohttpServer) -> TestServer:
    """The fake Zoom on a real port, with batch K1's webinar open for registration."""
    state = FakeZoomState()
    state.add_meeting(FakeMeeting(MEETING_ID, "webinar", "Literasi Digital K1", instances=[]))
    return await aiohttp_server(create_fake_zoom(state))


@pytest.fixture
def settings(db_url: str, zoom: TestServer) -> Settings:
    """The app under test, pointed at the fake Zoom."""
    return settings_with_fake_zoom(db_url, zoom)


async def _roster(client: TestClient, token: str, online: int, offline: int = 0) -> None:
    """K1 with `online` participants who each have an email, and `offline` ones at the venue."""
    rows = make_rows(online + offline, batches=("K1",), seed=5)
    rows = [
        dataclasses.replace(r, mode="online" if i < online else "offline", email=f"peserta{i}@baliprov.go.id")
        for i, r in enumerate(rows)
    ]
    resp = await client.post("/api/v1/events/bali-2023/roster", data=to_csv(rows), headers=bearer(token))
    assert resp.status == 200, (await resp.text())[:1000]


def _posts(zoom: TestServer) -> int:
    return zoom.app[STATE].count("POST", f"/v2/webinars/{MEETING_ID}/registrants")


async def test_links_for_1000_participants_are_stored_and_shown_on_their_pass(
    client: TestClient, tokens: dict[str, str], zoom: TestServer
) -> None:
    await create_event(client, tokens["organiser"], ("K1",))
    await _roster(client, tokens["organiser"], 1000, offline=20)

    resp = await client.post(PUSH, headers=bearer(tokens["organiser"]))
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert (body["registered"], body["failed"], body["skipped"]) == (1000, 0, 0)

    people = [p for p in await zoom_table(client, Participant) if p.mode == "online"]
    assert len({p.zoom_registrant_id for p in people}) == 1000 and all(p.zoom_registrant_id for p in people)
    assert len({p.zoom_join_url for p in people}) == 1000
    at_zoom = zoom.app[STATE].meetings[MEETING_ID].registrants
    assert {p.zoom_registrant_id for p in people} == {r["id"] for r in at_zoom.values()}
    venue = [p for p in await zoom_table(client, Participant) if p.mode == "offline"]
    assert len(venue) == 20 and all(p.zoom_join_url is None for p in venue)

    person = people[0]
    [token] = [t.token for t in await zoom_table(client, Pass) if t.participant_id == person.id]
    page = await (await client.get(f"/p/{token}")).text()
    assert "Tautan Zoom pribadi" in page and "Your personal Zoom link" not in page
    assert f'href="{person.zoom_join_url}"' in page
    [other] = [t.token for t in await zoom_table(client, Pass) if t.participant_id == venue[0].id]
    assert "Tautan Zoom pribadi" not in await (await client.get(f"/p/{other}")).text()


async def test_a_failure_midway_keeps_what_succeeded_and_a_rerun_pushes_only_the_rest(
    client: TestClient, tokens: dict[str, str], zoom: TestServer
) -> None:
    await create_event(client, tokens["organiser"], ("K1",))
    await _roster(client, tokens["organiser"], 250)
    zoom.app[STATE].registrant_cap = 130  # Zoom says "capacity reached" after 130

    resp = await client.post(PUSH, headers=bearer(tokens["organiser"]))
    body = await resp.json()
    assert (body["registered"], body["failed"]) == (130, 120)
    assert any(f.get("code") == 3043 for f in body["failures"])
    stored = [p for p in await zoom_table(client, Participant) if p.zoom_registrant_id]
    assert len(stored) == 130

    zoom.app[STATE].registrant_cap = 4999
    sent_before = _posts(zoom)
    resp = await client.post(PUSH, headers=bearer(tokens["organiser"]))
    body = await resp.json()
    assert (body["registered"], body["failed"], body["skipped"]) == (120, 0, 130)
    assert body["skipped_reasons"] == {"already_registered": 130}
    assert _posts(zoom) - sent_before == 120
    people = await zoom_table(client, Participant)
    assert len({p.zoom_registrant_id for p in people}) == 250 and all(p.zoom_registrant_id for p in people)


async def test_more_than_4999_is_refused_before_any_call(
    client: TestClient, tokens: dict[str, str], zoom: TestServer
) -> None:
    await create_event(client, tokens["organiser"], ("K1",))
    await _roster(client, tokens["organiser"], 5000)
    resp = await client.post(PUSH, headers=bearer(tokens["organiser"]))
    assert (resp.status, (await resp.json())["error"]) == (409, "registrant_cap")
    assert zoom.app[STATE].calls == []
    assert all(p.zoom_registrant_id is None for p in await zoom_table(client, Participant))


async def test_people_without_an_email_or_sharing_one_are_skipped(
    client: TestClient, tokens: dict[str, str], zoom: TestServer
) -> None:
    await create_event(client, tokens["organiser"], ("K1",))
    roster = roster_csv(
        (
            "198503122010011003",
            "I Made Sudarma",
            "Pemprov Bali",
            "",
            "made@baliprov.go.id",
            "",
            "K1",
            "daring",
        ),
        ("199001022015031004", "Budi Santoso", "Pemkot Denpasar", "", "", "", "K1", "daring"),
        ("197512302000031002", "Ketut Arsana", "Badung", "", "kantor@badungkab.go.id", "", "K1", "daring"),
        ("198001012005011001", "Wayan Sukerta", "Badung", "", "KANTOR@badungkab.go.id", "", "K1", "daring"),
    )
    resp = await client.post(
        "/api/v1/events/bali-2023/roster", data=roster, headers=bearer(tokens["organiser"])
    )
    assert resp.status == 200
    resp = await client.post(PUSH, headers=bearer(tokens["organiser"]))
    body = await resp.json()
    assert (body["registered"], body["failed"], body["skipped"]) == (1, 0, 3)
    assert body["skipped_reasons"] == {"no_email": 1, "shared_email": 2}
    assert _posts(zoom) == 1


async def test_only_organisers_push_links(client: TestClient, tokens: dict[str, str]) -> None:
    await create_event(client, tokens["organiser"], ("K1",))
    resp = await client.post(PUSH, headers=bearer(tokens["moderator"]))
    assert resp.status == 403
