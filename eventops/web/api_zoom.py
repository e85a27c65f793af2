"""JSON API: a batch's Zoom attendance (online now, report sync, join links) and quarantined webhooks."""

from __future__ import annotations

from aiohttp import web

from eventops.accounts.auth import Role
from eventops.catalog import events
from eventops.errors import ErrorCode
from eventops.keys import HTTP_CLIENT, SESSIONMAKER, SETTINGS, ZOOM_WORKER
from eventops.web import schemas
from eventops.web.access import requires
from eventops.web.apidoc import JSON, documented
from eventops.web.parse import batch_ref, path_id
from eventops.web.render import json_response
from eventops.zoom import quarantine as zoom_quarantine
from eventops.zoom import registrants as zoom_registrants
from eventops.zoom import sessions as zoom_sessions
from eventops.zoom import sync as zoom_sync
from eventops.zoom.worker import zoom_client

ZOOM_ERRORS = {
    409: (
        ErrorCode.ZOOM_NOT_CONFIGURED,
        ErrorCode.NO_ZOOM_MEETING,
        ErrorCode.REPORT_NOT_READY,
        ErrorCode.ZOOM_ERROR,
    ),
    429: (ErrorCode.ZOOM_RATE_LIMITED,),
}


@requires(Role.moderator)
@documented(schemas.ZoomOnline)
async def online(request: web.Request) -> web.Response:
    """Sessions of the batch open now, matched and not, and in all."""
    async with request.app[SESSIONMAKER]() as session:
        _event, batch = await events.event_and_batch(session, *batch_ref(request))
        counts = await zoom_sessions.online_counts(session, batch)
    return json_response(counts)


@requires(Role.organiser)
@documented(JSON, errors=ZOOM_ERRORS)
async def sync(request: web.Request) -> web.Response:
    """Pull the batch's participant report from Zoom and reconcile it with the webhook sessions."""
    async with request.app[SESSIONMAKER]() as session:
        _event, batch = await events.event_and_batch(session, *batch_ref(request))
        client = zoom_client(request.app[SETTINGS], request.app[HTTP_CLIENT])
        result = await zoom_sync.sync_batch(session, client, batch)
    return json_response(result.as_json())


@requires(Role.organiser)
@documented(JSON, errors={409: (*ZOOM_ERRORS[409], ErrorCode.REGISTRANT_CAP)})
async def registrants(request: web.Request) -> web.Response:
    """Register the batch's online participants at Zoom and store their personal join links."""
    async with request.app[SESSIONMAKER]() as session:
        _event, batch = await events.event_and_batch(session, *batch_ref(request))
        client = zoom_client(request.app[SETTINGS], request.app[HTTP_CLIENT])
        result = await zoom_registrants.push_registrants(session, client, batch)
    return json_response(result.as_json())


@requires(Role.moderator)
@documented(JSON)
async def quarantined(request: web.Request) -> web.Response:
    """Webhook deliveries the worker could not process, with the error each failed on."""
    async with request.app[SESSIONMAKER]() as session:
        found = await zoom_quarantine.list_quarantined(session)
    return json_response({"deliveries": [q.as_json() for q in found]})


@requires(Role.moderator)
@documented(schemas.QueuedAgain, errors={404: (ErrorCode.NOT_FOUND,)})
async def retry_delivery(request: web.Request) -> web.Response:
    """Put a quarantined delivery back in the worker's queue (after whatever stopped it was fixed)."""
    row_id = path_id(request, "quarantined Zoom delivery", ErrorCode.NOT_FOUND)
    async with request.app[SESSIONMAKER]() as session:
        await zoom_quarantine.retry(session, row_id)
    request.app[ZOOM_WORKER].notify()
    return json_response({"id": row_id, "status": "queued"})
