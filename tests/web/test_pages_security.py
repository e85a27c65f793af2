"""Browser-facing protections: CSRF tokens bound to the login session and signed with EVENTOPS_SECRET_KEY,
Secure cookies behind HTTPS, no page framed by another site, small bodies on the public forms."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from aiohttp.test_utils import TestClient

from eventops.accounts import auth
from eventops.accounts.auth import Role
from eventops.app import create_app
from eventops.settings import Settings
from eventops.storage.db import create_engine, make_sessionmaker
from eventops.web.access import access_of
from tests.helpers import EVENT, SUDARMA, bearer, live_passes, seed_door

CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


async def _log_in(client: TestClient, db_url: str) -> str:
    """Log in as an organiser through the form; the CSRF token the next page carries."""
    engine = create_engine(db_url)
    async with make_sessionmaker(engine)() as session:
        await auth.set_password(session, "panitia", "rahasia-sekali", Role.organiser)
    await engine.dispose()
    page = await client.get("/login")
    token = CSRF_FIELD.search(await page.text())
    assert token is not None
    form = {"name": "panitia", "password": "rahasia-sekali", "csrf": token.group(1)}
    assert (await client.post("/login", data=form, allow_redirects=False)).status == 303
    home = await client.get("/")
    token = CSRF_FIELD.search(await home.text())
    assert home.status == 200 and token is not None
    return token.group(1)


def _set_csrf_cookie(client: TestClient, value: str) -> None:
    client.session.cookie_jar.update_cookies({"eventops_csrf": value}, client.make_url("/"))


async def _create(client: TestClient, csrf: str, slug: str) -> int:
    resp = await client.post("/api/v1/events", json={**EVENT, "slug": slug}, headers={"X-CSRF-Token": csrf})
    return resp.status


async def test_a_cookie_session_needs_the_token_of_its_own_session(client: TestClient, db_url: str) -> None:
    csrf = await _log_in(client, db_url)
    assert await _create(client, csrf, "satu") == 201
    # A cookie planted by a neighbouring site (double-submit's weakness) and the same value sent back
    _set_csrf_cookie(client, "ditanam-penyerang")
    assert await _create(client, "ditanam-penyerang", "dua") == 403
    assert await _create(client, "é-not-ascii", "dua") == 403
    # the token of an earlier session is worth nothing once that session has ended
    assert (await client.post("/logout", data={"csrf": csrf}, allow_redirects=False)).status == 303
    fresh = await _log_in(client, db_url)
    assert fresh != csrf
    assert await _create(client, csrf, "tiga") == 403
    assert await _create(client, fresh, "tiga") == 201


async def _page_token(aiohttp_client: Any, settings: Settings, session_token: str) -> str:
    """The CSRF token a fresh browser holding `session_token` is given, by an app with these settings."""
    client = await aiohttp_client(create_app(settings))
    client.session.cookie_jar.update_cookies({"eventops_session": session_token}, client.make_url("/"))
    page = await client.get("/")
    token = CSRF_FIELD.search(await page.text())
    assert page.status == 200 and token is not None
    return token.group(1)


async def test_the_csrf_token_is_derived_from_the_session_with_the_secret_key(
    aiohttp_client: Any, settings: Settings, db_url: str
) -> None:
    engine = create_engine(db_url)
    async with make_sessionmaker(engine)() as session:
        one = await auth.create_token(session, Role.staff, "satu", kind="session")
        two = await auth.create_token(session, Role.staff, "dua", kind="session")
    await engine.dispose()
    token = await _page_token(aiohttp_client, settings, one)
    # any process with the same secret key accepts it (several workers, several machines)
    assert await _page_token(aiohttp_client, settings, one) == token
    assert await _page_token(aiohttp_client, settings, two) != token
    assert await _page_token(aiohttp_client, replace(settings, secret_key="rahasia-lain"), one) != token


async def test_cookies_are_secure_when_configured(
    aiohttp_client,
    settings: Settings,
    db_url: str,  # type: ignore[no-untyped-def]
) -> None:
    client = await aiohttp_client(create_app(replace(settings, cookie_secure=True)))
    page = await client.get("/login")
    [csrf_cookie] = [c for c in page.headers.getall("Set-Cookie") if c.startswith("eventops_csrf=")]
    assert "Secure" in csrf_cookie and "SameSite=Strict" in csrf_cookie
    plain = await aiohttp_client(create_app(settings))
    page = await plain.get("/login")
    [csrf_cookie] = [c for c in page.headers.getall("Set-Cookie") if c.startswith("eventops_csrf=")]
    assert "Secure" not in csrf_cookie


async def test_no_html_page_can_be_framed_by_another_site(
    client: TestClient, tokens: dict[str, str], db_url: str
) -> None:
    await seed_door(client, tokens["organiser"])
    values = {"event": EVENT["slug"], "code": "K1", "token": (await live_passes(db_url))[SUDARMA]}
    checked = []
    for route in client.app.router.routes():
        access = access_of(route.handler)
        info = route.resource.get_info() if route.resource else {}
        path = info.get("formatter") or info.get("path") or ""
        if route.method != "GET" or access is None or not access.page:
            continue
        for url in (
            re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path),
            re.sub(r"\{\w+\}", "tidak-ada", path),
        ):
            resp = await client.get(url, headers=bearer(tokens["organiser"]), allow_redirects=False)
            if resp.content_type == "text/html":
                policy = resp.headers.get("Content-Security-Policy", "")
                assert "frame-ancestors 'none'" in policy, (url, resp.status)
                checked.append((url, resp.status))
    statuses = {status for _, status in checked}
    assert len(checked) >= 10 and 200 in statuses and 404 in statuses


async def test_the_login_and_public_forms_take_a_few_kb_at_most(
    client: TestClient, tokens: dict[str, str]
) -> None:
    await seed_door(client, tokens["organiser"])
    page = await client.get("/login")
    token = CSRF_FIELD.search(await page.text())
    assert token is not None
    for url in ("/login", f"/b/{EVENT['slug']}/K1/hadir"):
        form = {"csrf": token.group(1), "name": "x", "nip": SUDARMA, "code": "x", "password": "p" * 20_000}
        resp = await client.post(url, data=form, allow_redirects=False)
        assert resp.status == 413, url
