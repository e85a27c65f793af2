"""JSON API: the batch's participants with their Zoom presence (online now, left, never joined)."""

from __future__ import annotations

from aiohttp import web

from eventops.accounts.auth import Role
from eventops.attendance import online as online_list
from eventops.catalog import events
from eventops.errors import ErrorCode
from eventops.keys import SESSIONMAKER
from eventops.web import schemas
from eventops.web.access import requires
from eventops.web.apidoc import PAGING, documented
from eventops.web.parse import batch_ref, query_int
from eventops.web.render import json_response


@requires(Role.moderator)
@documented(
    schemas.OnlinePage, query={"state": str, "q": str, **PAGING}, errors={400: (ErrorCode.BAD_STATE,)}
)
async def participants(request: web.Request) -> web.Response:
    """?state=online|offline_now|never, ?q= (name contains), ?limit= (1-500), ?offset=; NIP masked."""
    limit = query_int(request, "limit", 50, 1, online_list.MAX_LIMIT)
    offset = query_int(request, "offset", 0, 0, 10_000_000)
    async with request.app[SESSIONMAKER]() as session:
        _event, batch = await events.event_and_batch(session, *batch_ref(request))
        page = await online_list.online_list(
            session,
            batch,
            state=request.query.get("state") or None,
            q=request.query.get("q", "")[:100],
            limit=limit,
            offset=offset,
        )
    return json_response(page.as_json())
