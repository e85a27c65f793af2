"""Errors to HTTP in one place: one JSON shape {"error", "message"}, never a stack trace."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from eventops import errors
from eventops.errors import ErrorCode
from eventops.keys import TEMPLATES
from eventops.web.access import Handler, access_of

log = logging.getLogger(__name__)

STATUS: dict[type[errors.DomainError], int] = {
    errors.BadRequest: 400,
    errors.Unauthorized: 401,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.TooLarge: 413,
    errors.Invalid: 422,
    errors.RateLimited: 429,
}

HTTP_CODES = {
    400: ErrorCode.BAD_REQUEST,
    401: ErrorCode.UNAUTHORIZED,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    409: ErrorCode.CONFLICT,
    413: ErrorCode.TOO_LARGE,
    415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    422: ErrorCode.INVALID,
    429: ErrorCode.RATE_LIMITED,
}


def error_response(status: int, code: ErrorCode, message: str, **extra: Any) -> web.Response:
    """The one JSON error body."""
    return web.json_response({"error": code, "message": message, **extra}, status=status)


def _page_error(request: web.Request, status: int, message: str) -> web.Response:
    template = request.app[TEMPLATES].get_template("error.html")
    html = template.render(status=status, message=message, principal=None, csrf="")
    return web.Response(text=html, status=status, content_type="text/html")


def _is_page(request: web.Request) -> bool:
    access = access_of(request.match_info.handler)
    return access is not None and access.page


def _domain_response(request: web.Request, exc: errors.DomainError) -> web.StreamResponse:
    status = next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 400)
    if _is_page(request):
        if status == 401:
            raise web.HTTPSeeOther(location=f"/login?next={request.rel_url.path}")
        return _page_error(request, status, exc.message)
    extra: dict[str, Any] = {}
    if exc.details:
        extra["errors"] = exc.details
    return error_response(status, exc.code, exc.message, **extra)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Map domain errors and aiohttp's HTTP errors to the JSON shape; hide everything else."""
    try:
        return await handler(request)
    except errors.DomainError as exc:
        return _domain_response(request, exc)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = HTTP_CODES.get(exc.status, ErrorCode.ERROR)
        message = exc.reason if exc.text is None or exc.text.startswith(f"{exc.status}:") else exc.text
        if _is_page(request):
            return _page_error(request, exc.status, message)
        return error_response(exc.status, code, message)
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.rel_url.path)
        return error_response(500, ErrorCode.INTERNAL, "something went wrong on our side; it has been logged")
