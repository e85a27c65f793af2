"""Authentication middleware: bearer token or session cookie, the route's role, and CSRF for cookies."""

from __future__ import annotations

import hmac
import secrets

from aiohttp import web

from eventops.accounts import auth
from eventops.errors import ErrorCode, Forbidden, Unauthorized
from eventops.keys import CSRF_NEW, PRINCIPAL, SESSIONMAKER, TOKEN_CACHE
from eventops.web.access import Handler, access_of

SESSION_COOKIE = "eventops_session"
CSRF_COOKIE = "eventops_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def csrf_token(request: web.Request) -> str:
    """The CSRF token for this browser (double-submit cookie), made on first use."""
    token = request.cookies.get(CSRF_COOKIE)
    if not token:
        token = request.get(CSRF_NEW) or secrets.token_urlsafe(24)
        request[CSRF_NEW] = token
    return token


async def _csrf_ok(request: web.Request) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        value = form.get(CSRF_FIELD, "")
        sent = value if isinstance(value, str) else ""
    return bool(cookie) and hmac.compare_digest(cookie, sent)


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
    cache = request.app[TOKEN_CACHE]
    if not via_cookie and (cached := cache.get(token)) is not None:
        return cached
    async with request.app[SESSIONMAKER]() as session:
        principal = await auth.authenticate(session, token, via_cookie=via_cookie)
    if principal is not None and not via_cookie:
        cache.put(token, principal)
    return principal


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
        response.set_cookie(CSRF_COOKIE, new, httponly=False, samesite="Strict", path="/")
    return response
