"""Webhooks from outside services: Zoom (signed by Zoom, so no login and no CSRF)."""

from __future__ import annotations

from aiohttp import web

from eventops.errors import DomainError, ErrorCode
from eventops.keys import METRICS, SETTINGS, ZOOM_INBOX
from eventops.web.access import public
from eventops.web.apidoc import JSON, documented
from eventops.web.parse import read_body
from eventops.web.render import json_response
from eventops.zoom import ingest as zoom_ingest
from integrations.zoom.webhooks import SIGNATURE_HEADER, TIMESTAMP_HEADER


@public(csrf=False)
@documented(
    JSON,
    upload=(JSON,),
    errors={
        400: (ErrorCode.BAD_PAYLOAD,),
        401: (ErrorCode.BAD_SIGNATURE, ErrorCode.STALE_TIMESTAMP),
        409: (ErrorCode.ZOOM_NOT_CONFIGURED,),
    },
)
async def zoom_webhook(request: web.Request) -> web.Response:
    """Verify a Zoom delivery, answer URL validation, or store the event and acknowledge it (§4)."""
    deliveries = request.app[METRICS].webhooks
    try:
        body = await read_body(request, zoom_ingest.WEBHOOK_LIMIT)
        received = zoom_ingest.receive(
            request.app[SETTINGS].zoom_webhook_secret,
            request.headers.get(TIMESTAMP_HEADER),
            request.headers.get(SIGNATURE_HEADER),
            body,
        )
    except DomainError:
        deliveries.labels("rejected").inc()  # a bad signature, a stale timestamp, a body too large
        raise
    if received.answer is not None:
        deliveries.labels("url_validation").inc()
        return json_response(received.answer)
    assert received.row is not None
    await request.app[ZOOM_INBOX].store(received.row)
    deliveries.labels("stored").inc()
    return json_response({"status": "stored"})
