"""The organisers' batch page and users page in a real Chromium on a 390 px phone, without any script.

Each test checks what the server stored, not only what the page shows, and saves screenshots of its pages
under artifacts/screenshots/.
"""

from __future__ import annotations

import io
import os
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

if os.environ.get("CI") != "true":  # under CI a missing playwright is an error, never a skip
    pytest.importorskip("playwright.async_api")

import openpyxl
from sqlmodel import select

from eventops.accounts import auth
from eventops.accounts.auth import Role
from eventops.catalog import events
from eventops.storage.models import Batch, User
from eventops.timeutil import utcnow
from tests.browser.conftest import Venue
from tests.helpers import db_session, stored

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
async def organiser(browser: Any, venue: Venue) -> AsyncIterator[Any]:
    """A phone-sized browser context logged in as an organiser, with JavaScript off: the forms must work."""
    async with db_session(venue.db_url) as session:
        token = await auth.create_token(session, Role.organiser, "panitia-bali", kind="session")
    context = await browser.new_context(viewport=PHONE, java_script_enabled=False, accept_downloads=True)
    await context.add_cookies(
        [
            {"name": "eventops_session", "value": token, "url": venue.base_url},
            {"name": "eventops_csrf", "value": "csrf-" + token[-16:], "url": venue.base_url},
        ]
    )
    yield context
    await context.close()


async def running_batch(venue: Venue) -> str:
    """Batch K3 of the venue's event, started an hour ago and ending in three; its page's path."""
    async with db_session(venue.db_url) as session:
        event = await events.get_event(session, venue.slug)
        now = utcnow()
        data = events.BatchInput(
            "K3", "Kelompok K3", now - timedelta(hours=1), now + timedelta(hours=3), "Aula"
        )
        await events.create_batch(session, event, data)
    return f"/events/{venue.slug}/batches/K3"


async def finalized_at(venue: Venue, code: str) -> Any:
    """The batch's finalized_at as stored."""
    async with db_session(venue.db_url) as session:
        return (await session.exec(select(Batch).where(Batch.code == code))).one().finalized_at


async def no_sideways_scroll(page: Any, name: str) -> None:
    """The page fits a 390 px phone; a full-page screenshot is kept as an artefact."""
    width = await page.evaluate("document.documentElement.scrollWidth")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    assert width <= 390, (name, width)


async def test_an_organiser_finalizes_early_downloads_the_xlsx_and_reopens(
    organiser: Any, venue: Venue
) -> None:
    path = await running_batch(venue)
    page = await organiser.new_page()
    await page.goto(venue.base_url + path)
    await no_sideways_scroll(page, "batch-page")

    await page.click("#finalize button[type=submit]")  # without "finalize early": confirmed, then refused
    await page.click("#confirm")
    assert await page.get_attribute("#finalize [data-error]", "data-error") == "batch_not_ended"
    assert await finalized_at(venue, "K3") is None

    await page.check("input[name=finalize_early]")
    await page.click("#finalize button[type=submit]")
    await no_sideways_scroll(page, "batch-finalize-confirm")
    assert await finalized_at(venue, "K3") is None  # nothing happens before the confirmation
    await page.click("#confirm")
    assert await page.get_attribute("#state", "data-frozen") == "yes"
    assert await finalized_at(venue, "K3") is not None
    await no_sideways_scroll(page, "batch-finalized")

    async with page.expect_download() as info:
        await page.click("#download-xlsx")
    download = await info.value
    data = Path(await download.path()).read_bytes()
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    assert book.sheetnames and download.suggested_filename.endswith(".xlsx")
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert len(rows) >= 1

    await page.goto(f"{venue.base_url}/events/{venue.slug}/batches/K1")  # a batch with a roster and agencies
    assert await page.locator("#summary tbody tr").count() > 8
    await no_sideways_scroll(page, "batch-page-with-roster")
    await page.goto(venue.base_url + path)

    await page.fill("#reopen-reason", "Ada peserta yang terlewat")
    await page.click("#finalize button[type=submit]")
    await page.click("#confirm")
    assert await page.get_attribute("#state", "data-frozen") == "no"
    assert await finalized_at(venue, "K3") is None


async def test_the_users_page_adds_a_user(organiser: Any, venue: Venue) -> None:
    page = await organiser.new_page()
    await page.goto(venue.base_url + "/admin/users")
    await page.fill("#user-name", "petugas-gerbang-1")
    await page.select_option("#user-role", "staff")
    await page.fill("#user-password", "rahasia-sekali")
    await page.click("#add-user button[type=submit]")
    assert await page.get_attribute("[data-done]", "data-done") == "add_user"
    assert await page.locator('[data-user="petugas-gerbang-1"]').count() == 1
    assert [(u.name, u.role) for u in await stored(venue.db_url, User)] == [("petugas-gerbang-1", "staff")]

    await page.fill("#token-name", "laptop meja registrasi dengan nama yang sangat panjang sekali")
    await page.click("#tokens button[type=submit] >> text=Buat token")
    assert (await page.text_content("#token-secret") or "").startswith("eo_")
    await no_sideways_scroll(page, "users-page")
