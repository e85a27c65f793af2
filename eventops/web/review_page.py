"""The moderators' review page of a batch: the queue by suggested person, decided by click or key, in bulk."""

from __future__ import annotations

from aiohttp import web

from eventops.accounts.auth import Role
from eventops.catalog import events
from eventops.i18n import N_
from eventops.identity.matching import MatchReason
from eventops.keys import SESSIONMAKER
from eventops.web.access import requires
from eventops.web.locale import translated_json
from eventops.web.parse import batch_ref
from eventops.web.render import render
from eventops.web.strict import static_url, strict

# Why a name waits, as the page says it (msgids, translated per request).
REASONS: dict[str, str] = {  # by MatchReason
    MatchReason.AMBIGUOUS: N_("Several close names"),
    MatchReason.HOMONYM: N_("Same name, several people"),
    MatchReason.HONORIFIC_CONFLICT: N_("Titles disagree"),
    MatchReason.AGENCY_MISMATCH: N_("Agency disagrees"),
    MatchReason.CLOSE_NAME: N_("A close name, not certain"),
    MatchReason.LOW_SCORE: N_("No close name"),
    MatchReason.DEVICE_NAME: N_("A device name"),
    MatchReason.NO_NAME: N_("No name"),
    MatchReason.TOO_LITTLE: N_("Too little to identify"),
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
        reasons=translated_json(request, REASONS),
        api_js=static_url(request, "api.js"),
        dashboard_css=static_url(request, "dashboard.css"),
        review_css=static_url(request, "review.css"),
        review_js=static_url(request, "review.js"),
    )
    return strict(response)
