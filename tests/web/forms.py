"""Helpers for the console pages' tests: a logged-in browser-like client and form posts."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient

from eventops.accounts import auth
from eventops.accounts.auth import Role
from eventops.keys import SETTINGS
from eventops.web.auth import CSRF_COOKIE, SESSION_COOKIE, session_csrf
from tests.helpers import db_session


async def log_in(client: TestClient, db_url: str, role: Role = Role.organiser) -> None:
    """Give the client a login session of `role` and its CSRF cookie, as a browser holds them after login."""
    async with db_session(db_url) as session:
        token = await auth.create_token(session, role, f"panitia-{role.name}", kind="session")
    csrf = session_csrf(client.app[SETTINGS].secret_key, token)
    client.session.cookie_jar.update_cookies({SESSION_COOKIE: token, CSRF_COOKIE: csrf})


def csrf_of(client: TestClient) -> str:
    """The CSRF token the client's login session holds."""
    return client.session.cookie_jar.filter_cookies(client.make_url("/"))[CSRF_COOKIE].value


async def post_form(
    client: TestClient, path: str, fields: dict[str, str], *, csrf: bool = True
) -> tuple[int, str]:
    """POST a form as the page would (with its CSRF field unless told not to); the status and the HTML."""
    data = {"csrf": csrf_of(client), **fields} if csrf else fields
    resp = await client.post(path, data=data, allow_redirects=False)
    return resp.status, await resp.text()


def shown_error(html: str) -> str | None:
    """The error code a form shows (data-error), or None."""
    found = re.search(r'data-error="([a-z_]+)"', html)
    return found.group(1) if found else None


def shown_done(html: str) -> str | None:
    """The form whose success the page shows (data-done), or None."""
    found = re.search(r'data-done="([a-z_:.@\-0-9A-Za-z]+)"', html)
    return found.group(1) if found else None
