"""Pages that run only our own static scripts: one strict Content-Security-Policy and versioned asset URLs;
and no page of ours inside another site's frame."""

from __future__ import annotations

from aiohttp import web

_BASE = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)


def content_security_policy(*, camera: bool = False) -> str:
    """A policy this strict proves a page has no inline script or style, so a hostile name can never run."""
    media = (
        ("img-src 'self' data: blob:", "media-src 'self' blob: mediastream:")
        if camera
        else ("img-src 'self' data:",)
    )
    return "; ".join((*_BASE, *media))


async def _no_framing(request: web.Request, response: web.StreamResponse) -> None:
    """Every HTML page refuses to be framed by another site (clickjacking), whatever its other policy."""
    if response.content_type == "text/html" and "Content-Security-Policy" not in response.headers:
        response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"


def setup_no_framing(app: web.Application) -> None:
    """Add `frame-ancestors 'none'` to every HTML response that has no stricter policy of its own."""
    app.on_response_prepare.append(_no_framing)


def static_url(request: web.Request, filename: str) -> str:
    """A versioned static URL, so phones never run a stale script."""
    return str(request.app.router["static"].url_for(filename=filename))


def strict(response: web.Response, *, camera: bool = False) -> web.Response:
    """Send the strict policy (and allow the camera to this origin when the page needs it); links to other
    sites carry no address of ours (a batch's or a pass's)."""
    response.headers["Content-Security-Policy"] = content_security_policy(camera=camera)
    response.headers["Referrer-Policy"] = "same-origin"
    if camera:
        response.headers["Permissions-Policy"] = "camera=(self), microphone=()"
    return response
