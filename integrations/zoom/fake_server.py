"""The fake Zoom HTTP server: OAuth, reports, past instances and registrants in Zoom's wire format."""

from __future__ import annotations

import asyncio
import base64
import binascii
import secrets
from collections.abc import Awaitable, Callable

from aiohttp import web

from integrations.zoom.fake_http import STATE, kind_of, not_found, paginate, path_id, zoom_error
from integrations.zoom.fake_registrants import add_registrant, list_registrants
from integrations.zoom.fake_state import NOT_ENDED_MESSAGE, Call, FakeZoomState
from integrations.zoom.models import format_zoom_time

__all__ = ["STATE", "create_fake_zoom", "zoom_error"]

_PAST_ONLY_FIELDS = ("participant_user_id", "customer_key", "bo_mtg_id")
_SCOPES = "report:read:admin meeting:read:admin meeting:write:admin webinar:read:admin webinar:write:admin"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def create_fake_zoom(state: FakeZoomState | None = None) -> web.Application:
    """The fake Zoom application; serve it and point the client's `api_base` at `{root}/v2`."""
    app = web.Application(middlewares=[_gate])
    app[STATE] = state or FakeZoomState()
    app.router.add_post("/oauth/token", _token)
    kinds = "{plural:meetings|webinars}"
    app.router.add_get(f"/v2/report/{kinds}/{{meeting_id}}/participants", _report_participants)
    app.router.add_get(f"/v2/past_{kinds}/{{meeting_id}}/participants", _past_participants)
    app.router.add_get(f"/v2/past_{kinds}/{{meeting_id}}/instances", _past_instances)
    app.router.add_get(f"/v2/{kinds}/{{meeting_id}}/registrants", list_registrants)
    app.router.add_post(f"/v2/{kinds}/{{meeting_id}}/registrants", add_registrant)
    return app


def _scope(path: str) -> str:
    """The fault scope of a request path."""
    if path.startswith("/oauth/"):
        return "oauth"
    if path.startswith("/v2/report/"):
        return "report"
    if path.startswith("/v2/past_"):
        return "past"
    return "registrants" if path.endswith("/registrants") else "api"


@web.middleware
async def _gate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Log the call, check the bearer token, apply injected faults, stamp `x-zm-trackingid`."""
    state = request.app[STATE]
    scope = _scope(request.path)
    response: web.StreamResponse | None = _authorise(state, request) if scope != "oauth" else None
    if response is None:
        fault = state.take_fault(scope)
        if fault is not None:
            if fault.stall:
                await asyncio.sleep(fault.stall)  # a slow upstream, not synchronisation
            response = web.json_response(fault.body, status=fault.status, headers=fault.headers)
    if response is None:
        response = await handler(request)
    response.headers["x-zm-trackingid"] = f"v=2.0;clid=us06;rid=WEB_{secrets.token_hex(16)}"
    state.calls.append(Call(request.method, request.path, dict(request.query), response.status))
    return response


def _authorise(state: FakeZoomState, request: web.Request) -> web.Response | None:
    """401 code 124 for a missing, unknown or expired token (§5.3); None when the call may proceed."""
    header = request.headers.get("Authorization", "")
    token = header[7:] if header.startswith("Bearer ") else ""
    deadline = state.tokens.get(token)
    if deadline is None:
        return zoom_error(401, 124, "Invalid access token.")
    if state.clock() >= deadline:
        return zoom_error(401, 124, "Access token is expired.")
    if state.expire_tokens_in is not None:
        if state.expire_tokens_in <= 0:
            state.expire_tokens_in = None
            now = state.clock()
            state.tokens = {key: min(value, now) for key, value in state.tokens.items()}
            return zoom_error(401, 124, "Access token is expired.")
        state.expire_tokens_in -= 1
    return None


async def _token(request: web.Request) -> web.Response:
    """`POST /oauth/token`: Basic auth, parameters in the query string or a form body (§1.1)."""
    state = request.app[STATE]
    params = dict(request.query)
    if request.content_type == "application/x-www-form-urlencoded":
        params.update({key: str(value) for key, value in (await request.post()).items()})
    if _basic_credentials(request) != (state.client_id, state.client_secret):
        return web.json_response(
            {"reason": "Invalid client_id or client_secret", "error": "invalid_client"}, status=400
        )
    if params.get("grant_type") != "account_credentials":
        return web.json_response(
            {"reason": "unsupported grant type", "error": "unsupported_grant_type"}, status=400
        )
    if params.get("account_id") != state.account_id:
        # INFERENCE: the exact body for a wrong account id is not documented in the fact sheet.
        return web.json_response(
            {"reason": "Invalid request : Invalid account_id.", "error": "invalid_request"}, status=400
        )
    return web.json_response(
        {
            "access_token": state.issue_token(),
            "token_type": "bearer",
            "expires_in": state.token_ttl,
            "scope": _SCOPES,
            "api_url": "https://api.zoom.us",
        }
    )


def _basic_credentials(request: web.Request) -> tuple[str, str] | None:
    """The `(client_id, client_secret)` of a Basic Authorization header."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return None
    try:
        client_id, _, secret = base64.b64decode(header[6:], validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return client_id, secret


Rows = list[dict[str, object]]


def _participant_rows(request: web.Request, *, past: bool) -> tuple[str, Rows] | web.Response:
    """The listing key and rows of the report or past-participants call, or the error to answer."""
    state = request.app[STATE]
    kind = kind_of(request)
    meeting_id = path_id(request, state)
    found = state.find(meeting_id, kind) if meeting_id is not None else None
    if found is None or meeting_id is None:
        return not_found(kind, request.match_info["meeting_id"])
    instance = found[1]
    if instance is None or instance.end_time is None:
        return zoom_error(404, 3001, NOT_ENDED_MESSAGE)
    include = "registrant_id" in request.query.get("include_fields", "").split(",")
    rows = []
    for row in instance.rows:
        shaped = {key: value for key, value in row.items() if include or key != "registrant_id"}
        if past:
            shaped = {key: value for key, value in shaped.items() if key not in _PAST_ONLY_FIELDS}
            shaped["internal_user"] = False
        rows.append(shaped)
    return f"{'past' if past else 'report'}:{kind}:{instance.uuid}:{include}", rows


async def _report_participants(request: web.Request) -> web.Response:
    """`GET /v2/report/{meetings|webinars}/{id}/participants` (§2.1, §2.2)."""
    found = _participant_rows(request, past=False)
    return found if isinstance(found, web.Response) else paginate(request, found[0], found[1], "participants")


async def _past_participants(request: web.Request) -> web.Response:
    """`GET /v2/past_{meetings|webinars}/{id}/participants` (§2.3)."""
    found = _participant_rows(request, past=True)
    return found if isinstance(found, web.Response) else paginate(request, found[0], found[1], "participants")


async def _past_instances(request: web.Request) -> web.Response:
    """`GET /v2/past_{meetings|webinars}/{id}/instances`: ended instances (§2.5)."""
    state = request.app[STATE]
    kind = kind_of(request)
    meeting = state.meetings.get(request.match_info["meeting_id"])
    if meeting is None or meeting.kind != kind:
        return not_found(kind, request.match_info["meeting_id"])
    ended = [item for item in meeting.instances if item.end_time is not None]
    rows = [{"start_time": format_zoom_time(item.start_time), "uuid": item.uuid} for item in ended]
    # INFERENCE: the webinar variant is assumed to name its array `webinars`.
    return web.json_response({"meetings" if kind == "meeting" else "webinars": rows})
