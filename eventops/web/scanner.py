"""The scanner page for venue staff: camera and handheld scanning, with an offline queue in the browser."""

from __future__ import annotations

from aiohttp import web

from eventops.accounts.auth import Role
from eventops.web.access import requires
from eventops.web.render import render
from eventops.web.strict import static_url, strict


@requires(Role.staff, page=True)
async def scan_page(request: web.Request) -> web.Response:
    """The scanner: choose event, batch and station, then scan; the script talks to the check-in API."""
    response = render(
        request,
        "scan.html",
        scan_js=static_url(request, "scan.js"),
        scan_css=static_url(request, "scan.css"),
        jsqr_js=static_url(request, "vendor/jsQR.js"),
    )
    return strict(response, camera=True)
