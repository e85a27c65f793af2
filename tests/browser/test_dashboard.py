"""The moderators' dashboard in a real Chromium: live counters over SSE, the review queue, escaping.

Each test checks what the server stored, not only what the page shows.
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import pytest

if os.environ.get("CI") != "true":  # under CI a missing playwright is an error, never a skip
    pytest.importorskip("playwright.async_api")

from aiohttp.test_utils import TestClient
from playwright.async_api import expect
from sqlmodel import select

from eventops.storage.models import Batch, OnlineSession, Participant
from eventops.timeutil import utcnow
from tests.browser.conftest import HOSTILE_NAME, Venue
from tests.helpers import add_connections, bearer, connection, db_session, door_fields, stored

pytestmark = pytest.mark.browser

HOSTILE_ZOOM = "<img src=x onerror=\"document.title='pwned'\"><script>alert(1)</script>"


async def batch_id(venue: Venue, code: str) -> int:
    """The id of the venue event's batch `code`."""
    async with db_session(venue.db_url) as session:
        found = (await session.exec(select(Batch).where(Batch.code == code))).one()
    assert found.id is not None
    return found.id


async def nips_by_id(venue: Venue) -> dict[int | None, str | None]:
    """Every participant's NIP by id."""
    async with db_session(venue.db_url) as session:
        return {p.id: p.nip for p in (await session.exec(select(Participant))).all()}


def _watch(page: Any) -> list[str]:
    """Console errors and dialogs of the page (a hostile name that ran would open one)."""
    problems: list[str] = []
    page.on("dialog", lambda d: problems.append(f"dialog: {d.message}"))
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" and not m.location.get("url", "").endswith("/favicon.ico")
            else None
        ),
    )
    return problems


async def test_a_checkin_through_the_api_moves_the_venue_counter_live(
    moderator: Any, venue: Venue, client: TestClient, tokens: dict[str, str]
) -> None:
    page = await moderator.new_page()
    problems = _watch(page)
    response = await page.goto(f"{venue.base_url}/dashboard/{venue.slug}/K1")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    await expect(page.locator("#dash")).to_have_attribute("data-live", "open")
    await expect(page.locator("#venue-in")).to_have_text("0")
    await expect(page.locator("#zoom-online")).to_have_text("0")

    person = venue.in_batch("K1")[1]
    resp = await client.post(
        f"/api/v1/events/{venue.slug}/batches/K1/scans",
        json={"token": person.token, **door_fields(station="Gate 1")},
        headers=bearer(tokens["staff"]),
    )
    assert (resp.status, (await resp.json())["result"]) == (200, "ok")

    # no reload and no poll: the stream stayed open (polling runs only while it is down), so the SSE did it
    await expect(page.locator("#venue-in")).to_have_text("1")
    await expect(page.locator("#dash")).to_have_attribute("data-live", "open")
    assert int(await page.locator("#venue").get_attribute("data-checked-in")) == 1
    assert problems == []


