"""Errors to HTTP in one place: one JSON shape {"error", "message", "detail"}, never a stack trace."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from yarl import URL

from eventops import errors
from eventops.errors import ErrorCode
from eventops.i18n import translations
from eventops.storage.db import is_unavailable
from eventops.web.access import Handler, access_of
from eventops.web.error_text import message_for
from eventops.web.locale import request_locale
from eventops.web.render import render

log = logging.getLogger(__name__)

RETRY_AFTER = 5  # seconds a client waits before trying again while the database is away

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
    503: ErrorCode.UNAVAILABLE,
}


def _gettext(request: web.Request) -> Callable[[str], str]:
    return translations(request_locale(request)).gettext


def error_response(
    request: web.Request, status: int, code: ErrorCode, detail: str, **extra: Any
) -> web.Response:
    """The one JSON error body: the stable code, its sentence in the request's language, the detail."""
    body = {"error": code, "message": message_for(code, _gettext(request)), "detail": detail, **extra}
    return web.json_response(body, status=status)


def _page_error(request: web.Request, status: int, detail: str, code: str) -> web.Response:
    """The error page in the request's language; the service's (English) detail below in small print."""
    message = message_for(code, _gettext(request))
    return render(request, "error.html", status=status, http_status=status, message=message, detail=detail)


def _is_page(request: web.Request) -> bool:
    access = access_of(request.match_info.handler)
    return access is not None and access.page


def status_of(exc: errors.DomainError) -> int:
    """The HTTP status of a domain error."""
    return next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 400)


def _domain_response(request: web.Request, exc: errors.DomainError) -> web.StreamResponse:
    status = status_of(exc)
    if _is_page(request):
        if status == 401:
            # the raw (percent-encoded) path: a decoded one may hold spaces that no `next` accepts
            raise web.HTTPSeeOther(location=URL("/login").with_query(next=request.rel_url.raw_path))
        return _page_error(request, status, exc.message, exc.code)
    extra: dict[str, Any] = {}
    if exc.details:
        extra["errors"] = exc.details
    return error_response(request, status, exc.code, exc.message, **extra)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Map domain errors and aiohttp's HTTP errors to the JSON shape; hide everything else."""
    try:
        return await handler(request)
    except errors.DomainError as exc:
        return _domain_response(request, exc)
    except HttpProcessingError:  # a malformed part of a multipart body, met as the handler reads it
        message = "a part of the multipart body is malformed"
        if _is_page(request):
            return _page_error(request, 400, message, ErrorCode.BAD_BODY)
        return error_response(request, 400, ErrorCode.BAD_BODY, message)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = HTTP_CODES.get(exc.status, ErrorCode.ERROR)
        message = exc.reason if exc.text is None or exc.text.startswith(f"{exc.status}:") else exc.text
        if _is_page(request):
            return _page_error(request, exc.status, message, code)
        return error_response(request, exc.status, code, message)
    except Exception as exc:
        if is_unavailable(exc):
            return _unavailable(request, exc)
        log.exception("unhandled error on %s %s", request.method, request.rel_url.path)
        return error_response(
            request, 500, ErrorCode.INTERNAL, "something went wrong on our side; it has been logged"
        )


def _unavailable(request: web.Request, exc: Exception) -> web.Response:
    """503 with Retry-After while the database is out of reach: trying again is the remedy, not a bug fix."""
    reason = str(exc).partition("\n")[0]
    log.warning(
        "database unavailable on %s %s: %s: %s",
        request.method,
        request.rel_url.path,
        type(exc).__name__,
        reason,
    )
    message = "the database is unavailable for a moment; try again in a few seconds"
    if _is_page(request):
        response = _page_error(request, 503, message, ErrorCode.DATABASE_UNAVAILABLE)
    else:
        response = error_response(request, 503, ErrorCode.DATABASE_UNAVAILABLE, message)
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response
