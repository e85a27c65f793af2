"""Authentication middleware: bearer token or session cookie, the route's role, and CSRF for cookies.

CSRF: a write authenticated by the session cookie carries a token derived from that session with
EVENTOPS_SECRET_KEY (HMAC), in the `X-CSRF-Token` header or the form's `csrf` field. Before login (the login
and public forms) the token is a random double-submit cookie.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from aiohttp import web

from eventops.accounts import auth
from eventops.errors import ErrorCode, Forbidden, Unauthorized
from eventops.keys import CSRF_NEW, PRINCIPAL, SESSIONMAKER, SETTINGS, TOKEN_CACHE
from eventops.web.access import Handler, access_of

SESSION_COOKIE = "eventops_session"
CSRF_COOKIE = "eventops_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _expected_csrf(request: web.Request) -> str | None:
    """The token a write must carry: for a login session, the session's own (signed with the secret key, so
    that a cookie planted by a neighbouring site is worth nothing); before login, the double-submit cookie."""
    session = request.cookies.get(SESSION_COOKIE)
    if session:
        return session_csrf(request.app[SETTINGS].secret_key, session)
    return request.cookies.get(CSRF_COOKIE) or None


def session_csrf(secret_key: str, session: str) -> str:
    """The CSRF token of a login session: an HMAC of the session token under the secret key."""
    digest = hmac.new(secret_key.encode(), b"csrf:" + session.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def csrf_token(request: web.Request) -> str:
    """The CSRF token for this browser, also sent as a cookie the pages' scripts read when it changed."""
    token = request.get(CSRF_NEW) or _expected_csrf(request) or secrets.token_urlsafe(24)
    if request.cookies.get(CSRF_COOKIE) != token:
        request[CSRF_NEW] = token
    return token


async def _csrf_ok(request: web.Request) -> bool:
    expected = _expected_csrf(request)
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        value = form.get(CSRF_FIELD, "")
        sent = value if isinstance(value, str) else ""
    if not expected or not sent:
        return False
    # as bytes: compare_digest refuses non-ASCII text, and the header is whatever the client wrote
    return hmac.compare_digest(expected.encode(), sent.encode(errors="replace"))


async def _principal(request: web.Request) -> auth.Principal | None:
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            raise Unauthorized("use 'Authorization: Bearer TOKEN'", code=ErrorCode.BAD_AUTH_HEADER)
        via_cookie, token = False, raw.strip()
    else:
        via_cookie, token = True, request.cookies.get(SESSION_COOKIE, "")
    if not token:
        return None

    async def lookup() -> auth.Principal | None:
        async with request.app[SESSIONMAKER]() as session:
            return await auth.authenticate(session, token, via_cookie=via_cookie)

    if via_cookie:  # sessions are not cached: logging out ends one at once
        return await lookup()
    return await request.app[TOKEN_CACHE].get_or_load(token, lookup)


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Enforce the route's access rule before its handler runs."""
    access = access_of(request.match_info.handler)
    request[PRINCIPAL] = None
    if access is None:  # no route matched (404/405): let aiohttp answer
        return await _with_csrf_cookie(request, handler)
    if access.role is not None or access.page:
        request[PRINCIPAL] = await _principal(request)
    principal = request[PRINCIPAL]
    if access.role is not None:
        if principal is None:
            raise Unauthorized("log in or send a bearer token", code=ErrorCode.UNAUTHORIZED)
        if not principal.has(access.role):
            raise Forbidden(f"this needs the {access.role.name} role", code=ErrorCode.FORBIDDEN)
    cookie_auth = "Authorization" not in request.headers
    if request.method not in SAFE_METHODS and access.csrf and cookie_auth and not await _csrf_ok(request):
        raise Forbidden("the form has expired; reload the page and try again", code=ErrorCode.CSRF)
    return await _with_csrf_cookie(request, handler)


async def _with_csrf_cookie(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    new = request.get(CSRF_NEW)
    if new and not response.prepared:
        secure = request.app[SETTINGS].cookie_secure
        response.set_cookie(CSRF_COOKIE, new, httponly=False, samesite="Strict", secure=secure, path="/")
    return response
