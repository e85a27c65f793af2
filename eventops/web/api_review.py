"""JSON API: matching a batch's Zoom connections to its roster, and the moderators' review queue."""

from __future__ import annotations

from typing import Any, Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from eventops.accounts.auth import Role
from eventops.catalog import events
from eventops.errors import ErrorCode
from eventops.identity import review, review_bulk, review_decisions, review_queue
from eventops.identity.review import RosterIndexCache
from eventops.identity.review_bulk import BulkDecision, PersonGroup
from eventops.identity.review_decisions import Decision
from eventops.identity.review_queue import ReviewItem, Suggested
from eventops.keys import PRINCIPAL, ROSTER_INDEXES, SESSIONMAKER, SETTINGS
from eventops.roster.nip import mask_nip
from eventops.storage.models import Participant
from eventops.timeutil import zone
from eventops.web import schemas_records as schemas
from eventops.web.access import requires
from eventops.web.apidoc import PAGING, documented
from eventops.web.parse import MAX_ID, batch_ref, json_model, path_id, query_flag, query_int
from eventops.web.render import json_response

BULK_MAX = 500  # items one bulk request decides: ten pages of the queue


class DecisionIn(BaseModel):
    """POST …/review/{id}: exactly one of a full NIP, a participant reference, or `dismiss: true`."""

    model_config = ConfigDict(extra="forbid")
    participant_nip: str | None = Field(default=None, min_length=1, max_length=40)
    participant_ref: int | None = Field(default=None, ge=1, le=MAX_ID)
    dismiss: bool = False

    @model_validator(mode="after")
    def _one_choice(self) -> DecisionIn:
        chosen = [self.participant_nip is not None, self.participant_ref is not None, self.dismiss]
        if sum(chosen) != 1:
            raise ValueError("give exactly one of participant_nip, participant_ref or dismiss: true")
        return self


class AcceptIn(BaseModel):
    """POST …/review/accept: the items to resolve, each to its one compatible candidate; or `all: true`,
    every item of the queue that has one."""

    model_config = ConfigDict(extra="forbid")
    ids: list[int] | None = Field(default=None, min_length=1, max_length=BULK_MAX)
    all: StrictBool = False

    @model_validator(mode="after")
    def _one_choice(self) -> AcceptIn:
        if (self.ids is None) != self.all:
            raise ValueError("give exactly one of ids or all: true")
        _check_ids(self.ids or [])
        return self


class DismissIn(BaseModel):
    """POST …/review/dismiss: exactly one of the items to dismiss, or a reason nothing in the name decides."""

    model_config = ConfigDict(extra="forbid")
    ids: list[int] | None = Field(default=None, min_length=1, max_length=BULK_MAX)
    reason: Literal["device_name", "no_name", "too_little", "homonym", "low_score"] | None = None

    @model_validator(mode="after")
    def _one_choice(self) -> DismissIn:
        if (self.ids is None) == (self.reason is None):
            raise ValueError("give exactly one of ids or reason")
        _check_ids(self.ids or [])
        return self


def _check_ids(ids: list[int]) -> None:
    if any(not 1 <= i <= MAX_ID for i in ids):
        raise ValueError(f"ids are whole numbers from 1 to {MAX_ID}")


def setup_review(app: web.Application, cache: RosterIndexCache | None = None) -> None:
    """Install the process's cache of prepared batch rosters."""
    app[ROSTER_INDEXES] = cache or RosterIndexCache(by_presence=app[SETTINGS].match_by_presence)


def person_json(person: Participant) -> dict[str, Any]:
    """A participant as moderators see it here: the NIP masked, an opaque reference to send back."""
    return {
        "participant_ref": person.id,
        "participant_nip_masked": mask_nip(person.nip) if person.nip else None,
        "name": person.name,
        "agency": person.agency,
    }


def suggested_json(suggested: Suggested) -> dict[str, Any]:
    """A suggested participant with the evidence that separates namesakes."""
    evidence = suggested.evidence
    return {
        **person_json(suggested.participant),
        "unit": suggested.participant.unit,
        "mode": suggested.participant.mode,  # where the roster expects them: `online`, or `offline` (venue)
        "score": suggested.score,
        "checked_in": evidence.checked_in,  # already checked in at the venue's door
        "zoom_connections": evidence.connections,  # other Zoom connections already theirs
        "zoom_strong": evidence.strong,  # ... one of them by email, NIP, phone or registrant link
    }


def item_json(item: ReviewItem, tz: str) -> dict[str, Any]:
    """One queue item, times in the event's zone (display names as they came: escaping is the page's job)."""
    return {
        "id": item.id,
        "display_name": item.display_name,
        "email": item.email,
        "connections": item.connections,
        "first_joined": item.first_joined.astimezone(zone(tz)).isoformat(),
        "minutes": item.minutes,
        "reason": item.reason,
        "suggestions": [suggested_json(s) for s in item.suggestions],
        "one_candidate": item.one_candidate,  # the participant_ref accepting in bulk would pick, or null
        "matched_ref": item.matched,  # matched by presence: to whom (decide again to change it), or null
    }


def group_json(group: PersonGroup, tz: str) -> dict[str, Any]:
    """A group of the queue by suggested person."""
    return {
        "person": person_json(group.person) if group.person else None,
        "reason": group.reason,
        "minutes": group.minutes,
        "items": [item_json(i, tz) for i in group.items],
    }


def bulk_json(bulk: BulkDecision) -> dict[str, Any]:
    """What a bulk request decided, and what it skipped with the error code it would have answered."""
    return {
        "decided": [decision_json(d) for d in bulk.decided],
        "skipped": [{"id": s.id, "error": s.code} for s in bulk.skipped],
    }


