"""The review page in a real Chromium at 390 px: namesakes and devices arrive through signed Zoom webhooks, a
moderator decides one with a key, accepts the sure ones and dismisses the devices in bulk; the API and the
database say what was decided."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

if os.environ.get("CI") != "true":  # under CI a missing playwright is an error, never a skip
    pytest.importorskip("playwright.async_api")

from aiohttp.test_utils import TestClient
from playwright.async_api import expect

from eventops.accounts import auth
from eventops.accounts.auth import Role
from eventops.settings import Settings
from eventops.storage.models import Alias, OnlineSession, Participant
from integrations.zoom.fake import EventMeeting, EventPerson, joined_event
from tests.browser.test_moderator_tools import PHONE, no_horizontal_scroll, shot
from tests.conftest import PUBLIC_URL
from tests.helpers import ZOOM_SECRET, bearer, create_event, db_session, post_zoom, stored, zoom_drained
from tests.rosters import roster_csv

pytestmark = pytest.mark.browser

MEETING = EventMeeting("81234567890", "rvw0HKxTQ2TxSVAxE9+0w==", datetime(2023, 8, 21, tzinfo=UTC), "webinar")
_PROV, _KOTA = "Pemerintah Provinsi Bali", "Pemerintah Kota Denpasar"
ROSTER = roster_csv(
    ("197901152005011001", "Ketut Wirawan", _PROV, "Dinas Kesehatan", "", "", "K1", "online"),
    ("198204202008011002", "Ketut Wirawan", _KOTA, "Dinas Pariwisata", "", "", "K1", "offline"),
    ("198503122010011003", "I Made Sudarma, S.Kom.", _PROV, "Diskominfo", "", "", "K1", "online"),
    ("199001022015031004", "Budi Santoso", _KOTA, "Sekretariat Daerah", "", "", "K1", "online"),
    ("198807142012122001", "Ni Luh Putu Ayu Lestari", _PROV, "Dinas Kesehatan", "", "", "K1", "online"),
    ("198601012010012004", "Dewi Anggraini", _KOTA, "Dinas Sosial", "", "", "K2", "online"),
    ("198305172009012003", "Sri Wahyuni", _PROV, "Dinas Pendidikan", "", "", "K1", "online"),
    ("199107232015032002", "Sri Wahyuni", _KOTA, "Dinas Sosial", "", "", "K1", "online"),
)


@pytest.fixture
def settings(db_url: str) -> Settings:
    """The app under test, with the Zoom webhook secret."""
    return Settings(
        database_url=db_url, secret_key="test-secret", public_url=PUBLIC_URL, zoom_webhook_secret=ZOOM_SECRET
    )


@pytest.fixture
async def moderator(
    browser: Any, client: TestClient, tokens: dict[str, str], db_url: str
) -> AsyncIterator[Any]:
    """The event and its roster through the API; a phone-sized context logged in as a moderator."""
    await create_event(client, tokens["organiser"])
    resp = await client.post(
        "/api/v1/events/bali-2023/roster", data=ROSTER, headers=bearer(tokens["organiser"])
    )
    assert resp.status == 200, await resp.text()
    async with db_session(db_url) as session:
        token = await auth.create_token(session, Role.moderator, "moderator-review", kind="session")
    context = await browser.new_context(viewport=PHONE)
    base = str(client.make_url("")).rstrip("/")
    await context.add_cookies(
        [
            {"name": "eventops_session", "value": token, "url": base},
            {"name": "eventops_csrf", "value": "csrf-" + token[-16:], "url": base},
        ]
    )
    yield context
    await context.close()


async def _join(client: TestClient, *people: tuple[str, str, int]) -> None:
    """Signed `webinar.participant_joined` webhooks: (user id, display name, minutes after 08.00 WITA)."""
    for user_id, name, minute in people:
        event = joined_event(
            MEETING, EventPerson(user_id, name), MEETING.start_time + timedelta(minutes=minute)
        )
        resp = await post_zoom(client, event)
        assert resp.status == 200, await resp.text()
    await zoom_drained(client)


async def test_a_moderator_finishes_the_queue_with_keys_and_bulk_buttons(
    moderator: Any, client: TestClient, tokens: dict[str, str], db_url: str
) -> None:
    await _join(
        client,
        ("u1", "Ketut Wirawan", 1),  # namesakes: the moderator decides
        ("u2", "I Made Sudarmaja", 2),  # close to one roster name: accepted in bulk
        ("u3", "Budi Santosa", 3),
    )
    page = await moderator.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    base = str(client.make_url("")).rstrip("/")
    await page.goto(f"{base}/dashboard/bali-2023/K1/review")
    await expect(page.locator("#review-page")).to_have_attribute("data-live", "open")
    items = page.locator("#groups li.review-item")
    await expect(items).to_have_count(3)
    await expect(page.locator("#keys")).to_contain_text("j")

    # devices join while the page is open: they appear without a reload
    await page.evaluate("window.__notReloaded = true")
    await _join(client, ("u4", "Galaxy A12", 4), ("u5", "Zoom user", 5), ("u6", "Galaxy A12", 6))
    await expect(items).to_have_count(5)
    await expect(page.locator("#dismiss-devices")).to_contain_text("(2)")
    await expect(page.locator("#accept-all")).to_contain_text("(2)")
    await expect(page.locator("#dismiss-namesakes")).to_contain_text("(1)")
    assert await page.evaluate("window.__notReloaded === true")

    # the namesakes, each with what separates them: workplace, expected mode
    wirawan = items.filter(has_text="Ketut Wirawan")
    candidates = wirawan.locator("button.suggestion")
    await expect(candidates).to_have_count(2)
    await expect(wirawan).to_contain_text("Dinas Pariwisata")
    await expect(wirawan.locator(".chip.venue")).to_have_count(1)
    await expect(wirawan.locator(".chip.bulk-group")).to_have_count(1)  # in the namesakes' bulk group
    await expect(items.locator(".chip.bulk-group")).to_have_count(1)
    await no_horizontal_scroll(page)
    await shot(page, "review-390")

    # one key: select the item (j/k), pick the online namesake with its number
    refs = [await c.get_attribute("data-ref") for c in await candidates.all()]
    at_venue = [await c.locator(".chip.venue").count() for c in await candidates.all()]
    pick = at_venue.index(0)  # the one expected online
    for _ in range(6):
        if await wirawan.get_attribute("aria-current") == "true":
            break
        await page.keyboard.press("j")
    await expect(wirawan).to_have_attribute("aria-current", "true")
    await page.keyboard.press(str(pick + 1))
    await expect(wirawan).to_have_count(0)
    await expect(page.locator("#review-status")).to_contain_text("Ketut Wirawan")
    await expect(page.locator("#dismiss-namesakes")).to_contain_text("(0)")
    await expect(page.locator("#dismiss-namesakes")).to_be_disabled()

    await page.click("#accept-all")
    await expect(items).to_have_count(2)
    await page.click("#dismiss-devices")
    await expect(items).to_have_count(0)
    await expect(page.locator("#review-empty")).to_be_visible()
    await no_horizontal_scroll(page)
    await shot(page, "review-done-390")

    # what the API and the database say
    api = "/api/v1/events/bali-2023/batches/K1"
    left = await (await client.get(f"{api}/review/people", headers=bearer(tokens["moderator"]))).json()
    assert left["items_total"] == 0
    online = await (await client.get(f"{api}/zoom/online", headers=bearer(tokens["moderator"]))).json()
    assert (online["online_now"], online["matched"], online["participants_online"]) == (6, 3, 3)
    names = {p.id: p.name for p in await stored(db_url, Participant)}
    rows = {
        r.display_name: (r.review_state, names.get(r.participant_id))
        for r in await stored(db_url, OnlineSession)
    }
    assert rows == {
        "Ketut Wirawan": ("resolved", "Ketut Wirawan"),
        "I Made Sudarmaja": ("resolved", "I Made Sudarma, S.Kom."),
        "Budi Santosa": ("resolved", "Budi Santoso"),
        "Galaxy A12": ("dismissed", None),
        "Zoom user": ("dismissed", None),
    }
    [wirawan_row] = [r for r in await stored(db_url, OnlineSession) if r.display_name == "Ketut Wirawan"]
    assert str(wirawan_row.participant_id) == refs[pick]
    aliases = {a.key: names[a.participant_id] for a in await stored(db_url, Alias)}
    assert aliases == {
        "ketut wirawan": "Ketut Wirawan",
        "i made sudarmaya": "I Made Sudarma, S.Kom.",  # the old spelling (dj, j) read as today's
        "budi santosa": "Budi Santoso",
    }
    assert problems == []


async def test_namesakes_and_names_close_to_nobody_are_dismissed_with_their_own_buttons(
    moderator: Any, client: TestClient, tokens: dict[str, str], db_url: str
) -> None:
    await _join(
        client,
        ("u1", "Ketut Wirawan", 1),  # two roster people of each of these names
        ("u2", "Sri Wahyuni", 2),
        ("u3", "Galaxy A12", 3),
        ("u4", "Yohanes Simatupang", 4),  # a guest: close to no roster name
    )
    page = await moderator.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    base = str(client.make_url("")).rstrip("/")
    await page.goto(f"{base}/dashboard/bali-2023/K1/review")
    items = page.locator("#groups li.review-item")
    await expect(items).to_have_count(4)
    button = page.locator("#dismiss-namesakes")
    await expect(button).to_contain_text("Abaikan semua senama yang tak terbedakan (2)")
    await expect(button).to_be_enabled()
    # each namesake says it is in the bulk group, and still shows its candidates to pick one by one
    for name in ("Ketut Wirawan", "Sri Wahyuni"):
        item = items.filter(has_text=name)
        await expect(item.locator(".chip.bulk-group")).to_contain_text("senama")
        await expect(item.locator("button.suggestion")).to_have_count(2)
    await expect(items.filter(has_text="Galaxy A12").locator(".chip.bulk-group")).to_have_count(0)
    await no_horizontal_scroll(page)

    # Enter accepts a suggestion, and a namesake has none: which candidate is listed first means nothing
    wirawan = items.filter(has_text="Ketut Wirawan")
    for _ in range(6):
        if await wirawan.get_attribute("aria-current") == "true":
            break
        await page.keyboard.press("j")
    await expect(wirawan).to_have_attribute("aria-current", "true")
    await page.keyboard.press("Enter")
    far = page.locator("#dismiss-far")
    await expect(far).to_contain_text("(1)")
    await far.click()
    await expect(items).to_have_count(3)  # the guest is dismissed, both namesakes still wait
    await expect(items.filter(has_text="Ketut Wirawan")).to_have_count(1)

    await button.click()
    await expect(items).to_have_count(1)
    await expect(items).to_contain_text("Galaxy A12")
    await expect(page.locator("#review-status")).to_contain_text("2")
    await expect(button).to_contain_text("(0)")
    await expect(button).to_be_disabled()

    rows = {r.display_name: (r.review_state, r.participant_id) for r in await stored(db_url, OnlineSession)}
    assert rows == {
        "Ketut Wirawan": ("dismissed", None),
        "Sri Wahyuni": ("dismissed", None),
        "Galaxy A12": ("pending", None),
        "Yohanes Simatupang": ("dismissed", None),
    }
    assert await stored(db_url, Alias) == []
    api = "/api/v1/events/bali-2023/batches/K1/review/people"
    left = await (await client.get(api, headers=bearer(tokens["moderator"]))).json()
    assert left["bulk"]["dismissable"] == {"device_name": 1}
    assert problems == []
