"""The moderators' stream page: viewers, polling, the chat, and opening and closing checkpoint codes."""

from __future__ import annotations

from datetime import datetime, timedelta

from aiohttp import web

from eventops.accounts.auth import Role
from eventops.errors import Conflict, ErrorCode, Invalid
from eventops.i18n import N_, format_datetime, format_number, format_time
from eventops.keys import PRINCIPAL, SESSIONMAKER, STREAM
from eventops.storage.models import Batch, Event
from eventops.stream import checkpoints
from eventops.stream.chat_codes import mask_nips
from eventops.timeutil import to_utc, utcnow, zone
from eventops.web.access import requires
from eventops.web.api_stream import REASONS
from eventops.web.locale import request_locale, translate
from eventops.web.parse import batch_of
from eventops.web.render import render
from eventops.web.strict import static_url, strict

LOCAL_INPUT = "%Y-%m-%dT%H:%M"  # what <input type=datetime-local> sends
DEFAULT_MINUTES = 15
# The page's sentence for each field the service can refuse, translated (the service's words go beside).
FIELD_TEXT = {
    "code": N_("Code: 2–32 letters or digits, e.g. 4821"),
    "opens_at": N_("The opening time is not valid"),
    "closes_at": N_("The closing time is required and after the opening time"),
    ErrorCode.CHECKPOINT_EXISTS: N_("This code is already used in this batch"),
}
FIELDS = ("code", "opens_at", "closes_at")


def parse_local(text: str, tz: str, field: str) -> datetime | None:
    """A `datetime-local` value read in the event's zone; None when empty, Invalid when unreadable."""
    text = text.strip()
    if not text:
        return None
    try:
        return datetime.strptime(text[:16], LOCAL_INPUT).replace(tzinfo=zone(tz))
    except ValueError:
        raise Invalid(
            "the time is not valid", details=[{"field": field, "message": "expected YYYY-MM-DDTHH:MM"}]
        ) from None


def _state(opens: datetime, closes: datetime, now: datetime) -> str:
    if to_utc(closes) <= now:
        return "closed"
    return "open" if to_utc(opens) <= now else "upcoming"


async def _render(
    request: web.Request,
    event: Event,
    batch: Batch,
    *,
    status: int = 200,
    typed: dict[str, str] | None = None,
    problems: list[tuple[str, str]] | None = None,
) -> web.Response:
    view = await request.app[STREAM].view(batch)
    async with request.app[SESSIONMAKER]() as session:
        found = await checkpoints.list_checkpoints(session, batch)
    tz, now, locale = event.timezone, utcnow(), request_locale(request)
    recent = [
        {
            "at": format_datetime(m.published_at, tz, locale),
            "author": m.author_name,
            "text": mask_nips(m.text),  # viewers type NIPs: full ones are for organisers only
            "deleted": m.deleted_at is not None,
        }
        for m in view.figures.recent
    ]
    default_close = (now + timedelta(minutes=DEFAULT_MINUTES)).astimezone(zone(tz)).strftime(LOCAL_INPUT)
    response = render(
        request,
        "stream.html",
        status=status,
        event=event,
        batch=batch,
        view=view,
        reason=translate(request, REASONS[view.stop_reason])
        if view.stop_reason in REASONS
        else view.stop_reason,
        viewers=format_number(view.figures.viewers, locale) if view.figures.viewers is not None else None,
        sampled=format_datetime(view.figures.sampled_at, tz, locale) if view.figures.sampled_at else "",
        updated=format_datetime(view.updated_at, tz, locale) if view.updated_at else "",
        checkpoints=[
            {
                "code": c.code,
                "opens": format_time(c.opens_at, tz, locale),  # a code lives minutes: the time says enough
                "closes": format_time(c.closes_at, tz, locale),
                "received": format_number(n, locale),
                "state": _state(c.opens_at, c.closes_at, now),
            }
            for c, n in found
        ],
        recent=recent,
        typed=typed or {"code": "", "opens_at": "", "closes_at": default_close},
        problems=problems or [],
        api=f"/api/v1/events/{event.slug}/batches/{batch.code}",
        stream_js=static_url(request, "stream.js"),
    )
    return strict(response)


@requires(Role.moderator, page=True)
async def stream_page(request: web.Request) -> web.Response:
    """GET /stream/{event}/{code}: the page; its script keeps it current from the batch's live stream."""
    event, batch = await batch_of(request)
    return await _render(request, event, batch)


@requires(Role.moderator, page=True)
async def open_checkpoint(request: web.Request) -> web.StreamResponse:
    """POST /stream/{event}/{code}/checkpoints: open a code (`code`, `opens_at` or now, `closes_at`)."""
    form = await request.post()
    typed = {name: str(form.get(name, ""))[:64] for name in FIELDS}
    event, batch = await batch_of(request)
    principal = request[PRINCIPAL]
    try:
        opens = parse_local(typed["opens_at"], event.timezone, "opens_at") or utcnow()
        closes = parse_local(typed["closes_at"], event.timezone, "closes_at")
        if closes is None:
            raise Invalid("closes_at is required", details=[{"field": "closes_at", "message": "required"}])
        async with request.app[SESSIONMAKER]() as session:
            await checkpoints.create_checkpoint(
                session, batch, typed["code"], opens, closes, principal.name if principal else ""
            )
    except Invalid as exc:
        problems = [(FIELD_TEXT.get(d["field"], ""), f"{d['field']}: {d['message']}") for d in exc.details]
        return await _render(request, event, batch, status=422, typed=typed, problems=problems)
    except Conflict as exc:
        problems = [(FIELD_TEXT.get(exc.code, ""), exc.message)]
        return await _render(request, event, batch, status=409, typed=typed, problems=problems)
    raise web.HTTPSeeOther(location=_page_url(request, event, batch))


@requires(Role.moderator, page=True)
async def close_checkpoint(request: web.Request) -> web.StreamResponse:
    """POST /stream/{event}/{code}/checkpoints/{checkpoint}/close: close a code now."""
    event, batch = await batch_of(request)
    async with request.app[SESSIONMAKER]() as session:
        await checkpoints.close_checkpoint(session, batch, request.match_info["checkpoint"], utcnow())
    raise web.HTTPSeeOther(location=_page_url(request, event, batch))


def _page_url(request: web.Request, event: Event, batch: Batch) -> str:
    return str(request.app.router["stream_page"].url_for(event=event.slug, code=batch.code))
