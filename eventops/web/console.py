"""The organisers' console pages: a new event, an event with its batches, the roster upload and the recap.

Plain HTML forms whose field names are the JSON API's; they parse into the API's own models and call the
same services, and a service's error is shown on the form with the typed values kept.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from aiohttp import web

from eventops.accounts.auth import Role
from eventops.attendance import exports
from eventops.attendance.event_recap import event_recap
from eventops.catalog import events
from eventops.errors import DomainError, ErrorCode
from eventops.i18n import translations
from eventops.keys import SESSIONMAKER
from eventops.roster import participants
from eventops.storage.models import Batch, Event
from eventops.timeutil import zone
from eventops.web.access import requires
from eventops.web.api_events import BatchIn, EventIn, batch_input
from eventops.web.errors import status_of
from eventops.web.field_text import field_message
from eventops.web.locale import request_locale
from eventops.web.parse import validate
from eventops.web.render import render

ZONES = (("Asia/Jakarta", "WIB"), ("Asia/Makassar", "WITA"), ("Asia/Jayapura", "WIT"))
BATCH_FIELDS = (
    "code",
    "name",
    "starts_at",
    "ends_at",
    "venue",
    "zoom_meeting_id",
    "zoom_kind",
    "youtube_video_id",
    "rules.online_min_minutes",
    "rules.min_checkpoints",
)


def text_field(form: Mapping[str, object], name: str) -> str:
    """A form's text field, stripped; empty when it is missing or a file."""
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def _problems(request: web.Request, exc: DomainError) -> dict[str, str]:
    """Field → message of an error's details, in the page's language where it is a common one."""
    gettext = translations(request_locale(request)).gettext
    fields = (d for d in exc.details if isinstance(d, dict) and "field" in d)
    return {str(d["field"]): field_message(str(d["message"]), gettext) for d in fields}


def _page_of_error(request: web.Request, name: str, exc: DomainError, **context: Any) -> web.Response:
    return render(
        request,
        name,
        status=status_of(exc),
        message=exc.message,
        code=exc.code,
        problems=_problems(request, exc),
        **context,
    )


# --- a new event ----------------------------------------------------------------------------------------


@requires(Role.organiser, page=True)
async def new_event_form(request: web.Request) -> web.Response:
    """GET /events/new: the form."""
    values = {"slug": "", "name": "", "timezone": "Asia/Jakarta"}
    return render(request, "console/event_new.html", values=values, zones=ZONES, message="", problems={})


@requires(Role.organiser, page=True)
async def create_event(request: web.Request) -> web.StreamResponse:
    """POST /events/new: create the event and land on its page."""
    form = await request.post()
    values = {name: text_field(form, name) for name in ("slug", "name", "timezone")}
    try:
        body = validate(EventIn, dict(values))
        async with request.app[SESSIONMAKER]() as session:
            event = await events.create_event(session, body.slug, body.name, body.timezone)
    except DomainError as exc:
        return _page_of_error(request, "console/event_new.html", exc, values=values, zones=ZONES)
    raise web.HTTPSeeOther(location=str(request.app.router["console_event"].url_for(event=event.slug)))


# --- an event and its batches ---------------------------------------------------------------------------


def _local_input(value: datetime, tz: str) -> str:
    """A stored time as a `datetime-local` value in the event's zone."""
    return value.astimezone(zone(tz)).strftime("%Y-%m-%dT%H:%M")


def _batch_values(batch: Batch, event: Event) -> dict[str, str]:
    return {
        "code": batch.code,
        "name": batch.name,
        "starts_at": _local_input(batch.starts_at, event.timezone),
        "ends_at": _local_input(batch.ends_at, event.timezone),
        "venue": batch.venue,
        "zoom_meeting_id": batch.zoom_meeting_id or "",
        "zoom_kind": batch.zoom_kind,
        "youtube_video_id": batch.youtube_video_id or "",
        "rules.online_min_minutes": "" if batch.online_min_minutes is None else str(batch.online_min_minutes),
        "rules.min_checkpoints": "" if batch.min_checkpoints is None else str(batch.min_checkpoints),
    }


