"""The batch page's Zoom buttons against the fake Zoom over real HTTP: the results are shown."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from pytest_aiohttp import AiohttpServer

from eventops.settings import Settings
from eventops.storage.models import OnlineSession, Participant
from integrations.zoom.fake import STATE, FakeMeeting, FakeZoomState, create_fake_zoom, make_meeting
from tests.helpers import bearer, create_event, settings_with_fake_zoom, zoom_table
from tests.rosters import make_rows, to_csv
from tests.web.forms import log_in, post_form, shown_done, shown_error

MEETING_ID = "81234567890"  # batch K1's webinar (tests.helpers.batch_body)
PAGE = "/events/bali-2023/batches/K1"


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


async def test_push_registrants_shows_the_counts(
    client: TestClient, tokens: dict[str, str], db_url: str
) -> None:
    await create_event(client, tokens["organiser"], ("K1",))
    rows = [
        dataclasses.replace(r, mode="online", email=f"peserta{i}@baliprov.go.id" if i else "")
        for i, r in enumerate(make_rows(5, batches=("K1",), seed=5))
    ]
    resp = await client.post(
        "/api/v1/events/bali-2023/roster", data=to_csv(rows), headers=bearer(tokens["organiser"])
    )
    assert resp.status == 200
    await log_in(client, db_url)

    status, html = await post_form(client, PAGE + "/zoom/registrants", {})
    assert status == 200, html
    assert shown_done(html) == "zoom_registrants"
    assert 'data-key="registered">4<' in html and 'data-key="skipped">1<' in html
    assert sum(1 for p in await zoom_table(client, Participant) if p.zoom_join_url) == 4


async def test_sync_shows_what_the_report_held(
    client: TestClient, tokens: dict[str, str], db_url: str, zoom: TestServer
) -> None:
    start = datetime(2023, 8, 21, 0, 5, tzinfo=UTC)  # five past eight in Bali, batch K1
    meeting = make_meeting(
        12, 0.5, 11, start, start + timedelta(hours=3), kind="webinar", meeting_id=MEETING_ID
    )
    zoom.app[STATE].add_meeting(meeting)
    await create_event(client, tokens["organiser"], ("K1",))
    await log_in(client, db_url)
    status, html = await post_form(client, PAGE + "/zoom/sync", {})
    assert status == 200, html
    rows = sum(len(i.rows) for i in meeting.instances)
    assert shown_done(html) == "zoom_sync" and f'data-key="report_rows">{rows}<' in html
    assert len(await zoom_table(client, OnlineSession)) == rows


async def test_sync_before_the_meeting_ran_shows_zooms_refusal(
    client: TestClient, tokens: dict[str, str], db_url: str
) -> None:
    await create_event(client, tokens["organiser"], ("K1",))
    await log_in(client, db_url)
    status, html = await post_form(client, PAGE + "/zoom/sync", {})
    assert status >= 400 and shown_error(html) is not None, html
