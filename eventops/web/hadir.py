"""The public self-attendance form for stream viewers: NIP + checkpoint code, rate-limited per client."""

from __future__ import annotations

import math
from typing import Any

from aiohttp import web

from eventops.keys import HADIR_LIMITER, SESSIONMAKER
from eventops.storage.models import Batch, Event
from eventops.stream import checkpoints
from eventops.timeutil import utcnow
from eventops.web.access import public
from eventops.web.forwarded import client_address
from eventops.web.parse import FORM_LIMIT, batch_of, form_fields
from eventops.web.ratelimit import TokenBucket
from eventops.web.render import render

# A viewer needs one try per checkpoint; a few typos are normal. Recorded answers give their token back,
# so a whole office sharing one address can still register everyone, while guessing stays slow.
PER_MINUTE = 10
BURST = 5
STATUS = {
    checkpoints.RECORDED: 200,
    checkpoints.ALREADY_RECORDED: 200,
    checkpoints.INVALID_NIP: 422,
    checkpoints.WRONG_CODE: 422,
    checkpoints.UNKNOWN_NIP: 422,
    checkpoints.NOT_OPEN_YET: 409,
    checkpoints.CLOSED: 409,
}


def setup_hadir(app: web.Application, limiter: TokenBucket | None = None) -> None:
    """Install the form's rate limiter (one bucket per client address, in this process)."""
    app[HADIR_LIMITER] = limiter or TokenBucket(PER_MINUTE, BURST)


def _page(request: web.Request, event: Event | None, batch: Batch | None, **context: Any) -> web.Response:
    context.setdefault("answer", None)
    context.setdefault("nip", "")
    context.setdefault("code", "")
    context.setdefault("retry_after", 0)
    return render(request, "hadir.html", event=event, batch=batch, **context)


@public(page=True)
async def hadir_form(request: web.Request) -> web.Response:
    """The form: NIP and the code shown on the stream."""
    event, batch = await batch_of(request)
    return _page(request, event, batch)


@public(page=True, max_body=FORM_LIMIT)
async def hadir_submit(request: web.Request) -> web.Response:
    """Record a submission and answer on the page; too many tries from one address get a 429 page."""
    limiter = request.app[HADIR_LIMITER]
    verdict = limiter.take(client_address(request))
    nip, code = (value[:64] for value in await form_fields(request, "nip", "code"))
    event, batch = await batch_of(request)
    if not verdict.allowed:
        wait = max(1, math.ceil(verdict.retry_after))
        # the form stays, with what was typed: the viewer only has to wait and press Send again
        response = _page(
            request, event, batch, status=429, retry_after=wait, nip=nip.strip(), code=code.strip()
        )
        response.headers["Retry-After"] = str(wait)
        return response
    async with request.app[SESSIONMAKER]() as session:
        answer = await checkpoints.submit_form(session, batch, nip, code, utcnow())
    if answer.result == checkpoints.RECORDED:
        limiter.give_back(client_address(request))
    return _page(
        request,
        event,
        batch,
        status=STATUS[answer.result],
        answer=answer,
        # a typo is easier to fix in place; after a success the form is blank for the next person on the
        # same device (offices watch together)
        nip="" if answer.ok else nip.strip(),
    )
