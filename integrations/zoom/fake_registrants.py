"""Fake Zoom registrant endpoints: list and add, with the 4,999 cap and the per-registrant daily limit."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web

from integrations.zoom.fake_http import STATE, kind_of, not_found, paginate, zoom_error
from integrations.zoom.fake_state import FakeMeeting
from integrations.zoom.models import format_zoom_time


def _registrant_meeting(request: web.Request) -> FakeMeeting | web.Response:
    """The meeting whose registrants a call addresses (by number), or the error to answer (§3)."""
    state = request.app[STATE]
    kind = kind_of(request)
    meeting = state.meetings.get(request.match_info["meeting_id"])
    if meeting is None or meeting.kind != kind:
        return not_found(kind, request.match_info["meeting_id"])
    if not meeting.registration:
        # INFERENCE: Zoom documents the 404 text but not its code.
        return zoom_error(404, 3000, f"Registration has not been enabled for this {kind}: {meeting.id}.")
    return meeting


async def list_registrants(request: web.Request) -> web.Response:
    """`GET /v2/{meetings|webinars}/{id}/registrants?status=` (default `approved`, §3.1)."""
    meeting = _registrant_meeting(request)
    if isinstance(meeting, web.Response):
        return meeting
    status = request.query.get("status", "approved")
    rows = [row for row in meeting.registrants.values() if row["status"] == status]
    return paginate(request, f"registrants:{meeting.id}:{status}", rows, "registrants")


async def add_registrant(request: web.Request) -> web.Response:
    """`POST /v2/{meetings|webinars}/{id}/registrants`: 201 with a personal join link (§3.2).

    Registering an email again returns the same registrant (INFERENCE), counting against Zoom's limit of
    three registration requests per registrant per day, after which it answers 429.
    """
    state = request.app[STATE]
    meeting = _registrant_meeting(request)
    if isinstance(meeting, web.Response):
        return meeting
    try:
        body = await request.json()
    except ValueError:
        body = None
    invalid = _invalid_registrant_fields(body)
    if invalid or not isinstance(body, dict):
        errors = [{"field": name, "message": "Invalid field."} for name in invalid]
        return web.json_response({"code": 300, "message": "Validation Failed.", "errors": errors}, status=400)
    email = str(body["email"])
    day = datetime.fromtimestamp(state.clock(), UTC).date().isoformat()  # the limit resets at 00:00 UTC
    key = (meeting.id, email.lower(), day)
    state.registration_requests[key] = state.registration_requests.get(key, 0) + 1
    if state.registration_requests[key] > state.registrations_per_day:
        message = (
            f'You have exceeded the daily rate limit of "{state.registrations_per_day}" for Add meeting '
            f'registrant API requests for the registrant "{email}". '
            "You can resume these API requests at GMT 00:00:00."
        )
        return zoom_error(429, 429, message, {"X-RateLimit-Category": "Light"})
    record = meeting.registrants.get(email.lower())
    if record is None:
        if len(meeting.registrants) >= state.registrant_cap:
            return zoom_error(400, 3043, "Meeting has reached maximum attendee capacity.")
        record = state.registrant_record(
            meeting, email, str(body["first_name"]), str(body.get("last_name", ""))
        )
        meeting.registrants[email.lower()] = record
    start = (
        meeting.instances[0].start_time if meeting.instances else datetime.fromtimestamp(state.clock(), UTC)
    )
    answer: dict[str, object] = {
        "id": int(meeting.id) if meeting.id.isdigit() else meeting.id,
        "join_url": record["join_url"],
        "registrant_id": record["id"],
        "start_time": format_zoom_time(start),
        "topic": meeting.topic,
        "occurrences": [],
    }
    if "participant_pin_code" in record:
        answer["participant_pin_code"] = record["participant_pin_code"]
    return web.json_response(answer, status=201)


def _invalid_registrant_fields(body: object) -> list[str]:
    """Names of required registrant fields that are missing or malformed."""
    if not isinstance(body, dict):
        return ["body"]
    invalid = []
    email = body.get("email")
    if not isinstance(email, str) or "@" not in email.strip("@"):
        invalid.append("email")
    first = body.get("first_name")
    if not isinstance(first, str) or not first.strip():
        invalid.append("first_name")
    if not isinstance(body.get("last_name", ""), str):
        invalid.append("last_name")
    return invalid
