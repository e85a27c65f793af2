"""Languages over real HTTP: the order a request's language is chosen in, and the header's switch."""

from __future__ import annotations

import json
import re

import pytest
from aiohttp.test_utils import TestClient

from eventops.accounts import auth
from eventops.accounts.auth import Role
from eventops.storage.models import User
from eventops.web.locale import accepted, choose_locale
from eventops.web.render import script_msgids
from tests.helpers import bearer, create_event, db_session, stored

PASSWORD = "rahasia-sekali"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", None),
        ("en", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("id-ID,id;q=0.9,en;q=0.8", "id"),
        ("fr,de;q=0.9", None),
        ("fr, en;q=0.5, id;q=0.7", "id"),  # by quality, not by position
        ("en;q=0, id;q=0.1", "id"),  # q=0 means "not this one"
        ("en;q=banana, id", "id"),
        ("*", None),
    ],
)
def test_accept_language_picks_the_best_language_we_speak(header: str, expected: str | None) -> None:
    assert accepted(header) == expected


def test_the_user_then_the_cookie_then_the_browser_then_indonesian() -> None:
    assert choose_locale("en", "id", "id") == "en"
    assert choose_locale(None, "en", "id") == "en"
    assert choose_locale(None, None, "en-US") == "en"
    assert choose_locale(None, None, "") == "id"
    assert choose_locale("xx", "yy", "fr") == "id"  # nothing we speak: the default


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


async def _log_in(client: TestClient, name: str) -> None:
    """Log in through the form, as a browser does."""
    csrf = _csrf(await (await client.get("/login")).text())
    data = {"name": name, "password": PASSWORD, "csrf": csrf, "next": "/"}
    resp = await client.post("/login", data=data, allow_redirects=False)
    assert resp.status == 303


async def _switch(client: TestClient, page: str, lang: str) -> tuple[int, str]:
    """Press the header's switch on `page`: the status and where it leads."""
    html = await (await client.get(page)).text()
    assert 'action="/account/language"' in html
    data = {"csrf": _csrf(html), "lang": lang, "next": page}
    resp = await client.post("/account/language", data=data, allow_redirects=False)
    return resp.status, resp.headers.get("Location", "")


async def test_a_users_language_follows_them_to_another_browser(client: TestClient, db_url: str) -> None:
    async with db_session(db_url) as session:
        await auth.add_user(session, "wayan", Role.staff, PASSWORD)
    await _log_in(client, "wayan")
    home = await (await client.get("/")).text()
    assert '<html lang="id">' in home and "Acara" in home and "petugas" in home

    assert await _switch(client, "/", "en") == (303, "/")
    home = await (await client.get("/")).text()
    assert '<html lang="en">' in home and "<h1>Events</h1>" in home and "staff" in home
    [user] = await stored(db_url, User)
    assert user.lang == "en"

    client.session.cookie_jar.clear()  # another browser: no cookies at all
    login = await (await client.get("/login")).text()
    assert "<h1>Masuk</h1>" in login  # not logged in yet: nothing says who this is
    await _log_in(client, "wayan")
    home = await (await client.get("/", headers={"Cookie": "lang=id"})).text()
    assert "<h1>Events</h1>" in home  # the user's choice beats a cookie

    assert await _switch(client, "/", "id") == (303, "/")
    assert "<h1>Acara</h1>" in await (await client.get("/", headers={"Cookie": "lang=en"})).text()


async def test_visitors_switch_with_a_cookie_and_an_english_browser_still_sees_indonesian(
    client: TestClient,
) -> None:
    login = await (await client.get("/login", headers={"Accept-Language": "en-AU,en;q=0.9"})).text()
    assert "<h1>Masuk</h1>" in login and '<html lang="id">' in login

    assert await _switch(client, "/login?next=/scan", "en") == (303, "/login?next=/scan")
    assert client.session.cookie_jar.filter_cookies(client.make_url("/"))["lang"].value == "en"
    login = await (await client.get("/login", headers={"Accept-Language": "id"})).text()
    assert "<h1>Sign in</h1>" in login  # the cookie decides
    assert "Bahasa Indonesia" in login  # the switch offers the other language, named in itself

    await _switch(client, "/login", "id")
    assert "<h1>Masuk</h1>" in await (await client.get("/login")).text()


async def test_the_switch_refuses_unknown_languages_and_foreign_next(client: TestClient) -> None:
    resp = await client.post("/account/language", data={"lang": "en", "next": "/"}, allow_redirects=False)
    assert resp.status == 403  # no CSRF token: refused, nothing set
    assert "lang" not in client.session.cookie_jar.filter_cookies(client.make_url("/"))

    html = await (await client.get("/login")).text()
    data = {"csrf": _csrf(html), "lang": "fr", "next": "/"}
    resp = await client.post("/account/language", data=data, allow_redirects=False)
    assert resp.status == 422 and "Bahasa tidak dikenal" in await resp.text()

    data = {"csrf": _csrf(html), "lang": "en", "next": "//evil.example/"}
    resp = await client.post("/account/language", data=data, allow_redirects=False)
    assert (resp.status, resp.headers["Location"]) == (303, "/")


async def test_numbers_and_dates_follow_the_language(client: TestClient, tokens: dict[str, str]) -> None:
    await create_event(client, tokens["organiser"])
    indonesian = await (await client.get("/", headers=bearer(tokens["staff"]))).text()
    english = await (await client.get("/", headers={**bearer(tokens["staff"]), "Cookie": "lang=en"})).text()
    assert "Senin, 21 Agustus 2023, 08.00 WITA" in indonesian
    assert "Monday, 21 August 2023, 08:00 WITA" in english


async def test_the_scripts_get_their_messages_in_the_page_language(
    client: TestClient, tokens: dict[str, str]
) -> None:
    def messages(html: str) -> dict[str, str]:
        found = re.search(r'<script type="application/json" id="i18n">(.*?)</script>', html, re.S)
        assert found is not None
        return dict(json.loads(found.group(1)))

    indonesian = messages(await (await client.get("/scan", headers=bearer(tokens["staff"]))).text())
    assert indonesian["Checked in"] == "Hadir" and indonesian["Wrong batch"] == "Salah kelompok"
    same = {"Zoom", "YouTube"}  # names, the same in both languages
    assert set(indonesian) == set(script_msgids()) - same  # every other message of every script, translated
    headers = {**bearer(tokens["staff"]), "Cookie": "lang=en"}
    assert messages(await (await client.get("/scan", headers=headers)).text()) == {}  # the msgids are English