def decision_json(decision: Decision) -> dict[str, Any]:
    """What a decision did."""
    return {
        "id": decision.id,
        "display_name": decision.display_name,
        "state": decision.state,
        "connections": decision.connections,
        "participant": person_json(decision.participant) if decision.participant else None,
        "alias": decision.alias,
    }


@requires(Role.moderator)
@documented(schemas.MatchRun)
async def match(request: web.Request) -> web.Response:
    """Match the batch's pending Zoom connections to its roster now; counts by method and reason."""
    async with request.app[SESSIONMAKER]() as session:
        event, batch = await events.event_and_batch(session, *batch_ref(request))
        run = await review.match_pending(session, batch, cache=request.app[ROSTER_INDEXES])
    return json_response({"event": event.slug, "batch": batch.code, **run.as_json()})


@requires(Role.moderator)
@documented(schemas.ReviewQueue, query=PAGING)
async def queue(request: web.Request) -> web.Response:
    """Unmatched connections grouped by display name, most minutes first, with suggestions."""
    limit = query_int(request, "limit", 200, 1, 1000)
    offset = query_int(request, "offset", 0, 0, 10_000_000)
    async with request.app[SESSIONMAKER]() as session:
        event, batch = await events.event_and_batch(session, *batch_ref(request))
        found = await review_queue.review_queue(
            session, batch, limit=limit, offset=offset, cache=request.app[ROSTER_INDEXES]
        )
    return json_response(
        {
            "event": event.slug,
            "batch": batch.code,
            "total": found.total,
            "items": [item_json(i, event.timezone) for i in found.items],
        }
    )


@requires(Role.moderator)
@documented(
    schemas.Decision,
    body=DecisionIn,
    errors={
        404: (ErrorCode.REVIEW_ITEM_NOT_FOUND, ErrorCode.PARTICIPANT_NOT_FOUND),
        409: (ErrorCode.ALREADY_DECIDED,),
        422: (ErrorCode.WRONG_BATCH,),
    },
)
async def decide(request: web.Request) -> web.Response:
    """Resolve a queue item to a participant (full NIP or reference) or dismiss it."""
    item_id = path_id(request, "review item", ErrorCode.REVIEW_ITEM_NOT_FOUND)
    body = await json_model(request, DecisionIn)
    principal = request[PRINCIPAL]
    assert principal is not None
    async with request.app[SESSIONMAKER]() as session:
        event, batch = await events.event_and_batch(session, *batch_ref(request))
        decision = await review_decisions.decide(
            session,
            event,
            batch,
            item_id,
            principal.name,
            nip=body.participant_nip,
            participant_ref=body.participant_ref,
            dismiss=body.dismiss,
        )
    return json_response(decision_json(decision))


@requires(Role.moderator)
@documented(schemas.ReviewByPerson, query={"presence": bool, **PAGING})
async def queue_by_person(request: web.Request) -> web.Response:
    """The queue grouped by first suggested participant (devices, no name, too little, close to nobody by
    reason), 50 groups a page; `presence=1`: the names matched by presence instead, which a moderator may
    decide otherwise."""
    limit = query_int(request, "limit", review_bulk.PAGE, 1, 200)
    offset = query_int(request, "offset", 0, 0, 10_000_000)
    presence = query_flag(request, "presence")
    async with request.app[SESSIONMAKER]() as session:
        event, batch = await events.event_and_batch(session, *batch_ref(request))
        found = await review_bulk.queue_by_person(
            session,
            batch,
            limit=limit,
            offset=offset,
            cache=request.app[ROSTER_INDEXES],
            presence=presence,
        )
    return json_response(
        {
            "event": event.slug,
            "batch": batch.code,
            "total": found.total,
            "items_total": found.items,
            # what the bulk bar offers for the whole queue, not only this page
            "bulk": {"one_candidate": found.one_candidate, "dismissable": found.dismissable},
            "presence": found.presence,  # names matched by presence (`?presence=1` lists them)
            "groups": [group_json(g, event.timezone) for g in found.groups],
        }
    )


@requires(Role.moderator)
@documented(schemas.BulkDecision, body=AcceptIn)
async def accept(request: web.Request) -> web.Response:
    """Resolve several items at once, each to its one compatible candidate; the rest are skipped."""
    body = await json_model(request, AcceptIn)
    principal = request[PRINCIPAL]
    assert principal is not None
    async with request.app[SESSIONMAKER]() as session:
        event, batch = await events.event_and_batch(session, *batch_ref(request))
        bulk = await review_bulk.accept_many(
            session, event, batch, body.ids, principal.name, cache=request.app[ROSTER_INDEXES]
        )
    return json_response(bulk_json(bulk))


@requires(Role.moderator)
@documented(schemas.BulkDecision, body=DismissIn)
async def dismiss(request: web.Request) -> web.Response:
    """Dismiss several items at once: those named, or every item of the batch with a reason nothing in the
    name decides (a device, no name, too little to identify, namesakes)."""
    body = await json_model(request, DismissIn)
    principal = request[PRINCIPAL]
    assert principal is not None
    async with request.app[SESSIONMAKER]() as session:
        event, batch = await events.event_and_batch(session, *batch_ref(request))
        bulk = await review_bulk.dismiss_many(
            session,
            event,
            batch,
            principal.name,
            ids=body.ids or (),
            reason=body.reason,
            cache=request.app[ROSTER_INDEXES],
        )
    return json_response(bulk_json(bulk))
