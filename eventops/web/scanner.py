"""The scanner page for venue staff: camera and handheld scanning, with an offline queue in the browser."""

from __future__ import annotations

from aiohttp import web

from eventops.auth import Role
from eventops.web.access import requires
from eventops.web.render import render

# Everything the page runs comes from /static: a policy this strict proves there is no inline script or style.
CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob: mediastream:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


def _static(request: web.Request, filename: str) -> str:
    """A versioned static URL, so phones never run a stale scanner script."""
    return str(request.app.router["static"].url_for(filename=filename))


@requires(Role.staff, page=True)
async def scan_page(request: web.Request) -> web.Response:
    """The scanner: choose event, batch and station, then scan; the script talks to the check-in API."""
    response = render(
        request,
        "scan.html",
        scan_js=_static(request, "scan.js"),
        scan_css=_static(request, "scan.css"),
        jsqr_js=_static(request, "vendor/jsQR.js"),
    )
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Permissions-Policy"] = "camera=(self), microphone=()"
    response.headers["Referrer-Policy"] = "same-origin"
    return response
