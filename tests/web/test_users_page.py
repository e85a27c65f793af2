"""The organisers' users page over real HTTP: users and API tokens, refusals, roles and CSRF."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient

from eventops.accounts.auth import Role
from eventops.storage.models import ApiToken, User
from tests.helpers import bearer, stored
from tests.web.forms import log_in, post_form, shown_done, shown_error


async def _login_status(client: TestClient, name: str, password: str) -> int:
    """The status of a login with these credentials, in a fresh cookie jar."""
    page = await client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', await page.text())
    assert csrf is not None
    resp = await client.post(
        "/login", data={"name": name, "password": password, "csrf": csrf.group(1)}, allow_redirects=False
    )
    return resp.status


async def test_adding_a_user_and_the_refusals(client: TestClient, db_url: str) -> None:
    await log_in(client, db_url)
    resp = await client.get("/admin/users")
    assert resp.status == 200 and "script-src 'self'" in resp.headers["Content-Security-Policy"]

    fields = {"name": "petugas-1", "role": "staff", "password": "rahasia-sekali"}
    status, html = await post_form(client, "/admin/users", fields)
    assert status == 200 and shown_done(html) == "add_user" and 'data-user="petugas-1"' in html
    [user] = await stored(db_url, User)
    assert (user.name, user.role) == ("petugas-1", "staff")

    status, html = await post_form(client, "/admin/users", fields)
    assert status == 409 and shown_error(html) == "user_exists"
    status, html = await post_form(
        client, "/admin/users", {**fields, "name": "petugas-2", "password": "pendek"}
    )
    assert status == 422 and shown_error(html) == "password"
    assert 'value="petugas-2"' in html and "pendek" not in html  # the name is kept, never the password
    status, html = await post_form(client, "/admin/users", {**fields, "name": "petugas-2", "role": "raja"})
    assert status == 422 and shown_error(html) == "role"
    status, _ = await post_form(client, "/admin/users", {**fields, "name": "petugas-3"}, csrf=False)
    assert status == 403
    assert [u.name for u in await stored(db_url, User)] == ["petugas-1"]


async def test_moderators_cannot_use_the_page(client: TestClient, db_url: str) -> None:
    await log_in(client, db_url, Role.moderator)
    assert (await client.get("/admin/users")).status == 403
    for path, fields in {
        "/admin/users": {"name": "x", "role": "organiser", "password": "rahasia-sekali"},
        "/admin/users/password": {"name": "x", "password": "rahasia-sekali"},
        "/admin/users/disabled": {"name": "x", "disabled": "1"},
        "/admin/tokens": {"name": "x", "role": "organiser"},
        "/admin/tokens/revoke": {"id": "1"},
    }.items():
        status, _ = await post_form(client, path, fields)
        assert status == 403, path
    assert await stored(db_url, User) == []


async def test_reset_password_and_disable_then_enable(client: TestClient, db_url: str) -> None:
    await log_in(client, db_url)
    await post_form(client, "/admin/users", {"name": "ani", "role": "moderator", "password": "sandi-lama-1"})

    status, html = await post_form(client, "/admin/users/password", {"name": "ani", "password": "pendek"})
    assert status == 422 and shown_error(html) == "password"
    status, html = await post_form(
        client, "/admin/users/password", {"name": "budi", "password": "sandi-baru-2"}
    )
    assert status == 404 and shown_error(html) == "user_not_found"
    status, html = await post_form(
        client, "/admin/users/password", {"name": "ani", "password": "sandi-baru-2"}
    )
    assert status == 200 and shown_done(html) == "password:ani"

    status, html = await post_form(client, "/admin/users/disabled", {"name": "ani", "disabled": "1"})
    assert status == 200 and shown_done(html) == "users"
    assert [u.disabled for u in await stored(db_url, User)] == [True]
    status, html = await post_form(client, "/admin/users/disabled", {"name": "ani", "disabled": "0"})
    assert status == 200 and [u.disabled for u in await stored(db_url, User)] == [False]
    status, _ = await post_form(client, "/admin/users/disabled", {"name": "ani", "disabled": "1"}, csrf=False)
    assert status == 403 and [u.disabled for u in await stored(db_url, User)] == [False]

    client.session.cookie_jar.clear()
    assert await _login_status(client, "ani", "sandi-lama-1") == 401
    assert await _login_status(client, "ani", "sandi-baru-2") == 303


async def test_a_token_is_shown_once_works_and_can_be_revoked(client: TestClient, db_url: str) -> None:
    await log_in(client, db_url)
    status, html = await post_form(client, "/admin/tokens", {"name": "  ", "role": "staff"})
    assert status == 422 and shown_error(html) == "token_name"

    status, html = await post_form(client, "/admin/tokens", {"name": "laptop gate 1", "role": "staff"})
    assert status == 200 and shown_done(html) == "create_token"
    found = re.search(r'id="token-secret">(eo_[A-Za-z0-9_-]+)<', html)
    assert found is not None
    secret = found.group(1)
    page = await (await client.get("/admin/users")).text()
    assert secret not in page and "laptop gate 1" in page  # listed, the secret never again
    assert (await client.get("/api/v1/events", headers=bearer(secret))).status == 200

    [token] = [t for t in await stored(db_url, ApiToken) if t.kind == "api"]
    status, html = await post_form(client, "/admin/tokens/revoke", {"id": "999"})
    assert status == 404 and shown_error(html) == "token_not_found"
    status, html = await post_form(client, "/admin/tokens/revoke", {"id": str(token.id)})
    assert status == 200 and shown_done(html) == "tokens"
    [token] = [t for t in await stored(db_url, ApiToken) if t.kind == "api"]
    assert token.revoked_at is not None
