"""The API page in a real Chromium: Swagger UI (vendored) renders every operation of the OpenAPI document
under the site's strict Content-Security-Policy, with nothing refused and nothing fetched from elsewhere."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

if os.environ.get("CI") != "true":  # under CI a missing playwright is an error, never a skip
    pytest.importorskip("playwright.async_api")

from tests.browser.conftest import Venue

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


async def test_the_api_page_renders_every_operation_without_logging_in(browser: Any, venue: Venue) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(venue.base_url) else None)

    document = await (await page.request.get(venue.base_url + "/api/v1/openapi.json")).json()
    operations = sum(len(ops) for ops in document["paths"].values())
    await page.goto(venue.base_url + "/api/v1/docs")
    blocks = page.locator(".opblock")
    await blocks.nth(operations - 1).wait_for(state="attached")
    assert await blocks.count() == operations
    assert "eventops" in await page.locator(".info .title").inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / "api_docs.png"))

    scan = page.locator("#operations-door-scan_pass")
    await scan.locator(".opblock-summary").click()
    await scan.locator(".responses-wrapper").wait_for()
    text = await scan.inner_text()
    assert "scan_id" in text and "409" in text and "scan_id_used" in text
    await page.screenshot(path=str(SCREENSHOTS / "api_docs_scan.png"))
    assert problems == []  # a refused script or style (CSP) shows up here
    assert outside == []
    await context.close()


async def test_the_api_page_fits_a_phone(browser: Any, venue: Venue) -> None:
    context = await browser.new_context(viewport={"width": 390, "height": 844})
    page = await context.new_page()
    await page.goto(venue.base_url + "/api/v1/docs")
    await page.locator(".opblock").first.wait_for()
    scan = page.locator("#operations-door-scan_pass")
    await scan.locator(".opblock-summary").click()
    await scan.locator(".responses-wrapper").wait_for()
    await scan.scroll_into_view_if_needed()
    await page.screenshot(path=str(SCREENSHOTS / "api_docs_phone.png"))
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways: {width} px"
    await context.close()
