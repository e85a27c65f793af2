"""Pages that run only our own static scripts: one strict Content-Security-Policy and versioned asset URLs."""

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


def static_url(request: web.Request, filename: str) -> str:
    """A versioned static URL, so phones never run a stale script."""
    return str(request.app.router["static"].url_for(filename=filename))


def strict(response: web.Response, *, camera: bool = False) -> web.Response:
    """Send the strict policy (and allow the camera to this origin when the page needs it)."""
    response.headers["Content-Security-Policy"] = content_security_policy(camera=camera)
    if camera:
        response.headers["Permissions-Policy"] = "camera=(self), microphone=()"
    return response
