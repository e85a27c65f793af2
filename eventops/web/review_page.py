"""The moderators' review page of a batch: the queue by suggested person, decided by click or key, in bulk."""

from __future__ import annotations

import json

from aiohttp import web

from eventops.accounts.auth import Role
from eventops.catalog import events
from eventops.identity.matching import MatchReason
from eventops.keys import SESSIONMAKER
from eventops.web.access import requires
from eventops.web.parse import batch_ref
from eventops.web.render import render
from eventops.web.strict import static_url, strict

# Why a name waits, as the page says it: Indonesian, English beside.
REASONS: dict[MatchReason, tuple[str, str]] = {
    MatchReason.AMBIGUOUS: ("Beberapa nama mirip", "Several close names"),
    MatchReason.HOMONYM: ("Nama sama pada beberapa peserta", "Same name, several people"),
    MatchReason.HONORIFIC_CONFLICT: ("Gelar tidak cocok", "Titles disagree"),
    MatchReason.AGENCY_MISMATCH: ("Instansi tidak cocok", "Agency disagrees"),
    MatchReason.CLOSE_NAME: ("Nama mirip, belum pasti", "A close name, not certain"),
    MatchReason.LOW_SCORE: ("Tidak ada nama yang cukup mirip", "No close name"),
    MatchReason.DEVICE_NAME: ("Nama perangkat", "A device name"),
    MatchReason.NO_NAME: ("Tanpa nama", "No name"),
    MatchReason.TOO_LITTLE: ("Terlalu sedikit untuk dikenali", "Too little to identify"),
}


@requires(Role.moderator, page=True)
async def review_page(request: web.Request) -> web.Response:
    """GET /dashboard/{event}/{code}/review: the shell; `review.js` fills it from `…/review/people` and the
    batch's live stream, and decides through the review API."""
    async with request.app[SESSIONMAKER]() as session:
        event, batch = await events.event_and_batch(session, *batch_ref(request))
    response = render(
        request,
        "review.html",
        event=event,
        batch=batch,
        api=f"/api/v1/events/{event.slug}/batches/{batch.code}",
        reasons=json.dumps(REASONS, ensure_ascii=False),
        api_js=static_url(request, "api.js"),
        dashboard_css=static_url(request, "dashboard.css"),
        review_css=static_url(request, "review.css"),
        review_js=static_url(request, "review.js"),
    )
    strict(response)
    response.headers["Referrer-Policy"] = "same-origin"
    return response
