"""The organisers' console in a real Chromium on a 390 px phone: an event, a batch, a roster with an error
and then without, and the event recap downloaded; each page saved as a screenshot under
artifacts/screenshots/."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any

import pytest

if os.environ.get("CI") != "true":  # under CI a missing playwright is an error, never a skip
    pytest.importorskip("playwright.async_api")

from aiohttp.test_utils import TestClient
from openpyxl import load_workbook
from playwright.async_api import expect

from eventops.accounts import auth
from eventops.accounts.auth import Role
from eventops.storage.models import Batch, Participant
from tests.helpers import bearer, create_event, db_session, stored
from tests.rosters import changed, make_rows, to_csv

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}


async def organiser_context(browser: Any, base_url: str, db_url: str, **options: Any) -> Any:
    """A phone-sized context logged in as an organiser (session and double-submit CSRF cookies)."""
    async with db_session(db_url) as session:
        token = await auth.create_token(session, Role.organiser, "panitia-provinsi", kind="session")
    context = await browser.new_context(viewport=PHONE, accept_downloads=True, **options)
    await context.add_cookies(
        [
            {"name": "eventops_session", "value": token, "url": base_url},
            {"name": "eventops_csrf", "value": "csrf-" + token[-16:], "url": base_url},
        ]
    )
    return context


async def fits_the_phone(page: Any, name: str) -> None:
    """No horizontal scroll at 390 px; the page saved as a screenshot."""
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (name, width)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"console-{name}.png"), full_page=True)


async def test_an_organiser_builds_an_event_imports_a_roster_and_downloads_the_recap(
    browser: Any, client: TestClient, db_url: str
) -> None:
    base_url = str(client.make_url("")).rstrip("/")
    context = await organiser_context(browser, base_url, db_url)
    page = await context.new_page()

    await page.goto(base_url + "/")
    await fits_the_phone(page, "home")
    await page.click("#new-event")
    await expect(page).to_have_url(base_url + "/events/new")
    await page.fill("#f-slug", "NTB 2024")  # a bad slug first: the error and the typed name stay
    await page.fill("#f-name", "Pelatihan ASN NTB 2024")
    await page.select_option("#f-timezone", "Asia/Makassar")
    await page.click("button[type=submit] >> text=Buat acara")
    await expect(page.locator('.field-error[data-field="slug"]')).to_be_visible()
    await expect(page.locator("#f-name")).to_have_value("Pelatihan ASN NTB 2024")
    await fits_the_phone(page, "new-event-error")
    await page.fill("#f-slug", "ntb-2024")
    await page.click("button[type=submit] >> text=Buat acara")
    await expect(page).to_have_url(base_url + "/events/ntb-2024")

    await page.fill("#f-code", "K1")
    await page.fill("#f-name", "Kelompok 1")
    await page.fill("#f-starts_at", "2024-03-04T08:00")
    await page.fill("#f-ends_at", "2024-03-04T12:00")
    await page.fill("#f-venue", "Hotel Lombok Raya, Mataram")
    await page.click("#batch-form button[type=submit]")
    await expect(page.locator('#batches tr[data-code="K1"]')).to_contain_text("08.00")
    await fits_the_phone(page, "event")
    [batch] = await stored(db_url, Batch)
    assert batch.starts_at.isoformat() == "2024-03-04T00:00:00+00:00"  # 08.00 WITA

    rows = make_rows(5, batches=("K1",), seed=13)
    bad = changed(changed(rows, 2, nip="19850312"), 3, batch="K9")  # spreadsheet rows 4 and 5
    await page.click("text=Unggah daftar peserta")
    await page.set_input_files("#f-file", files=[_file("peserta.csv", to_csv(bad))])
    await page.click("text=Periksa")
    await expect(page.locator('#issues tr.issue[data-row="4"][data-column="nip"]')).to_be_visible()
    await expect(page.locator('#issues tr.issue[data-row="5"][data-column="batch"]')).to_be_visible()
    await expect(page.locator("#import")).to_have_count(0)
    await fits_the_phone(page, "roster-errors")
    assert await stored(db_url, Participant) == []

    await page.set_input_files("#f-file", files=[_file("peserta.csv", to_csv(rows))])
    await page.click("text=Periksa")
    await expect(page.locator('#preview [data-count="created"]')).to_have_text("5")
    await fits_the_phone(page, "roster-preview")
    assert await stored(db_url, Participant) == []
    await page.click("#import")
    await expect(page.locator('#imported [data-count="created"]')).to_have_text("5")
    await fits_the_phone(page, "roster-imported")
    assert len(await stored(db_url, Participant)) == 5

    await page.goto(base_url + "/events/ntb-2024/recap")
    await expect(page.locator("#recap-overall tr.total")).to_contain_text("5")
    await fits_the_phone(page, "recap")
    async with page.expect_download() as info:
        await page.click("#recap-xlsx")
    download = await info.value
    book = load_workbook(io.BytesIO(Path(await download.path()).read_bytes()))
    *agencies, total = book["Rekap Acara"].iter_rows(min_row=2, values_only=True)
    assert total[:2] == ("Jumlah / Total", 5) and {a[0] for a in agencies} == {r.agency for r in rows}
    await context.close()


# Records, from outside the page's script, every state the upload box goes through and every bar value.
WATCH_UPLOAD = """(box) => {
  window.seen = { states: [], values: [] };
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.attributeName === "data-state") window.seen.states.push(r.target.dataset.state);
      const value = r.target.getAttribute("value");
      if (r.attributeName === "value" && value !== null) window.seen.values.push(Number(value));
    }
  }).observe(document.getElementById(box), {
    attributes: true, subtree: true, attributeFilter: ["data-state", "value"],
  });
}"""


async def test_a_large_roster_uploads_with_a_progress_bar_then_waits_for_the_check(
    browser: Any, client: TestClient, db_url: str, tokens: dict[str, str]
) -> None:
    slug = await create_event(client, tokens["organiser"])
    base_url = str(client.make_url("")).rstrip("/")
    context = await organiser_context(browser, base_url, db_url)
    page = await context.new_page()
    await page.goto(f"{base_url}/events/{slug}/roster")
    # a slow uplink (256 KB/s), as from a district office: the upload takes seconds, not a blink
    cdp = await context.new_cdp_session(page)
    await cdp.send("Network.enable")
    conditions = {"offline": False, "latency": 20, "downloadThroughput": -1, "uploadThroughput": 256 * 1024}
    await cdp.send("Network.emulateNetworkConditions", conditions)
    data = to_csv(make_rows(4000, batches=("K1", "K2"), seed=21))
    assert len(data) > 400_000
    await page.evaluate(WATCH_UPLOAD, "upload-progress")
    await page.set_input_files("#f-file", files=[_file("peserta-besar.csv", data)])
    await page.click("text=Periksa")

    bar = page.locator("#upload-progress progress")
    await expect(page.locator("#upload-progress")).to_have_attribute("data-state", "uploading")
    # 1 % to 99 % (not with wait_for_function: its polling evaluates through eval, which the CSP refuses)
    between = re.compile(r"^[1-9]\d?%$")
    await expect(page.locator("#upload-progress .percent").first).to_have_text(between)
    assert 0 < await bar.evaluate("b => b.value") < 100
    await fits_the_phone(page, "roster-uploading")

    await expect(page.locator('#preview [data-count="created"]')).to_have_text("4000", timeout=60_000)
    seen = await page.evaluate("window.seen")  # still there: the script swapped the page, never reloaded it
    assert seen is not None and seen["states"][:2] == ["uploading", "processing"], seen["states"]
    assert any(0 < v < 100 for v in seen["values"]) and 100 in seen["values"]
    assert page.url == f"{base_url}/events/{slug}/roster"
    await fits_the_phone(page, "roster-large-preview")
    assert await stored(db_url, Participant) == []

    await cdp.send("Network.emulateNetworkConditions", {**conditions, "uploadThroughput": -1})
    progress_url = await page.get_attribute("#import-form", "data-progress")
    await page.evaluate(WATCH_UPLOAD, "import-progress")
    await page.click("#import")
    await expect(page.locator('#imported [data-count="created"]')).to_have_text("4000", timeout=120_000)
    seen = await page.evaluate("window.seen")
    assert seen is not None and seen["states"][0] == "checking", seen
    assert len(await stored(db_url, Participant)) == 4000
    # what the page polled while it ran: the import's last word
    resp = await client.get(progress_url, headers=bearer(tokens["organiser"]))
    assert (resp.status, await resp.json()) == (200, {"phase": "done", "done": 4000, "total": 4000})
    await context.close()


async def test_without_javascript_the_roster_form_still_previews(
    browser: Any, client: TestClient, db_url: str, tokens: dict[str, str]
) -> None:
    slug = await create_event(client, tokens["organiser"])
    base_url = str(client.make_url("")).rstrip("/")
    context = await organiser_context(browser, base_url, db_url, java_script_enabled=False)
    page = await context.new_page()
    await page.goto(f"{base_url}/events/{slug}/roster")
    await page.set_input_files("#f-file", files=[_file("peserta.csv", to_csv(make_rows(30, seed=3)))])
    await page.click("text=Periksa")
    await expect(page.locator('#preview [data-count="created"]')).to_have_text("30")
    await expect(page.locator("#upload-progress")).to_be_hidden()
    await page.click("#import")
    await expect(page.locator('#imported [data-count="created"]')).to_have_text("30")
    assert len(await stored(db_url, Participant)) == 30
    await context.close()


def _file(name: str, data: bytes) -> dict[str, Any]:
    return {"name": name, "mimeType": "text/csv", "buffer": data}
