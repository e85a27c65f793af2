"""The organisers' console in a real Chromium on a 390 px phone: an event, a batch, a roster with an error
and then without, and the event recap downloaded; each page saved as a screenshot under
artifacts/screenshots/."""

from __future__ import annotations

import io
import os
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
from tests.helpers import db_session, stored
from tests.rosters import changed, make_rows, to_csv

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}


async def organiser_context(browser: Any, base_url: str, db_url: str) -> Any:
    """A phone-sized context logged in as an organiser (session and double-submit CSRF cookies)."""
    async with db_session(db_url) as session:
        token = await auth.create_token(session, Role.organiser, "panitia-provinsi", kind="session")
    context = await browser.new_context(viewport=PHONE, accept_downloads=True)
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


def _file(name: str, data: bytes) -> dict[str, Any]:
    return {"name": name, "mimeType": "text/csv", "buffer": data}
