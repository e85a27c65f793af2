"""Web pages: health, the organiser's home, and the public pass page."""

from __future__ import annotations

import logging
from pathlib import Path

from aiohttp import web

from eventops.accounts.auth import Role
from eventops.catalog import events
from eventops.errors import ErrorCode
from eventops.keys import ENGINE, PRINCIPAL, SESSIONMAKER, SETTINGS
from eventops.roster import passes
from eventops.roster.render import qr_png
from eventops.storage import health
from eventops.web import schemas
from eventops.web.access import public, requires
from eventops.web.apidoc import documented
from eventops.web.render import json_response, render

log = logging.getLogger(__name__)


@public()
@documented(schemas.Health)
async def healthz(request: web.Request) -> web.Response:
    """{"status": "ok"} when the database answers with the newest schema; 503 with the reason otherwise."""
    status, reason = await health.check(request.app[ENGINE])
    if status != "ok":
        log.warning("healthz: %s", reason)
    return json_response({"status": status}, status=200 if status == "ok" else 503)


FAVICON = Path(__file__).resolve().parent.parent / "static" / "favicon.ico"


@public()
@documented("image/vnd.microsoft.icon")
async def favicon(request: web.Request) -> web.StreamResponse:
    """/favicon.ico, which every browser asks for whatever the page links."""
    return web.FileResponse(FAVICON, headers={"Cache-Control": "public, max-age=86400"})


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
    return render(
        request,
        "pass.html",
        status=410 if view.revoked else 200,
        view=view,
    )


@public()
@documented("image/png", errors={404: (ErrorCode.PASS_NOT_FOUND,)})
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