def _aware(value: str, tz: str) -> str:
    """A `datetime-local` value read in the event's zone, as ISO 8601 with its offset (else as typed)."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return value  # the API's model reports it as not a datetime
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone(tz))
    return parsed.isoformat()


def _batch_body(values: dict[str, str], tz: str) -> dict[str, object]:
    """The form's values as the JSON API's batch body; empty optional fields are left out."""
    body: dict[str, object] = {k: v for k, v in values.items() if v and not k.startswith("rules.")}
    for key in ("starts_at", "ends_at"):
        body[key] = _aware(values[key], tz)
    body.setdefault("name", "")
    body.setdefault("code", "")
    rules = (key for key in BATCH_FIELDS if key.startswith("rules.") and values[key])
    body["rules"] = {key.removeprefix("rules."): values[key] for key in rules}
    return body


async def _event_page(
    request: web.Request,
    slug: str,
    *,
    values: dict[str, str] | None = None,
    editing: str = "",
    status: int = 200,
    message: str = "",
    code: str = "",
    problems: dict[str, str] | None = None,
) -> web.Response:
    async with request.app[SESSIONMAKER]() as session:
        event = await events.get_event(session, slug)
        batches = await events.list_batches(session, event)
        counts = await participants.count_by_batch(session, event)
    if values is None:
        chosen = next((b for b in batches if editing and b.code == editing), None)
        editing = chosen.code if chosen else ""
        values = (
            _batch_values(chosen, event)
            if chosen
            else {**dict.fromkeys(BATCH_FIELDS, ""), "zoom_kind": "meeting"}
        )
    return render(
        request,
        "console/event.html",
        status=status,
        event=event,
        batches=batches,
        counts=counts,
        total=sum(counts.values()),
        values=values,
        editing=editing,
        message=message,
        code=code,
        problems=problems or {},
    )


@requires(Role.organiser, page=True)
async def event_page(request: web.Request) -> web.Response:
    """GET /events/{event}: batches, roster counts, links, and the batch form (?edit=CODE fills it)."""
    return await _event_page(request, request.match_info["event"], editing=request.query.get("edit", ""))


@requires(Role.organiser, page=True)
async def save_batch(request: web.Request) -> web.StreamResponse:
    """POST /events/{event}/batches: add a batch, or change the one named in `editing`."""
    slug = request.match_info["event"]
    form = await request.post()
    values = {name: text_field(form, name) for name in BATCH_FIELDS}
    editing = text_field(form, "editing")
    try:
        async with request.app[SESSIONMAKER]() as session:
            event = await events.get_event(session, slug)
            if editing:
                values["code"] = editing
            data = batch_input(validate(BatchIn, _batch_body(values, event.timezone)))
            if editing:
                await events.update_batch(session, event, editing, data)
            else:
                await events.create_batch(session, event, data)
    except DomainError as exc:
        if exc.code in (ErrorCode.EVENT_NOT_FOUND, ErrorCode.BATCH_NOT_FOUND):
            raise
        return await _event_page(
            request,
            slug,
            values=values,
            editing=editing,
            status=status_of(exc),
            message=exc.message,
            code=exc.code,
            problems=_problems(request, exc),
        )
    raise web.HTTPSeeOther(location=str(request.app.router["console_event"].url_for(event=slug)))


# --- the recap ------------------------------------------------------------------------------------------


@requires(Role.organiser, page=True)
async def recap_page(request: web.Request) -> web.Response:
    """GET /events/{event}/recap: every batch counted per agency, and the event as a whole."""
    async with request.app[SESSIONMAKER]() as session:
        recap = await event_recap(session, request.match_info["event"])
    return render(request, "console/recap.html", recap=recap, event=recap.event)


@requires(Role.organiser, page=True)
async def recap_xlsx(request: web.Request) -> web.Response:
    """GET /events/{event}/recap.xlsx: the recap as a workbook."""
    async with request.app[SESSIONMAKER]() as session:
        recap = await event_recap(session, request.match_info["event"])
    data = await asyncio.to_thread(exports.event_recap_xlsx, recap)
    name = exports.event_recap_file_name(recap)
    return web.Response(
        body=data,
        content_type=exports.XLSX_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )
