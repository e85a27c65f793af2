"""Errors to HTTP in one place: one JSON shape {"error", "message"}, never a stack trace."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from yarl import URL

from eventops import errors
from eventops.errors import ErrorCode
from eventops.keys import TEMPLATES
from eventops.storage.db import is_unavailable
from eventops.web.access import Handler, access_of

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


# Pages speak Indonesian first: the service's (English) message goes beside as the gloss.
PAGE_MESSAGES: dict[str, str] = {
    ErrorCode.PASS_NOT_FOUND: "Kartu peserta ini tidak ada: tautannya salah atau kartunya sudah diganti.",
    ErrorCode.EVENT_NOT_FOUND: "Acara ini tidak ada.",
    ErrorCode.BATCH_NOT_FOUND: "Kelompok ini tidak ada di acara ini.",
    ErrorCode.PARTICIPANT_NOT_FOUND: "Peserta ini tidak ada di acara ini.",
}
STATUS_MESSAGES = {
    400: "Permintaan ini tidak dapat diproses.",
    403: "Akun Anda tidak punya izin untuk halaman ini.",
    404: "Halaman atau data ini tidak ada.",
    409: "Permintaan ini bertentangan dengan keadaan saat ini.",
    413: "Isinya terlalu besar.",
    422: "Isian ini tidak valid.",
    429: "Terlalu banyak permintaan; coba lagi sebentar lagi.",
}


def page_message(status: int, code: str | None) -> str:
    """The Indonesian sentence an error page leads with."""
    if code is not None and code in PAGE_MESSAGES:
        return PAGE_MESSAGES[code]
    return STATUS_MESSAGES.get(status, "Terjadi kesalahan.")


def error_response(status: int, code: ErrorCode, message: str, **extra: Any) -> web.Response:
    """The one JSON error body."""
    return web.json_response({"error": code, "message": message, **extra}, status=status)


def _page_error(request: web.Request, status: int, message: str, code: str | None = None) -> web.Response:
    template = request.app[TEMPLATES].get_template("error.html")
    html = template.render(
        status=status, message=message, message_id=page_message(status, code), principal=None, csrf=""
    )
    return web.Response(text=html, status=status, content_type="text/html")


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
    return error_response(status, exc.code, exc.message, **extra)


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
            return _page_error(request, 400, message)
        return error_response(400, ErrorCode.BAD_BODY, message)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = HTTP_CODES.get(exc.status, ErrorCode.ERROR)
        message = exc.reason if exc.text is None or exc.text.startswith(f"{exc.status}:") else exc.text
        if _is_page(request):
            return _page_error(request, exc.status, message)
        return error_response(exc.status, code, message)
    except Exception as exc:
        if is_unavailable(exc):
            return _unavailable(request, exc)
        log.exception("unhandled error on %s %s", request.method, request.rel_url.path)
        return error_response(500, ErrorCode.INTERNAL, "something went wrong on our side; it has been logged")


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
        response = _page_error(request, 503, message)
    else:
        response = error_response(503, ErrorCode.DATABASE_UNAVAILABLE, message)
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response