async def test_the_review_queue_resolves_and_dismisses_from_the_page(moderator: Any, venue: Venue) -> None:
    k1 = await batch_id(venue, "K1")
    joined = utcnow() - timedelta(minutes=20)
    hostile, guest, device = await add_connections(
        venue.db_url,
        connection(k1, "conn-hostile", HOSTILE_ZOOM, joined, minutes=None),
        connection(k1, "conn-guest", "Tamu Undangan 17", joined, minutes=None),
        connection(k1, "conn-device", "iPhone", joined, minutes=None),
    )
    page = await moderator.new_page()
    problems = _watch(page)
    await page.goto(f"{venue.base_url}/dashboard/{venue.slug}/K1")
    await expect(page.locator("#dash")).to_have_attribute("data-live", "open")

    items = page.locator("#review-list li.review-item")
    await expect(items).to_have_count(3)
    await expect(page.locator("#review-total")).to_have_text("3")
    await expect(page.locator("#zoom-online")).to_have_text("3")
    await expect(page.locator("#zoom-unmatched")).to_have_text("3")
    # the hostile display name is text: no element made from it, nothing ran
    row = page.locator(f'#review-list li[data-id="{hostile}"]')
    await expect(row.locator(".display-name")).to_have_text(HOSTILE_ZOOM)
    assert await page.locator("#review-list img, #review-list script").count() == 0
    assert await page.title() != "pwned"

    # "ini dia": the suggestion is the roster person with a hostile name, shown as text too
    hostile_person, sudarma = venue.people[0], venue.people[1]
    assert (hostile_person.name, hostile_person.batch, sudarma.batch) == (HOSTILE_NAME, "K1", "K1")
    suggestion = row.locator("button.suggestion").filter(has_text=HOSTILE_NAME)
    await expect(suggestion).to_have_count(1)
    await suggestion.click()
    await expect(row).to_have_count(0)
    await expect(page.locator("#review-status")).to_contain_text(HOSTILE_NAME)

    # a typed NIP
    row = page.locator(f'#review-list li[data-id="{guest}"]')
    await row.locator(".nip-form input").fill(sudarma.nip)
    await row.locator(".nip-form button[type=submit]").click()
    await expect(row).to_have_count(0)
    await expect(page.locator("#review-status")).to_contain_text(sudarma.name)

    await page.locator(f'#review-list li[data-id="{device}"] .dismiss').click()
    await expect(items).to_have_count(0)
    await expect(page.locator("#review-empty")).to_be_visible()
    await expect(page.locator("#review-total")).to_have_text("0")
    await expect(page.locator("#zoom-matched")).to_have_text("2")

    rows = {r.connection_key: r for r in await stored(venue.db_url, OnlineSession)}
    nips = await nips_by_id(venue)
    assert (nips.get(rows["conn-hostile"].participant_id), rows["conn-hostile"].review_state) == (
        hostile_person.nip,
        "resolved",
    )
    assert (nips.get(rows["conn-guest"].participant_id), rows["conn-guest"].review_state) == (
        sudarma.nip,
        "resolved",
    )
    assert (rows["conn-device"].participant_id, rows["conn-device"].review_state) == (None, "dismissed")
    assert await page.locator("img").count() == 0
    assert problems == []


async def test_a_stranger_is_sent_to_the_login_form(browser: Any, venue: Venue) -> None:
    context = await browser.new_context()
    try:
        page = await context.new_page()
        await page.goto(f"{venue.base_url}/dashboard/{venue.slug}/K1")
        assert "/login" in page.url
    finally:
        await context.close()


async def test_without_the_stream_the_page_polls_and_home_links_to_it(moderator: Any, venue: Venue) -> None:
    await moderator.route("**/live", lambda route: route.abort())
    page = await moderator.new_page()
    await page.goto(venue.base_url + "/")
    link = page.locator(f'a[href="/dashboard/{venue.slug}/K1"]')
    await expect(link).to_have_count(1)
    assert await page.locator('a[href$="/attendance.csv"]').count() == 0  # downloads are for organisers
    await link.click()

    await expect(page.locator("#dash")).to_have_attribute("data-live", "polling")
    await expect(page.locator("#venue-in")).to_have_text("0")
    await expect(page.locator("#review-empty")).to_be_visible()


async def test_home_gives_organisers_each_batchs_pages_and_downloads(
    client: TestClient, tokens: dict[str, str], venue: Venue
) -> None:
    resp = await client.get("/", headers=bearer(tokens["organiser"]))
    html = await resp.text()
    assert resp.status == 200, html
    for code in ("K1", "K2"):
        batch = f"/api/v1/events/{venue.slug}/batches/{code}"
        for href in (
            f"/dashboard/{venue.slug}/{code}",
            f"/stream/{venue.slug}/{code}",
            *(f"{batch}/attendance.{fmt}" for fmt in ("csv", "xlsx", "pdf")),
        ):
            assert f'href="{href}"' in html
        assert f'href="/scan?event={venue.slug}&amp;batch={code}"' in html  # the scanner opens on this batch
    page = f"/dashboard/{venue.slug}/K1"
    organiser = await (await client.get(page, headers=bearer(tokens["organiser"]))).text()
    moderator = await (await client.get(page, headers=bearer(tokens["moderator"]))).text()
    assert "/attendance.pdf" in organiser and "/attendance.pdf" not in moderator


async def test_an_unknown_batch_is_a_404_and_staff_are_refused(
    client: TestClient, tokens: dict[str, str], venue: Venue
) -> None:
    resp = await client.get(f"/dashboard/{venue.slug}/K9", headers=bearer(tokens["moderator"]))
    assert resp.status == 404
    resp = await client.get(f"/dashboard/{venue.slug}/K1", headers=bearer(tokens["staff"]))
    assert resp.status == 403
