"""The scanner page in a real Chromium: handheld and camera scanning, the offline queue, answers and escaping.

Each test checks what the server stored, not only what the page shows.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

if os.environ.get("CI") != "true":  # under CI a missing playwright is an error, never a skip
    pytest.importorskip("playwright.async_api")

from playwright.async_api import expect

from eventops.accounts import auth
from eventops.accounts.auth import Role
from eventops.storage.db import create_engine, make_sessionmaker
from tests.browser.conftest import (
    FAKE_CAMERA_ARGS,
    HOSTILE_NAME,
    Venue,
    choose,
    launch,
    staff_context,
    stored_checkins,
    stored_scans,
)
from tests.browser.fakecam import pass_frame, write_y4m

pytestmark = pytest.mark.browser

RED = "rgb(192, 57, 43)"
GREEN = "rgb(30, 132, 73)"
AMBER = "rgb(245, 176, 65)"


async def _scan_typed(page: Any, code: str) -> None:
    """What a keyboard-wedge scanner does: type the code into the focused page, then Enter."""
    await page.keyboard.type(code)
    await page.keyboard.press("Enter")


def _keep_error(errors: list[str], message: Any) -> None:
    """Console errors of the page, but for the browser asking for a /favicon.ico the app does not have."""
    if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
        errors.append(message.text)


async def _background(page: Any) -> str:
    return str(await page.eval_on_selector("#result", "el => getComputedStyle(el).backgroundColor"))


async def test_handheld_scan_after_login_checks_in(browser: Any, venue: Venue) -> None:
    engine = create_engine(venue.db_url)
    async with make_sessionmaker(engine)() as session:
        await auth.add_user(session, "petugas", Role.staff, "pintu-masuk-2")
    await engine.dispose()
    person = venue.in_batch("K1")[1]
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(venue.base_url + "/scan")
    assert "/login" in page.url
    await page.fill("#name", "petugas")
    await page.fill("#password", "pintu-masuk-2")
    await page.click("form[action='/login'] button[type=submit]")
    await page.wait_for_url("**/scan")
    await choose(page, venue, "K1", "Gate 2")

    await _scan_typed(page, person.url)  # no click first: the code input keeps the focus

    await expect(page.locator("#result")).to_have_attribute("data-result", "ok")
    await expect(page.locator("#result-name")).to_have_text(person.name)
    await expect(page.locator("#result-title")).to_contain_text("Hadir")
    assert await _background(page) == GREEN
    await expect(page.locator("#count-in")).to_have_text("1")
    assert await stored_checkins(venue.db_url) == [(person.nip, "K1", "Gate 2", "qr")]
    [scan] = await stored_scans(venue.db_url)
    assert (scan.nip, scan.station, scan.result) == (person.nip, "Gate 2", "ok")

    response = await page.reload()  # the event, batch and station are remembered
    assert "script-src 'self'" in response.headers["content-security-policy"]
    await expect(page.locator("#scanner")).to_be_visible()
    await expect(page.locator("#bar-station")).to_have_text("Gate 2")
    await expect(page.locator("#recent li.r-ok .r-name")).to_have_text([person.name])  # the station's history
    await context.close()


async def test_camera_reads_the_pass_and_checks_in(
    playwright: Any, chromium_path: str, venue: Venue, tmp_path: Path
) -> None:
    person = venue.in_batch("K1")[2]
    video = write_y4m(tmp_path / "pass.y4m", pass_frame(person.url))
    chromium = await launch(
        playwright, chromium_path, *FAKE_CAMERA_ARGS, f"--use-file-for-fake-video-capture={video}"
    )
    try:
        context = await staff_context(chromium, venue, permissions=["camera"])
        page = await context.new_page()
        await choose(page, venue, "K1", "Kamera 1")
        await page.click("#camera-toggle")

        await expect(page.locator("#result")).to_have_attribute("data-result", "ok", timeout=15_000)
        await expect(page.locator("#result-name")).to_have_text(person.name)
        # a handheld scan afterwards: the camera, still seeing the same pass, must not have scanned it again
        other = venue.in_batch("K1")[3]
        await _scan_typed(page, other.url)
        await expect(page.locator("#recent li.r-ok")).to_have_count(2)
        await expect(page.locator("#recent li")).to_have_count(2)
        checkins = await stored_checkins(venue.db_url)
        assert checkins == [(person.nip, "K1", "Kamera 1", "qr"), (other.nip, "K1", "Kamera 1", "qr")]
        assert [s.nip for s in await stored_scans(venue.db_url)] == [person.nip, other.nip]
    finally:
        await chromium.close()


async def test_offline_scans_queue_survive_a_reload_and_drain_once(browser: Any, venue: Venue) -> None:
    a, b, c = venue.in_batch("K1")[2:5]
    context = await staff_context(browser, venue)
    page = await context.new_page()
    await choose(page, venue, "K1", "Gate 3")

    await context.set_offline(True)
    for person in (a, b, c, a):
        await _scan_typed(page, person.url)
    await expect(page.locator("#pending-count")).to_have_text("4")
    await expect(page.locator("#result")).to_have_attribute("data-result", "pending")
    await expect(page.locator("#recent li.r-pending")).to_have_count(4)
    assert await stored_scans(venue.db_url) == []

    # back on the network but the server still unreachable: reload; the queue is still there
    await context.route("**/scans", lambda route: route.abort())
    await context.set_offline(False)
    await page.reload()
    await expect(page.locator("#pending-count")).to_have_text("4")
    await expect(page.locator("#recent li.r-pending")).to_have_count(4)
    assert await stored_scans(venue.db_url) == []

    # the server back, but the answer to the first request is lost on the way: the retry must not double it
    lost: list[str] = []

    async def lose_first_answer(route: Any) -> None:
        if lost or route.request.method != "POST":
            await route.continue_()
            return
        await route.fetch()  # it reaches the server and is stored ...
        lost.append(route.request.url)
        await route.abort()  # ... but the page never hears back

    back = datetime.now(UTC)
    await context.unroute("**/scans")
    await context.route("**/scans", lose_first_answer)
    await context.set_offline(True)
    await context.set_offline(False)  # fires `online`: the queue drains at once
    await expect(page.locator("#pending")).to_be_hidden(timeout=15_000)
    await expect(page.locator("#recent li.r-ok")).to_have_count(3)
    await expect(page.locator("#recent li.r-duplicate")).to_have_count(1)

    checkins = await stored_checkins(venue.db_url)
    assert sorted(checkins) == sorted((p.nip, "K1", "Gate 3", "qr") for p in (a, b, c))
    scans = await stored_scans(venue.db_url)
    assert [s.nip for s in scans] == [a.nip, b.nip, c.nip, a.nip]  # sent in the order they were read
    assert [s.result for s in scans] == ["ok", "ok", "ok", "duplicate"]
    assert len(lost) == 1 and len({s.scan_id for s in scans}) == 4  # the retry kept its scan_id
    assert all(s.scanned_at < back <= s.received_at for s in scans)  # the original reading times
    await context.close()


async def test_answers_are_coloured_and_hostile_names_stay_text(browser: Any, venue: Venue) -> None:
    hostile = next(p for p in venue.people if p.name == HOSTILE_NAME)
    other_batch = venue.in_batch("K2")[0]
    context = await staff_context(
        browser, venue, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = await context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    errors: list[str] = []
    page.on("console", lambda message: _keep_error(errors, message))
    await choose(page, venue, "K1", "Gate 1")

    await _scan_typed(page, hostile.url)
    await expect(page.locator("#result")).to_have_attribute("data-result", "ok")
    await expect(page.locator("#result-name")).to_have_text(HOSTILE_NAME)
    await expect(page.locator("#recent li .r-name").first).to_have_text(HOSTILE_NAME)

    await _scan_typed(page, hostile.token)  # the bare token works too (and shows no keystroke was lost)
    await expect(page.locator("#result")).to_have_attribute("data-result", "duplicate")
    await expect(page.locator("#result-title")).to_contain_text("Sudah masuk")
    await expect(page.locator("#result-title")).to_contain_text("di Gate 1")
    await expect(page.locator("#result-title")).to_contain_text("WITA")
    assert await _background(page) == AMBER

    await _scan_typed(page, "http://eventops.test/p/no-such-pass-0000")
    await expect(page.locator("#result")).to_have_attribute("data-result", "unknown")
    await expect(page.locator("#result-title")).to_contain_text("Kartu tidak dikenal")
    assert await _background(page) == RED

    await _scan_typed(page, other_batch.url)
    await expect(page.locator("#result")).to_have_attribute("data-result", "wrong_batch")
    await expect(page.locator("#result-detail")).to_contain_text("kelompok K2")
    assert await _background(page) == RED

    assert await page.locator("#scan-app img").count() == 0
    assert dialogs == []
    assert errors == []  # among others: nothing the page's Content-Security-Policy had to block
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # fits a phone screen: no sideways scrolling
    assert await stored_checkins(venue.db_url) == [(hostile.nip, "K1", "Gate 1", "qr")]
    results = [s.result for s in await stored_scans(venue.db_url)]
    assert results == ["ok", "duplicate", "unknown", "wrong_batch"]
    await context.close()


async def test_manual_search_and_walk_in(browser: Any, venue: Venue) -> None:
    person = next(p for p in venue.people if p.name.startswith("I Made Sudarma"))
    context = await staff_context(browser, venue)
    page = await context.new_page()
    await choose(page, venue, "K1", "Meja 1")

    await page.click("#manual summary")
    await page.fill("#search-q", "sudarma")
    await page.press("#search-q", "Enter")
    item = page.locator("#search-results li", has_text="I Made Sudarma")
    await expect(item).to_contain_text("**********")  # staff see the NIP masked
    await item.get_by_role("button").click()
    await expect(page.locator("#recent li.r-ok")).to_have_count(1)
    await expect(page.locator("#result-name")).to_have_text(person.name)

    await page.click("#walkin summary")
    await page.fill("#walkin-name", "Ni Luh Putu Ayu")
    await page.fill("#walkin-agency", "Pemkot Denpasar")
    await page.click("#walkin-form button[type=submit]")
    await expect(page.locator("#recent li.r-ok")).to_have_count(2)
    await expect(page.locator("#result-title")).to_contain_text("walk-in")
    await expect(page.locator("#result-name")).to_have_text("Ni Luh Putu Ayu")

    checkins = await stored_checkins(venue.db_url)
    assert checkins == [(person.nip, "K1", "Meja 1", "manual"), (None, "K1", "Meja 1", "walk_in")]
    await context.close()
