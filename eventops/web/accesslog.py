"""The access log: a line per request (method, path, status, duration, who called), never a secret."""

from __future__ import annotations

import asyncio
import logging
import re
import time

from aiohttp import web

from eventops.keys import PRINCIPAL
from eventops.web.access import Handler
from eventops.web.forwarded import client_address

log = logging.getLogger("eventops.access")

# Path parts that are secrets or personal data: a pass token is a credential, a NIP is personal data.
SECRET_PARTS = ("token", "nip")
REDACTED = "***"
# For paths no route matched (a mistyped pass link): a pass path's token and any NIP-like run of digits.
_PASS_PATH = re.compile(r"^/p/[^/]+")
_DIGITS = re.compile(r"\d{8,}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # a decoded %0A must not start a forged log line


def logged_path(request: web.Request) -> str:
    """The request's path with pass tokens and NIPs replaced by `***`; the query string is left out."""
    info = request.match_info
    if info.route.resource is None or not any(info.get(key) for key in SECRET_PARTS):
        path = request.rel_url.raw_path  # still percent-encoded: no control character comes through
        return path if info.http_exception is None else _DIGITS.sub(REDACTED, _PASS_PATH.sub("/p/***", path))
    parts = {key: REDACTED if key in SECRET_PARTS else value for key, value in info.items()}
    return _CONTROL.sub("?", info.route.resource.canonical.format_map(parts))


@web.middleware
async def access_log_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Log `METHOD path status duration user` once the request is answered (at INFO, on eventops.access)."""
    if not log.isEnabledFor(logging.INFO):
        return await handler(request)
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:  # redirects raised by handlers
        status = exc.status
        raise
    except asyncio.CancelledError:
        status = 499  # the client went away (nginx's code for it)
        raise
    finally:
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        principal = request.get(PRINCIPAL)
        user = principal.name if principal is not None else "-"
        path = logged_path(request)
        client = client_address(request)
        log.info(
            "%s %s %d %.1fms user=%s client=%s",
            request.method,
            path,
            status,
            duration_ms,
            user,
            client,
            extra={
                "method": request.method,
                "path": path,
                "status": status,
                "duration_ms": duration_ms,
                "user": user,
                "client": client,
            },
        )
