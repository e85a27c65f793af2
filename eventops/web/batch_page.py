"""The organisers' batch page: recap, finalize and reopen, downloads, overrides, Zoom, passes, checkpoints."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from aiohttp import web

from eventops import errors
from eventops.accounts.auth import Role
from eventops.attendance import records as attendance
from eventops.attendance.rules import MODES, STATUSES, Mode, Status
from eventops.catalog import events
from eventops.keys import HTTP_CLIENT, PRINCIPAL, ROSTER_INDEXES, SESSIONMAKER, SETTINGS, SHARED_RECORDS
from eventops.roster import passes
from eventops.web.access import requires
from eventops.web.errors import STATUS
from eventops.web.parse import batch_ref, form_values
from eventops.web.render import render
from eventops.web.strict import strict
from eventops.zoom import registrants as zoom_registrants
from eventops.zoom import sync as zoom_sync
from eventops.zoom.worker import zoom_client


def _actor(request: web.Request) -> str:
    principal = request[PRINCIPAL]
    assert principal is not None
    return principal.name


def _status(exc: errors.DomainError) -> int:
    return next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 400)


async def _page(
    request: web.Request,
    status: int = 200,
    *,
    form: str = "",
    values: Mapping[str, str] | None = None,
    error: errors.DomainError | None = None,
    done: Any = None,
) -> web.Response:
    """The batch page, with one form's message (`form` names it) and its typed values kept."""
    slug, code = batch_ref(request)
    att = await request.app[SHARED_RECORDS].get(request.app[SESSIONMAKER], slug, code)
    summary = att.summary()
    api = f"/api/v1/events/{att.event.slug}/batches/{att.batch.code}"
    response = render(
        request,
        "console/batch.html",
        status=_status(error) if error is not None else status,
        event=att.event,
        batch=att.batch,
        frozen=att.frozen,
        summary=summary,
        api=api,
        statuses=STATUSES,
        modes=MODES,
        form=form,
        values=values or {},
        error=error,
        done=done,
    )
    return strict(response)


@requires(Role.organiser, page=True)
async def batch_page(request: web.Request) -> web.Response:
    """GET /events/{event}/batches/{code}: the batch as organisers run it."""
    return await _page(request)


@requires(Role.organiser, page=True)
async def finalize(request: web.Request) -> web.Response:
    """Finalize, after a confirmation page; before the batch's end only with `finalize_early`."""
    values = await form_values(request, "finalize_early", "confirm")
    early = values["finalize_early"] == "1"
    if values["confirm"] != "1":
        return await _confirm(request, "finalize", {"finalize_early": "1" if early else ""})
    try:
        async with request.app[SESSIONMAKER]() as session:
            att = await attendance.finalize(
                session, *batch_ref(request), _actor(request), early=early, cache=request.app[ROSTER_INDEXES]
            )
    except errors.DomainError as exc:
        return await _page(request, form="finalize", values=values, error=exc)
    return await _page(request, form="finalize", done={"records": len(att.records)})


@requires(Role.organiser, page=True)
async def reopen(request: web.Request) -> web.Response:
    """Reopen a finalized batch with a reason, after a confirmation page."""
    values = await form_values(request, "reason", "confirm")
    if values["confirm"] != "1" and values["reason"]:
        return await _confirm(request, "reopen", {"reason": values["reason"]})
    try:
        async with request.app[SESSIONMAKER]() as session:
            await attendance.reopen(session, *batch_ref(request), _actor(request), values["reason"])
    except errors.DomainError as exc:
        return await _page(request, form="reopen", values=values, error=exc)
    return await _page(request, form="reopen", done={})


async def _confirm(request: web.Request, action: str, hidden: dict[str, str]) -> web.Response:
    """The second step of finalize and reopen: a page that asks again, carrying the first step's fields."""
    slug, code = batch_ref(request)
    async with request.app[SESSIONMAKER]() as session:
        event, batch = await events.event_and_batch(session, slug, code)
    return strict(
        render(request, "console/batch_confirm.html", event=event, batch=batch, action=action, hidden=hidden)
    )


@requires(Role.organiser, page=True)
async def override(request: web.Request) -> web.Response:
    """Override one participant's record with a reason."""
    values = await form_values(request, "participant_nip", "status", "mode", "reason")
    # The service checks status and mode against the declared Status and Mode.
    status, mode = cast(Status, values["status"]), cast(Mode, values["mode"]) if values["mode"] else None
    try:
        async with request.app[SESSIONMAKER]() as session:
            result = await attendance.add_override(
                session,
                *batch_ref(request),
                values["participant_nip"],
                status,
                mode,
                values["reason"],
                _actor(request),
            )
    except errors.DomainError as exc:
        return await _page(request, form="override", values=values, error=exc)
    done = {"name": result.person.name, "status": result.record.status, "mode": result.record.mode or ""}
    return await _page(request, form="override", done=done)


async def _zoom(request: web.Request, action: str) -> web.Response:
    """Pull the Zoom report (`sync`) or push the online participants as registrants (`registrants`)."""
    try:
        async with request.app[SESSIONMAKER]() as session:
            _event, batch = await events.event_and_batch(session, *batch_ref(request))
            client = zoom_client(request.app[SETTINGS], request.app[HTTP_CLIENT])
            if action == "sync":
                result: dict[str, Any] = (await zoom_sync.sync_batch(session, client, batch)).as_json()
            else:
                result = (await zoom_registrants.push_registrants(session, client, batch)).as_json()
    except errors.DomainError as exc:
        return await _page(request, form=f"zoom_{action}", error=exc)
    return await _page(request, form=f"zoom_{action}", done=result)


@requires(Role.organiser, page=True)
async def zoom_sync_report(request: web.Request) -> web.Response:
    """Pull the batch's participant report from Zoom; shows the counts."""
    return await _zoom(request, "sync")


@requires(Role.organiser, page=True)
async def zoom_push_registrants(request: web.Request) -> web.Response:
    """Register the batch's online participants at Zoom; shows who was registered, skipped or failed."""
    return await _zoom(request, "registrants")


@requires(Role.organiser, page=True)
async def revoke_pass(request: web.Request) -> web.Response:
    """Revoke a participant's pass and issue a new one; shows the new pass link."""
    values = await form_values(request, "nip", "reason")
    try:
        async with request.app[SESSIONMAKER]() as session:
            event = await events.get_event(session, batch_ref(request)[0])
            fresh = await passes.revoke_and_reissue(
                session, event, values["nip"], values["reason"], _actor(request)
            )
    except errors.DomainError as exc:
        return await _page(request, form="revoke", values=values, error=exc)
    url = passes.pass_url(request.app[SETTINGS].public_url, fresh.token)
    return await _page(request, form="revoke", done={"pass_url": url})
