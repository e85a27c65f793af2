"""The dashboard's attendance chart in a real Chromium at 390 px: drawn by uPlot, moved live by the stream.

Saves a screenshot under artifacts/screenshots/ and checks what the server stored.
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

from eventops.storage.models import Batch, CheckIn
from eventops.timeutil import utcnow
from tests.browser.conftest import Venue, no_horizontal_scroll, shot
from tests.helpers import add_connections, connection, db_session, scan, stored

pytestmark = pytest.mark.browser

CHART_WIDTH = "document.querySelector('#chart .uplot').getBoundingClientRect().width"


async def run_k1_now(venue: Venue) -> int:
    """Move K1 to now (started an hour ago, ends in three), so that scans taken now fall in its chart."""
    async with db_session(venue.db_url) as session:
        k1 = (await session.exec(select(Batch).where(Batch.code == "K1"))).one()
        k1.starts_at, k1.ends_at = utcnow() - timedelta(hours=1), utcnow() + timedelta(hours=3)
        session.add(k1)
        await session.commit()
        assert k1.id is not None
        return k1.id


async def test_the_chart_draws_and_a_scan_moves_its_venue_line_without_a_reload(
    moderator: Any, venue: Venue, client: TestClient, tokens: dict[str, str]
) -> None:
    k1 = await run_k1_now(venue)
    joined = utcnow() - timedelta(minutes=30)
    await add_connections(
        venue.db_url, *(connection(k1, f"c{i}", f"Peserta {i}", joined, minutes=None) for i in range(3))
    )
    page = await moderator.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    await page.goto(f"{venue.base_url}/dashboard/{venue.slug}/K1")
    await expect(page.locator("#dash")).to_have_attribute("data-live", "open")
    summary = page.locator("#chart-summary")
    await expect(summary).to_have_attribute("data-venue", "0")
    await expect(summary).to_have_attribute("data-zoom", "3")
    await expect(summary).to_contain_text("Di lokasi 0")
    canvas = page.locator("#chart canvas")
    await expect(canvas).to_be_visible()
    box = await canvas.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 100
    assert box["x"] + box["width"] <= 390
    await no_horizontal_scroll(page)

    person = venue.in_batch("K1")[1]
    status, answer = await scan(client, tokens["staff"], person.token, "K1")
    assert (status, answer["result"]) == (200, "ok")
    assert len(await stored(venue.db_url, CheckIn)) == 1

    # no reload: the stream's `checkin` event refetched the chart (at most every 5 s)
    await expect(summary).to_have_attribute("data-venue", "1", timeout=15_000)
    await expect(summary).to_contain_text("Di lokasi 1")
    await expect(page.locator("#dash")).to_have_attribute("data-live", "open")
    points = int(await page.locator("#chart").get_attribute("data-points") or 0)
    assert points > 60  # a point a minute from an hour before the start until now

    # a narrower container: the chart follows it, still without sideways scroll
    wide = await page.evaluate(CHART_WIDTH)
    assert wide > 320
    await page.set_viewport_size({"width": 320, "height": 700})
    # (wait_for_function would poll through eval, which the page's CSP refuses: wait on an attribute instead)
    at_most_320 = re.compile(r"^([1-9]\d?|[12]\d\d|3[01]\d|320)$")
    await expect(page.locator("#chart")).to_have_attribute("data-width", at_most_320)
    assert await page.evaluate(CHART_WIDTH) <= 320
    await no_horizontal_scroll(page)
    await page.set_viewport_size({"width": 390, "height": 844})
    await shot(page, "dashboard-chart-390")
    assert problems == []
