"""Roles on every route, bearer tokens, the login page, session cookies and CSRF."""

from __future__ import annotations

import re

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from eventops.accounts import auth
from eventops.accounts.auth import Role
from eventops.storage.db import create_engine, make_sessionmaker
from eventops.web.access import access_of
from tests.helpers import EVENT, bearer


def _routes(app: web.Application) -> list[tuple[str, str, object]]:
    found = []
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter") or info.get("prefix", "")
        if path.startswith("/static"):
            continue
        found.append((route.method, re.sub(r"\{[^}]+\}", "x", path), route.handler))
    return found


async def test_every_route_is_marked(app: web.Application) -> None:
    unmarked = [(m, p) for m, p, h in _routes(app) if m != "HEAD" and access_of(h) is None]
    assert unmarked == []


async def test_every_route_refuses_the_roles_below_it(client: TestClient, tokens: dict[str, str]) -> None:
    checked = 0
    for method, path, handler in _routes(client.app):
        access = access_of(handler)
        if method == "HEAD" or access is None or access.role is None:
            continue
        resp = await client.request(method, path, allow_redirects=False)
        if access.page:
            assert resp.status == 303 and resp.headers["Location"].startswith("/login"), (method, path)
        else:
            assert resp.status == 401, (method, path)
            assert (await resp.json())["error"] == "unauthorized"
        for lower in (r for r in Role if r < access.role):
            resp = await client.request(
                method, path, headers=bearer(tokens[lower.name]), allow_redirects=False
            )
            assert resp.status == 403, (method, path, lower)
        checked += 1
    assert checked >= 8


async def test_bad_or_revoked_tokens_are_refused(client: TestClient, db_url: str) -> None:
    engine = create_engine(db_url)
    async with make_sessionmaker(engine)() as session:
        raw = await auth.create_token(session, Role.organiser, "laptop")
        session_token = await auth.create_token(session, Role.organiser, "cookie", kind="session")
    await engine.dispose()
    assert (await client.get("/api/v1/events", headers=bearer(raw))).status == 200
    assert (await client.get("/api/v1/events", headers=bearer(raw + "x"))).status == 401
    assert (await client.get("/api/v1/events", headers={"Authorization": f"Basic {raw}"})).status == 401
    # a session token is only valid as a cookie, never as a bearer token
    assert (await client.get("/api/v1/events", headers=bearer(session_token))).status == 401


async def _login(client: TestClient, name: str, password: str) -> tuple[int, str]:
    page = await client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', await page.text())
    assert csrf is not None
    resp = await client.post(
        "/login",
        data={"name": name, "password": password, "csrf": csrf.group(1), "next": "/"},
        allow_redirects=False,
    )
    return resp.status, csrf.group(1)


async def test_login_sets_a_session_that_opens_pages_and_api(client: TestClient, db_url: str) -> None:
    engine = create_engine(db_url)
    async with make_sessionmaker(engine)() as session:
        await auth.add_user(session, "panitia", Role.organiser, "rahasia-sekali")
    await engine.dispose()
    status, _ = await _login(client, "panitia", "salah-sandi")
    assert status == 401
    status, before_login = await _login(client, "panitia", "rahasia-sekali")
    assert status == 303
    home = await client.get("/")
    assert home.status == 200 and "panitia" in await home.text()
    found = re.search(r'name="csrf" value="([^"]+)"', await home.text())
    assert found is not None
    csrf = found.group(1)
    # cookie-authenticated writes need the CSRF token of the session (not the one from before login)
    assert (await client.post("/api/v1/events", json=EVENT)).status == 403
    resp = await client.post("/api/v1/events", json=EVENT, headers={"X-CSRF-Token": before_login})
    assert resp.status == 403
    resp = await client.post("/api/v1/events", json=EVENT, headers={"X-CSRF-Token": csrf})
    assert resp.status == 201
    resp = await client.post("/logout", data={"csrf": csrf}, allow_redirects=False)
    assert resp.status == 303
    assert (await client.get("/api/v1/events")).status == 401


async def test_login_without_csrf_is_refused(client: TestClient) -> None:
    resp = await client.post("/login", data={"name": "a", "password": "b"}, allow_redirects=False)
    assert resp.status == 403


async def test_login_never_redirects_off_site(client: TestClient) -> None:
    page = await client.get("/login?next=//evil.example/x")
    assert 'value="//evil.example/x"' not in await page.text()


async def test_passwords_are_hashed_with_salt() -> None:
    a, b = auth.hash_password("rahasia-sekali"), auth.hash_password("rahasia-sekali")
    assert a != b and "rahasia" not in a
    assert auth.verify_password("rahasia-sekali", a) and not auth.verify_password("rahasia-sekalI", a)
    assert not auth.verify_password("x", "garbage")


OFF_SITE = [
    "//evil.example/phish",
    "/\t/evil.example/phish",
    "/\n/evil.example/phish",
    "/\r/evil.example/phish",
    "/\r\n/evil.example/phish",
    "/\\evil.example/phish",
    "\\\\evil.example/phish",
    "/\\/evil.example/phish",
    "https://evil.example/phish",
    "javascript:alert(1)",
    " //evil.example/phish",
    "/ /evil.example",
    "evil.example",
]


async def _login_to(client: TestClient, db_url: str, target: str) -> str:
    """Log in with `next=target`; where the redirect goes."""
    engine = create_engine(db_url)
    async with make_sessionmaker(engine)() as session:
        await auth.set_password(session, "panitia", "rahasia-sekali", Role.organiser)
    await engine.dispose()
    page = await client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', await page.text())
    assert csrf is not None
    form = {"name": "panitia", "password": "rahasia-sekali", "csrf": csrf.group(1), "next": target}
    resp = await client.post("/login", data=form, allow_redirects=False)
    assert resp.status == 303, await resp.text()
    return resp.headers["Location"]


@pytest.mark.parametrize("target", OFF_SITE)
async def test_login_redirects_only_to_a_path_on_this_site(
    client: TestClient, db_url: str, target: str
) -> None:
    assert await _login_to(client, db_url, target) == "/"
    page = await client.get("/login", params={"next": target})
    assert 'name="next" value="/"' in await page.text()


async def test_the_issue_example_url_is_not_followed_off_site(client: TestClient, db_url: str) -> None:
    page = await client.get("/login?next=/%09/evil.example/phish")
    assert 'name="next" value="/"' in await page.text()


@pytest.mark.parametrize(
    "target", ["/", "/scan", "/dashboard/bali-2023/K1", "/stream/bali-2023/K1?x=1&y=%20"]
)
async def test_login_goes_on_to_a_local_path(client: TestClient, db_url: str, target: str) -> None:
    assert await _login_to(client, db_url, target) == target
