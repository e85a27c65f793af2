"""Browser fixtures: Debian's Chromium driven by Playwright (async) against the real app on a real port.

Never `playwright install`: the tests use the system Chromium. Without one they skip locally and FAIL under
CI=true, so a CI machine without a browser can never pass silently.
"""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlmodel import col, select

from eventops.accounts import auth
from eventops.accounts.auth import Role
from eventops.roster.passes import pass_url
from eventops.storage.db import create_engine, make_sessionmaker
from eventops.storage.models import Batch, CheckIn, Participant, Pass, Scan
from tests.conftest import PUBLIC_URL
from tests.helpers import bearer, create_event, db_session
from tests.rosters import RosterRecord, changed, make_rows, to_csv

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
FAKE_CAMERA_ARGS = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
HOSTILE_NAME = "<img src=x onerror=alert(1)>"


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}: CI must run the browser tests")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """The system Chromium: /usr/bin/chromium or the one on PATH."""
    for candidate in ("/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    _missing("no Chromium found (apt-get install chromium)")
    raise AssertionError("unreachable")


@pytest.fixture
async def playwright(chromium_path: str) -> AsyncIterator[Any]:
    """A Playwright driver for one test (the async API shares the test's event loop with the app)."""
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        _missing("the playwright package is not installed")
    async with async_playwright() as driver:
        yield driver


async def launch(playwright: Any, chromium_path: str, *extra_args: str) -> Any:
    """Start headless Chromium with the flags this machine needs; its contexts speak Indonesian by default.

    Playwright's contexts send `Accept-Language: en-US` unless told a locale; the pages answer Indonesian
    either way, and the scripts' number formats follow the browser's locale: Indonesian, as the users'.
    """
    chromium = await playwright.chromium.launch(
        executable_path=chromium_path, args=[*CHROMIUM_ARGS, *extra_args]
    )
    chromium.new_context = functools.partial(chromium.new_context, locale="id-ID")
    return chromium


@pytest.fixture
async def browser(playwright: Any, chromium_path: str) -> AsyncIterator[Any]:
    """A plain headless Chromium."""
    chromium = await launch(playwright, chromium_path)
    yield chromium
    await chromium.close()


@pytest.fixture
async def db_url(tmp_path: Path, sqlite_template: Path) -> str:
    """Browser tests run on SQLite only, to keep them quick (the API tests cover PostgreSQL)."""
    path = tmp_path / "test.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


@dataclass(frozen=True)
class Person:
    """A roster participant with their pass."""

    nip: str
    name: str
    batch: str
    token: str

    @property
    def url(self) -> str:
        """What the pass QR holds."""
        return pass_url(PUBLIC_URL, self.token)


@dataclass(frozen=True)
class Venue:
    """The app on a real port with an event, batches K1 and K2, and a roster with passes."""

    base_url: str
    db_url: str
    slug: str
    people: list[Person]

    def in_batch(self, code: str) -> list[Person]:
        """The participants registered for batch `code`."""
        return [p for p in self.people if p.batch == code]


def roster_rows() -> list[RosterRecord]:
    """Twelve participants over K1 and K2; the first has a hostile name, the second a known one."""
    rows = make_rows(12, batches=("K1", "K2"), seed=4)
    rows = changed(rows, 0, name=HOSTILE_NAME, mode="offline")
    return changed(rows, 1, name="I Made Sudarma, S.Kom.", mode="offline")


@pytest.fixture
async def venue(client: TestClient, tokens: dict[str, str], db_url: str) -> Venue:
    """The Bali event with a roster imported through the API."""
    slug = await create_event(client, tokens["organiser"])
    resp = await client.post(
        f"/api/v1/events/{slug}/roster", data=to_csv(roster_rows()), headers=bearer(tokens["organiser"])
    )
    assert resp.status == 200, await resp.text()
    engine = create_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            query = (
                select(Participant, Batch.code, Pass.token)
                .join(Batch, col(Batch.id) == Participant.batch_id)
                .join(Pass, col(Pass.participant_id) == Participant.id)
                .order_by(col(Participant.id))
            )
            people = [
                Person(nip=p.nip or "", name=p.name, batch=code, token=token)
                for p, code, token in (await session.exec(query)).all()
            ]
    finally:
        await engine.dispose()
    return Venue(base_url=str(client.make_url("")).rstrip("/"), db_url=db_url, slug=slug, people=people)


async def staff_context(browser: Any, venue: Venue, **options: Any) -> Any:
    """A browser context logged in as staff: a session cookie and the double-submit CSRF cookie."""
    engine = create_engine(venue.db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            token = await auth.create_token(session, Role.staff, "petugas-gate", kind="session")
    finally:
        await engine.dispose()
    context = await browser.new_context(**options)
    await context.add_cookies(
        [
            {"name": "eventops_session", "value": token, "url": venue.base_url},
            {"name": "eventops_csrf", "value": "csrf-" + token[-16:], "url": venue.base_url},
        ]
    )
    return context


async def choose(page: Any, venue: Venue, batch: str, station: str) -> None:
    """Open /scan and pick the event, batch and station on the set-up form."""
    await page.goto(venue.base_url + "/scan")
    await page.locator("#setup-batch option").first.wait_for(state="attached")
    await page.select_option("#setup-event", venue.slug)
    await page.select_option("#setup-batch", batch)
    await page.fill("#setup-station", station)
    await page.click("#setup-start")
    await page.locator("#scanner").wait_for(state="visible")


@dataclass(frozen=True)
class StoredScan:
    """A row of the scans table, as the test reads it back."""

    scan_id: str
    nip: str | None
    station: str
    method: str
    result: str
    scanned_at: Any
    received_at: Any


async def stored_scans(db_url: str) -> list[StoredScan]:
    """Every stored scan, oldest first."""
    engine = create_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            query = (
                select(Scan, Participant.nip)
                .join(Participant, col(Participant.id) == Scan.participant_id, isouter=True)
                .order_by(col(Scan.id))
            )
            return [
                StoredScan(s.scan_id, nip, s.station, s.method, s.result, s.scanned_at, s.received_at)
                for s, nip in (await session.exec(query)).all()
            ]
    finally:
        await engine.dispose()


async def stored_checkins(db_url: str) -> list[tuple[str | None, str, str, str]]:
    """Every stored check-in as (nip, batch code, station, method)."""
    engine = create_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            query = (
                select(Participant.nip, Batch.code, CheckIn.station, CheckIn.method)
                .join(Participant, col(Participant.id) == CheckIn.participant_id)
                .join(Batch, col(Batch.id) == CheckIn.batch_id)
                .order_by(col(CheckIn.id))
            )
            return [tuple(row) for row in (await session.exec(query)).all()]  # type: ignore[misc]
    finally:
        await engine.dispose()


# --- the moderators' pages at 390 px ------------------------------------------------------------------------

PHONE = {"width": 390, "height": 844}
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


async def shot(page: Any, name: str) -> None:
    """Save the whole page as an artefact of the run."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


async def no_horizontal_scroll(page: Any) -> None:
    """The page fits a 390 px phone: nothing wider than the screen."""
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width} px wide"


@pytest.fixture
async def moderator(browser: Any, venue: Venue) -> AsyncIterator[Any]:
    """A phone-sized browser context logged in as a moderator (session and double-submit CSRF cookies).

    Closed before the app stops, so no open event stream holds the server's shutdown.
    """
    async with db_session(venue.db_url) as session:
        token = await auth.create_token(session, Role.moderator, "moderator-zoom", kind="session")
    context = await browser.new_context(viewport=PHONE)
    await context.add_cookies(
        [
            {"name": "eventops_session", "value": token, "url": venue.base_url},
            {"name": "eventops_csrf", "value": "csrf-" + token[-16:], "url": venue.base_url},
        ]
    )
    yield context
    await context.close()
