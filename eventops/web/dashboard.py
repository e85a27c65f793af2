"""The moderators' live dashboard of a batch: counters per channel, the recap and the review queue."""

from __future__ import annotations

from aiohttp import web

from eventops.accounts.auth import Role
from eventops.catalog import events
from eventops.i18n import format_datetime
from eventops.keys import PRINCIPAL, SESSIONMAKER
from eventops.web.access import requires
from eventops.web.api_stream import REASONS
from eventops.web.locale import request_locale, translated_json
from eventops.web.parse import batch_ref
from eventops.web.render import render
from eventops.web.strict import static_url, strict


@requires(Role.moderator, page=True)
async def dashboard_page(request: web.Request) -> web.Response:
    """GET /dashboard/{event}/{code}: the shell; the script fills it from the batch's APIs and live stream."""
    async with request.app[SESSIONMAKER]() as session:
        event, batch = await events.event_and_batch(session, *batch_ref(request))
    principal = request[PRINCIPAL]
    response = render(
        request,
        "dashboard.html",
        event=event,
        batch=batch,
        api=f"/api/v1/events/{event.slug}/batches/{batch.code}",
        organiser=principal is not None and principal.role >= Role.organiser,
        starts=format_datetime(batch.starts_at, event.timezone, request_locale(request)),
        ends=format_datetime(batch.ends_at, event.timezone, request_locale(request)),
        reasons=translated_json(request, REASONS),
        api_js=static_url(request, "api.js"),
        dashboard_js=static_url(request, "dashboard.js"),
        dashboard_css=static_url(request, "dashboard.css"),
        uplot_js=static_url(request, "vendor/uplot/uPlot.iife.min.js"),
        uplot_css=static_url(request, "vendor/uplot/uPlot.min.css"),
    )
    return strict(response)
