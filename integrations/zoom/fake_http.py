"""Shared pieces of the fake Zoom's handlers: state key, error bodies, path ids and pagination."""

from __future__ import annotations

import math
import re
import secrets
from collections.abc import Sequence
from urllib.parse import unquote

from aiohttp import web

from integrations.zoom.fake_state import FakeZoomState, PageCursor
from integrations.zoom.models import Kind

STATE = web.AppKey("zoom_fake_state", FakeZoomState)
_ENCODED = re.compile(r"%[0-9A-Fa-f]{2}")


def zoom_error(status: int, code: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    """A Zoom error response `{"code", "message"}`."""
    return web.json_response({"code": code, "message": message}, status=status, headers=headers)


def kind_of(request: web.Request) -> Kind:
    """`meeting` or `webinar` from the path."""
    return "webinar" if request.match_info["plural"] == "webinars" else "meeting"


def path_id(request: web.Request, state: FakeZoomState) -> str | None:
    """The meeting id or UUID of the path, decoded per the double-encoding contract (§2.0, §8).

    aiohttp has decoded the segment once; a second layer of `%xx` means the client double-encoded. A UUID
    that begins with `/` or holds `//` but arrived encoded only once would be mangled by the real Zoom, so
    the strict fake refuses it (None).
    """
    value = request.match_info["meeting_id"]
    if _ENCODED.search(value):
        return unquote(value)
    if state.strict_uuid and (value.startswith("/") or "//" in value):
        return None
    return value


def not_found(kind: Kind, meeting_id: str) -> web.Response:
    """404 code 3001 in the meeting or webinar wording (§2.1, §2.2)."""
    if kind == "webinar":
        return zoom_error(404, 3001, f'Webinar "{meeting_id}" not found or has expired.')
    return zoom_error(404, 3001, f"Meeting {meeting_id} not found or has expired.")


def paginate(request: web.Request, listing: str, items: Sequence[object], key: str) -> web.Response:
    """A page of `items` with Zoom's pagination fields; stale or foreign page tokens get code 300 (§2.0)."""
    state = request.app[STATE]
    try:
        size = min(300, int(request.query.get("page_size", "30")))
    except ValueError:
        size = 0
    if size < 1:
        return web.json_response(
            {
                "code": 300,
                "message": "Validation Failed.",
                "errors": [{"field": "page_size", "message": "Invalid field."}],
            },
            status=400,
        )
    offset = 0
    token = request.query.get("next_page_token", "")
    if token:
        cursor = state.cursors.get(token)
        if state.expire_page_token_in == 0:
            state.expire_page_token_in = None
            cursor = None
        stale = cursor is not None and state.clock() - cursor.created > state.page_token_ttl
        if cursor is None or stale or cursor.listing != listing:
            return zoom_error(400, 300, "The next page token is invalid or expired.")
        offset = cursor.offset
    page = list(items[offset : offset + size])
    next_token = ""
    if offset + size < len(items):
        next_token = secrets.token_urlsafe(26)[:35]
        state.cursors[next_token] = PageCursor(listing, offset + size, state.clock())
    if state.expire_page_token_in is not None and state.expire_page_token_in > 0:
        state.expire_page_token_in -= 1
    return web.json_response(
        {
            "next_page_token": next_token,
            "page_count": max(1, math.ceil(len(items) / size)),
            "page_size": size,
            "total_records": len(items),
            key: page,
        }
    )
