"""The moderators' tools and the defects seen in the browser (issue 13), in a real Chromium at 390 px.

Each test saves screenshots of its pages under artifacts/screenshots/ and checks what the server stored.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from typing import Any

import pytest

if os.environ.get("CI") != "true":  # under CI a missing playwright is an error, never a skip
    pytest.importorskip("playwright.async_api")

from aiohttp.test_utils import TestClient
from playwright.async_api import expect
from sqlmodel import select

from eventops.storage.models import Batch, Checkpoint, CheckpointSubmission, Participant
from eventops.timeutil import to_utc, utcnow
from tests.browser.conftest import PHONE, Venue, choose, no_horizontal_scroll, shot, staff_context
from tests.helpers import (
    add_connections,
    batch_body,
    bearer,
    checkin,
    connection,
    db_session,
    door_fields,
    post_hadir,
    stored,
    wita,
)

pytestmark = pytest.mark.browser


def _errors(page: Any) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    return problems


async def test_a_moderator_opens_and_closes_a_code_and_sees_a_form_answer_arrive_live(
    moderator: Any, venue: Venue, client: TestClient
) -> None:
    dashboard = await moderator.new_page()
    problems = _errors(dashboard)
    await dashboard.goto(f"{venue.base_url}/dashboard/{venue.slug}/K1")
    await expect(dashboard.locator("#dash")).to_have_attribute("data-live", "open")
    await expect(dashboard.locator("#codes-empty")).to_be_visible()
    await dashboard.evaluate("window.__notReloaded = true")

    stream = await moderator.new_page()
    problems += _errors(stream)
    await stream.goto(f"{venue.base_url}/stream/{venue.slug}/K1")
    await expect(stream.locator("#stream-page")).to_have_attribute("data-live", "open")
    await stream.fill("#cp-code", "4821")
    await stream.click("#checkpoint-form button[type=submit]")
    row = stream.locator('#checkpoint-list tr[data-code="4821"]')
    await expect(row).to_have_attribute("data-state", "open")
    [stored_code] = await stored(venue.db_url, Checkpoint)
    assert stored_code.code == "4821" and to_utc(stored_code.closes_at) > utcnow()
    await shot(stream, "stream-code-open")

    # the dashboard learns of the code, then of a viewer's answer through the public form: no reload
    code = dashboard.locator('#codes-list tr[data-code="4821"]')
    await expect(code).to_have_count(1)
    viewer = next(p for p in venue.in_batch("K1") if p.nip)
    status, _ = await post_hadir(client, viewer.nip, "4821")
    assert status == 200
    await expect(code.locator("[data-answers]")).to_have_text("1")
    await expect(stream.locator('#checkpoint-list tr[data-code="4821"] [data-received]')).to_have_text("1")
    assert await dashboard.evaluate("window.__notReloaded === true")
    assert len(await stored(venue.db_url, CheckpointSubmission)) == 1
    await shot(dashboard, "dashboard-answer-arrived")

    await row.locator("button").click()
    await expect(stream.locator('#checkpoint-list tr[data-code="4821"]')).to_have_attribute(
        "data-state", "closed"
    )
    [closed] = await stored(venue.db_url, Checkpoint)
    assert to_utc(closed.closes_at) <= utcnow()
    await expect(code).to_contain_text("ditutup")
    assert await dashboard.evaluate("window.__notReloaded === true")
    await no_horizontal_scroll(stream)
    await no_horizontal_scroll(dashboard)
    await shot(stream, "stream-code-closed")
    assert problems == []


async def test_the_dashboard_fits_a_phone_and_pages_the_review_queue(
    moderator: Any, venue: Venue, db_url: str
) -> None:
    async with db_session(venue.db_url) as session:
        k1 = (await session.exec(select(Batch).where(Batch.code == "K1"))).one()
    joined = utcnow() - timedelta(minutes=20)
    long_name = "Pemerintah Kabupaten Kepulauan Selayar Dinas Komunikasi dan Informatika " * 2
    await add_connections(
        venue.db_url,
        *(connection(k1.id, f"c{i}", f"{long_name} {i}", joined, minutes=None) for i in range(30)),
    )
    page = await moderator.new_page()
    await page.goto(f"{venue.base_url}/dashboard/{venue.slug}/K1")
    await expect(page.locator("#dash")).to_have_attribute("data-live", "open")
    await expect(page.locator("#review-total")).to_have_text("30")
    await expect(page.locator("#review-list li.review-item")).to_have_count(20)
    await expect(page.locator("#review-more")).to_be_visible()
    await page.click("#review-next")
    await expect(page.locator("#review-list li.review-item")).to_have_count(30)
    await expect(page.locator("#review-more")).to_be_hidden()
    await expect(page.locator("#agency-list tr").first).to_be_attached()
    await expect(page.locator("#roster-list li").first).to_be_attached()
    # the scanner and the dashboard count the same thing, labelled the same way
    await expect(page.locator("#venue")).to_contain_text("hadir di lokasi / peserta luring")
    await no_horizontal_scroll(page)
    await shot(page, "dashboard-390")

    # the header's language switch and the buttons are legible (WCAG AA: 4.5:1)
    for selector in (
        "header.top #language button",
        "#match-now",
        "#review-list .nip-form button[type=submit]",
    ):
        ratio = await page.eval_on_selector(selector, CONTRAST_JS)
        assert ratio >= 4.5, f"{selector}: {ratio:.2f}:1"


async def test_roster_search_and_the_agency_filter_show_each_persons_status(
    moderator: Any, venue: Venue, client: TestClient, tokens: dict[str, str]
) -> None:
    person = next(p for p in venue.people if p.name.startswith("I Made Sudarma"))
    async with db_session(venue.db_url) as session:  # checked in at the batch's door before it began
        k1 = (await session.exec(select(Batch).where(Batch.code == "K1"))).one()
        found = (await session.exec(select(Participant).where(Participant.nip == person.nip))).one()
        assert k1.id is not None and found.id is not None
        session.add(checkin(k1.id, found.id, wita(21, 7, 50)))
        await session.commit()
    page = await moderator.new_page()
    await page.goto(f"{venue.base_url}/dashboard/{venue.slug}/K1")
    await expect(page.locator("#dash")).to_have_attribute("data-live", "open")
    await page.fill("#roster-q", "sudarma")
    found = page.locator("#roster-list li")
    # the first load of every part runs at once on a busy machine: the search waits for the first roster load
    await expect(found).to_have_count(1, timeout=15_000)
    await expect(found).to_contain_text(person.name)
    await expect(found.locator(".chip.on")).to_contain_text("Lokasi")
    await expect(found).to_have_attribute("data-status", "present")

    await page.fill("#roster-q", "")
    options = page.locator("#agency-filter option")
    await expect(options.nth(1)).to_be_attached()
    agency = await options.nth(1).get_attribute("value")
    await page.select_option("#agency-filter", agency)
    await expect(page.locator("#agency-list tr")).to_have_count(1)
    await expect(page.locator("#agency-list tr")).to_have_attribute("data-agency", agency)
    people = page.locator("#roster-list li")
    await expect(people.first).to_be_attached()
    # the list shown before the filter is replaced when the filtered answer arrives: wait for that answer
    # (not with wait_for_function: its polling evaluates through eval, which the page's CSP refuses)
    others = people.locator(".muted").filter(has_not_text=re.compile("^" + re.escape(agency)))
    await expect(others).to_have_count(0)
    for text in await people.locator(".muted").all_inner_texts():
        assert text.startswith(agency)
    await no_horizontal_scroll(page)
    await shot(page, "dashboard-roster-search")


async def test_a_dashboard_before_the_batch_starts_has_nobody_absent(
    moderator: Any, venue: Venue, client: TestClient, tokens: dict[str, str]
) -> None:
    start = utcnow() + timedelta(days=3)
    body = batch_body("K3", starts_at=start.isoformat(), ends_at=(start + timedelta(hours=4)).isoformat())
    resp = await client.post(
        f"/api/v1/events/{venue.slug}/batches", json=body, headers=bearer(tokens["organiser"])
    )
    assert resp.status == 201, await resp.text()
    roster = "nip,nama,instansi,kelompok,mode\n" + "".join(
        f"199901012020122{i:03d},Peserta {i},Pemprov Bali,K3,luring\n" for i in range(1, 6)
    )
    resp = await client.post(
        f"/api/v1/events/{venue.slug}/roster", data=roster.encode(), headers=bearer(tokens["organiser"])
    )
    assert resp.status == 200, await resp.text()
    page = await moderator.new_page()
    await page.goto(f"{venue.base_url}/dashboard/{venue.slug}/K3")
    await expect(page.locator("#recap")).to_be_visible()
    await expect(page.locator("#recap-phase")).to_have_attribute("data-phase", "before")
    await expect(page.locator('#recap-status tr[data-key="absent"]')).to_contain_text("Belum hadir")
    assert "Tidak hadir" not in await page.locator("#recap").inner_text()
    await shot(page, "dashboard-before-start")


async def test_the_home_scanner_link_opens_that_batch_and_search_offers_only_its_people(
    browser: Any, venue: Venue, client: TestClient, tokens: dict[str, str]
) -> None:
    context = await staff_context(browser, venue, viewport=PHONE)
    try:
        page = await context.new_page()
        await choose(page, venue, "K1", "Gate 1")  # remembered: K1
        await page.goto(venue.base_url + "/")
        await page.click(f'a[href="/scan?event={venue.slug}&batch=K2"]')
        await expect(page.locator("#setup")).to_be_visible()
        await expect(page.locator("#setup-batch")).to_have_value("K2")
        await expect(page.locator("#setup-station")).to_have_value("Gate 1")

        await page.click("#setup-start")
        await expect(page.locator("#bar-batch")).to_contain_text("K2")

        in_k1 = next(p for p in venue.people if p.name.startswith("I Made Sudarma"))
        arrived, expected = venue.in_batch("K2")[0], venue.in_batch("K2")[1]
        resp = await client.post(
            f"/api/v1/events/{venue.slug}/batches/K2/scans",
            json={"token": arrived.token, **door_fields(station="Gate 1")},
            headers=bearer(tokens["staff"]),
        )
        assert (await resp.json())["result"] == "ok"
        await page.click("#manual summary")
        # only K2's own people not yet in get "Masukkan"; the others are marked instead
        for person, checked, buttons, tag in (
            (in_k1, "no", 0, "kelompok lain"),
            (arrived, "yes", 0, "sudah masuk"),
            (expected, "no", 1, ""),
        ):
            await page.fill("#search-q", person.name.split(",")[0])
            await page.click("#search-form button[type=submit]")
            item = page.locator("#search-results li").filter(has_text=person.name)
            await expect(item).to_have_count(1)
            await expect(item).to_have_attribute("data-checked-in", checked)
            await expect(item.locator("button")).to_have_count(buttons)
            if tag:
                await expect(item).to_contain_text(tag)
        await expect(page.locator("#counter")).to_contain_text("hadir di lokasi / peserta luring")
        await no_horizontal_scroll(page)
        await shot(page, "scanner-search")
    finally:
        await context.close()


async def test_the_pass_page_fits_a_phone(browser: Any, venue: Venue) -> None:
    context = await browser.new_context(viewport=PHONE)
    try:
        page = await context.new_page()
        resp = await page.goto(venue.people[0].url.replace("http://eventops.test", venue.base_url))
        assert resp.status == 200
        await no_horizontal_scroll(page)
        await shot(page, "pass-390")
        icon = await page.request.get(venue.base_url + "/favicon.ico")
        assert icon.status == 200
    finally:
        await context.close()


# The contrast ratio of an element's text against the first opaque background behind it (WCAG 2 formula).
CONTRAST_JS = """
el => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  let bg = null;
  for (let n = el; n && !bg; n = n.parentElement) {
    const c = rgb(getComputedStyle(n).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) bg = c.slice(0, 3);
  }
  const style = getComputedStyle(el);
  let fg = rgb(style.color).slice(0, 3);
  const alpha = Number(style.opacity);
  bg = bg || [255, 255, 255];
  fg = fg.map((c, i) => c * alpha + bg[i] * (1 - alpha));
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}
"""
