"""Web pages: health, login and logout, the organiser's home, and the public pass page."""

from __future__ import annotations

import logging

from aiohttp import web

from eventops.accounts import auth
from eventops.accounts.auth import Role
from eventops.catalog import events
from eventops.errors import Unauthorized
from eventops.i18n import format_date_id
from eventops.keys import ENGINE, PRINCIPAL, SESSIONMAKER, SETTINGS
from eventops.roster import passes
from eventops.roster.render import qr_png
from eventops.storage import health
from eventops.timeutil import zone
from eventops.web.access import public, requires
from eventops.web.auth import SESSION_COOKIE
from eventops.web.render import json_response, render

log = logging.getLogger(__name__)


@public()
async def healthz(request: web.Request) -> web.Response:
    """{"status": "ok"} when the database answers with the newest schema; 503 with the reason otherwise."""
    status, reason = await health.check(request.app[ENGINE])
    if status != "ok":
        log.warning("healthz: %s", reason)
    return json_response({"status": status}, status=200 if status == "ok" else 503)


def _safe_next(target: str) -> str:
    """Only local paths: never redirect a login elsewhere."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


@public(page=True)
async def login_form(request: web.Request) -> web.Response:
    """The login page."""
    return render(request, "login.html", next=_safe_next(request.query.get("next", "/")), failed=False)


@public(page=True)
async def login(request: web.Request) -> web.StreamResponse:
    """Check the password, set the session cookie, go on."""
    form = await request.post()
    name, password, target = (str(form.get(k, "")) for k in ("name", "password", "next"))
    try:
        async with request.app[SESSIONMAKER]() as session:
            token = await auth.login(session, name[:64], password[:200])
    except Unauthorized:
        return render(request, "login.html", status=401, next=_safe_next(target), failed=True)
    response = web.HTTPSeeOther(location=_safe_next(target))
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="Lax",
        secure=request.app[SETTINGS].cookie_secure,
        max_age=int(auth.SESSION_TTL.total_seconds()),
        path="/",
    )
    raise response


@requires(Role.staff, page=True)
async def logout(request: web.Request) -> web.StreamResponse:
    """End the session."""
    async with request.app[SESSIONMAKER]() as session:
        await auth.logout(session, request.cookies.get(SESSION_COOKIE, ""))
    response = web.HTTPSeeOther(location="/login")
    response.del_cookie(SESSION_COOKIE, path="/")
    raise response


@requires(Role.staff, page=True)
async def home(request: web.Request) -> web.Response:
    """Events and their batches."""
    async with request.app[SESSIONMAKER]() as session:
        found = [(e, await events.list_batches(session, e)) for e in await events.list_events(session)]
    return render(request, "home.html", events=found, user=request[PRINCIPAL])


@public(page=True)
async def pass_page(request: web.Request) -> web.Response:
    """The participant's pass: name, batch, venue, date and the QR, readable on a phone."""
    async with request.app[SESSIONMAKER]() as session:
        view = await passes.pass_view(session, request.match_info["token"])
    tz = zone(view.timezone)
    local_start = view.batch.starts_at.astimezone(tz)
    return render(
        request,
        "pass.html",
        status=410 if view.revoked else 200,
        view=view,
        date_text=format_date_id(local_start.date()),
        starts=local_start,
        ends=view.batch.ends_at.astimezone(tz),
    )


@public()
async def pass_qr(request: web.Request) -> web.Response:
    """The QR image shown on the pass page (the pass URL itself)."""
    async with request.app[SESSIONMAKER]() as session:
        view = await passes.pass_view(session, request.match_info["token"])
    if view.revoked:
        return web.Response(status=410, text="revoked")
    png = qr_png(passes.pass_url(request.app[SETTINGS].public_url, view.token), box_size=8)
    return web.Response(
        body=png, content_type="image/png", headers={"Cache-Control": "private, max-age=3600"}
    )
