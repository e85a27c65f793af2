"""The language switch in a real Chromium on a 390 px phone: a user turns the pages into English, the choice
survives a reload and follows them to another browser, and the scripts' text and times follow too.
Screenshots under artifacts/screenshots/ (console-language-*)."""

from __future__ import annotations

import os
from typing import Any

import pytest

if os.environ.get("CI") != "true":  # under CI a missing playwright is an error, never a skip
    pytest.importorskip("playwright.async_api")

from playwright.async_api import expect

from eventops.accounts import auth
from eventops.accounts.auth import Role
from tests.browser.conftest import Venue
from tests.browser.test_console import PHONE, fits_the_phone
from tests.helpers import db_session

pytestmark = pytest.mark.browser

PASSWORD = "rahasia-sekali"


async def log_in(browser: Any, venue: Venue, name: str) -> Any:
    """A fresh phone-sized browser context, logged in through the login form; its page on the home page."""
    context = await browser.new_context(viewport=PHONE)
    page = await context.new_page()
    await page.goto(venue.base_url + "/login")
    await page.fill("#name", name)
    await page.fill("#password", PASSWORD)
    await page.click("form[action='/login'] button[type=submit]")
    await expect(page).to_have_url(venue.base_url + "/")
    return page


async def test_the_language_switch_turns_a_page_into_english(browser: Any, venue: Venue) -> None:
    async with db_session(venue.db_url) as session:
        await auth.add_user(session, "made", Role.moderator, PASSWORD)
    page = await log_in(browser, venue, "made")
    await expect(page.locator("html")).to_have_attribute("lang", "id")
    await expect(page.locator("h1")).to_have_text("Acara")
    await expect(page.locator("header.top")).to_contain_text("made · moderator")
    await fits_the_phone(page, "language-home-id")

    await page.click("#language button")
    await expect(page).to_have_url(venue.base_url + "/")
    await expect(page.locator("h1")).to_have_text("Events")
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(page.locator(".card").first).to_contain_text("Monday, 21 August 2023, 08:00 WITA")
    await expect(page.locator("#language button")).to_have_text("Bahasa Indonesia")
    await page.reload()
    await expect(page.locator("h1")).to_have_text("Events")
    await fits_the_phone(page, "language-home-en")

    # the scanner's script speaks the page's language too: its batch list writes times the English way
    await page.goto(venue.base_url + "/scan")
    await expect(page.locator("#setup h1")).to_have_text("Scan passes")
    await expect(page.locator("#setup-batch option").first).to_contain_text("08:00 WITA")
    await fits_the_phone(page, "language-scan-en")
    await page.context.close()

    # another browser, no cookies: logging in brings the user's English back
    page = await log_in(browser, venue, "made")
    await expect(page.locator("h1")).to_have_text("Events")
    await page.click("#language button")
    await expect(page.locator("h1")).to_have_text("Acara")
    await page.context.close()
