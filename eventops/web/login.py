"""Login and logout (the form, throttled by address and by user name, the session cookie); the language."""

from __future__ import annotations

import math
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiohttp import web

from eventops.accounts import auth
from eventops.accounts.auth import PasswordChecker, Role
from eventops.errors import ErrorCode, Invalid, Unauthorized
from eventops.i18n import LOCALES
from eventops.keys import LOGIN_LIMITS, PASSWORDS, PRINCIPAL, SESSIONMAKER, SETTINGS
from eventops.web.access import public, requires
from eventops.web.auth import SESSION_COOKIE
from eventops.web.forwarded import client_address
from eventops.web.locale import LANG_COOKIE
from eventops.web.parse import FORM_LIMIT, form_fields
from eventops.web.ratelimit import TokenBucket
from eventops.web.render import render

# Failed attempts only: a successful login gives its tokens back. An office behind one address gets a few
# typos each; one user name gets fewer, from anywhere (guessing one account's password from many addresses).
ADDRESS_PER_MINUTE, ADDRESS_BURST = 10, 10
USER_PER_MINUTE, USER_BURST = 5, 5
# A path on this site: "/" then printable ASCII without spaces or backslashes, never "//" at the start.
# Browsers drop tabs and newlines from URLs and read "\" as "/", so "/\t/evil.example" would become
# "//evil.example", another site.
_LOCAL_PATH = re.compile(r"/(?!/)[!-\[\]-~]*")
LANG_COOKIE_AGE = 365 * 24 * 3600


@dataclass(frozen=True)
class LoginLimits:
    """Failed-login budgets: one bucket per client address, one per user name (in this process)."""

    by_address: TokenBucket
    by_user: TokenBucket


def setup_login(app: web.Application) -> None:
    """Install the login limits and the password thread."""
    app[LOGIN_LIMITS] = LoginLimits(
        TokenBucket(ADDRESS_PER_MINUTE, ADDRESS_BURST), TokenBucket(USER_PER_MINUTE, USER_BURST)
    )
    app.cleanup_ctx.append(_passwords_ctx)


async def _passwords_ctx(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: the password-checking thread for the app's lifetime."""
    app[PASSWORDS] = checker = PasswordChecker()
    yield
    checker.close()


def safe_next(target: str) -> str:
    """Only local paths: never redirect a login elsewhere."""
    return target if _LOCAL_PATH.fullmatch(target) else "/"


def _page(
    request: web.Request, target: str, status: int = 200, failed: bool = False, wait: int = 0
) -> web.Response:
    return render(request, "login.html", status=status, next=safe_next(target), failed=failed, wait=wait)


@public(page=True)
async def login_form(request: web.Request) -> web.Response:
    """The login page."""
    return _page(request, request.query.get("next", "/"))


def _throttled(request: web.Request, target: str, retry_after: float) -> web.Response:
    wait = max(1, math.ceil(retry_after))
    response = _page(request, target, status=429, wait=wait)
    response.headers["Retry-After"] = str(wait)
    return response


@public(page=True, max_body=FORM_LIMIT)
async def login(request: web.Request) -> web.StreamResponse:
    """Check the password (unless this address or user name failed too often), set the session cookie."""
    name, password, target = await form_fields(request, "name", "password", "next")
    limits = request.app[LOGIN_LIMITS]
    address, user = client_address(request), name.strip().casefold()[:64]
    verdict = limits.by_address.take(address)
    if verdict.allowed:
        verdict = limits.by_user.take(user)
        if not verdict.allowed:
            limits.by_address.give_back(address)  # refused before any check: it cost nothing
    if not verdict.allowed:
        return _throttled(request, target, verdict.retry_after)
    try:
        async with request.app[SESSIONMAKER]() as session:
            token = await auth.login(session, name[:64], password[:200], request.app[PASSWORDS])
    except Unauthorized:
        return _page(request, target, status=401, failed=True)
    limits.by_address.give_back(address)
    limits.by_user.give_back(user)
    raise _back(request, target, SESSION_COOKIE, token, int(auth.SESSION_TTL.total_seconds()))


def _back(request: web.Request, target: str, cookie: str, value: str, max_age: int) -> web.HTTPSeeOther:
    """The redirect to `target` (a local path, else home) that sets an HTTP-only cookie."""
    response = web.HTTPSeeOther(location=safe_next(target))
    secure = request.app[SETTINGS].cookie_secure
    response.set_cookie(
        cookie, value, httponly=True, samesite="Lax", secure=secure, max_age=max_age, path="/"
    )
    return response


@requires(Role.staff, page=True)
async def logout(request: web.Request) -> web.StreamResponse:
    """End the session."""
    async with request.app[SESSIONMAKER]() as session:
        await auth.logout(session, request.cookies.get(SESSION_COOKIE, ""))
    response = web.HTTPSeeOther(location="/login")
    response.del_cookie(SESSION_COOKIE, path="/")
    raise response


@public(page=True, max_body=FORM_LIMIT)
async def switch_language(request: web.Request) -> web.StreamResponse:
    """The header's language switch: remember `lang` for the user (or this browser), back to `next`."""
    lang, target = await form_fields(request, "lang", "next")
    if lang not in LOCALES:
        raise Invalid(f"unknown language {lang!r}: use id or en", code=ErrorCode.LANGUAGE)
    principal = request.get(PRINCIPAL)
    if principal is not None and principal.user_id is not None:
        async with request.app[SESSIONMAKER]() as session:
            await auth.set_language(session, principal.user_id, lang)
    raise _back(request, target, LANG_COOKIE, lang, LANG_COOKIE_AGE)
