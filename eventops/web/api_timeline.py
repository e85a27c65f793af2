"""JSON API: the batch's attendance over time (venue, Zoom, YouTube), for the dashboard's chart."""

from __future__ import annotations

from aiohttp import web

from eventops.accounts.auth import Role
from eventops.attendance import timeline
from eventops.catalog import events
from eventops.errors import ErrorCode
from eventops.keys import SESSIONMAKER
from eventops.web import schemas_records
from eventops.web.access import requires
from eventops.web.apidoc import documented
from eventops.web.parse import batch_ref, query_int
from eventops.web.render import json_response


@requires(Role.moderator)
@documented(schemas_records.Timeline, query={"step": int}, errors={400: (ErrorCode.BAD_QUERY,)})
async def batch_timeline(request: web.Request) -> web.Response:
    """?step= seconds between points (60-86400; absent: automatic); definitions in `attendance.timeline`."""
    step = query_int(request, "step", 0, 0, timeline.MAX_STEP)
    async with request.app[SESSIONMAKER]() as session:
        _event, batch = await events.event_and_batch(session, *batch_ref(request))
        found = await timeline.batch_timeline(session, batch, step=step or None)
    return json_response(found.as_json())
