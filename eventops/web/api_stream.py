"""Checkpoints and the YouTube stream of a batch: the moderators' JSON API."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from eventops.accounts.auth import Role
from eventops.catalog import events
from eventops.errors import ErrorCode
from eventops.i18n import N_
from eventops.keys import PRINCIPAL, SESSIONMAKER, STREAM
from eventops.storage.models import Batch, Checkpoint, Event
from eventops.stream import checkpoints
from eventops.stream.supervisor import PollRound, StreamView
from eventops.timeutil import utcnow, zone
from eventops.web import schemas_records as schemas
from eventops.web.access import requires
from eventops.web.apidoc import JSON, documented
from eventops.web.parse import Instant, batch_of, batch_ref, json_model
from eventops.web.render import json_response

# Why polling stopped, for the dashboard and the stream page, translated where shown (codes from StopReason
# and eventops.stream.job).
REASONS: dict[str, str] = {
    "quota_exceeded": N_(
        "The YouTube daily quota is spent; polling stops until it resets (midnight Pacific time)"
    ),
    "budget_spent": N_("This stream's share of the daily quota is spent"),
    "chat_ended": N_("The live chat has ended"),
    "chat_disabled": N_("The owner turned the live chat off"),
    "chat_not_found": N_("The live chat was not found"),
    "video_not_found": N_("Video not found; check the video id"),
    "broadcast_ended": N_("The broadcast has ended"),
    "forbidden": N_("YouTube refused access (the API key?)"),
    "bad_request": N_("Configuration error (API key or parameter)"),
    "unavailable": N_("YouTube was unreachable again and again"),
    "error": N_("An unexpected error"),
    "cancelled": N_("Cancelled"),
    "stopped_by_moderator": N_("Stopped by a moderator"),
    "window_closed": N_("The batch's time is over"),
}


YOUTUBE_ERRORS = {409: (ErrorCode.YOUTUBE_NOT_CONFIGURED, ErrorCode.NO_YOUTUBE_VIDEO)}


class CheckpointIn(BaseModel):
    """POST …/checkpoints."""

    model_config = ConfigDict(extra="forbid")
    code: str = Field(max_length=64)
    opens_at: Instant
    closes_at: Instant


def checkpoint_json(checkpoint: Checkpoint, submissions: int, event: Event) -> dict[str, Any]:
    """A checkpoint as the API shows it, times in the event's zone."""
    tz = zone(event.timezone)
    return {
        "code": checkpoint.code,
        "opens_at": checkpoint.opens_at.astimezone(tz).isoformat(),
        "closes_at": checkpoint.closes_at.astimezone(tz).isoformat(),
        "created_by": checkpoint.created_by,
        "submissions": submissions,
    }


def stream_json(view: StreamView, batch: Batch) -> dict[str, Any]:
    """A batch's stream state as the API shows it."""
    plan = view.plan
    return {
        "batch": batch.code,
        "video_id": view.video_id,
        "configured": view.configured,
        "running": view.running,
        "stop_reason": view.stop_reason,
        "detail": view.detail,
        "live_chat_id": view.live_chat_id,
        "viewers": view.figures.viewers,
        "sampled_at": view.figures.sampled_at,
        "messages": view.figures.messages,
        "submissions": view.figures.submissions,
        "quota": {
            "spent": view.quota_spent,
            "limit": plan.share_units if plan else None,
            "viewer_interval_s": plan.viewer_interval_s if plan else None,
            "chat_interval_s": plan.chat_interval_s if plan else None,
        },
        "window": {"starts_at": view.window[0], "ends_at": view.window[1]},
        "updated_at": view.updated_at,
    }


def round_json(found: PollRound) -> dict[str, Any]:
    """What one polling round found (the contract: viewers, new_messages, submissions, stopped)."""
    return {
        "viewers": found.viewers,
        "new_messages": found.new_messages,
        "submissions": found.submissions,
        "stopped": found.stopped,
        "detail": found.detail,
        "error": found.error,
        "quota_spent": found.quota_spent,
    }


@requires(Role.moderator)
@documented(schemas.Checkpoint, status=201, body=CheckpointIn, errors={409: (ErrorCode.CHECKPOINT_EXISTS,)})
async def create_checkpoint(request: web.Request) -> web.Response:
    """Open a checkpoint: a code shown on the stream between two times."""
    body = await json_model(request, CheckpointIn)
    principal = request[PRINCIPAL]
    async with request.app[SESSIONMAKER]() as session:
        event, batch = await events.event_and_batch(session, *batch_ref(request))
        checkpoint = await checkpoints.create_checkpoint(
            session, batch, body.code, body.opens_at, body.closes_at, principal.name if principal else ""
        )
    return json_response(checkpoint_json(checkpoint, 0, event), status=201)


@requires(Role.moderator)
@documented(schemas.Checkpoint, errors={404: (ErrorCode.CHECKPOINT_NOT_FOUND,)})
async def close_checkpoint(request: web.Request) -> web.Response:
    """Close a checkpoint now: answers after this no longer count."""
    async with request.app[SESSIONMAKER]() as session:
        event, batch = await events.event_and_batch(session, *batch_ref(request))
        closed = await checkpoints.close_checkpoint(
            session, batch, request.match_info["checkpoint"], utcnow()
        )
        counts = {c.id: n for c, n in await checkpoints.list_checkpoints(session, batch)}
    return json_response(checkpoint_json(closed, counts.get(closed.id, 0), event))


@requires(Role.moderator)
@documented(schemas.CheckpointList)
async def list_checkpoints(request: web.Request) -> web.Response:
    """The batch's checkpoints with their submission counts."""
    async with request.app[SESSIONMAKER]() as session:
        event, batch = await events.event_and_batch(session, *batch_ref(request))
        found = await checkpoints.list_checkpoints(session, batch)
    return json_response({"checkpoints": [checkpoint_json(c, n, event) for c, n in found]})


@requires(Role.moderator)
@documented(JSON)
async def stream_state(request: web.Request) -> web.Response:
    """The batch's YouTube polling state."""
    _, batch = await batch_of(request)
    return json_response(stream_json(await request.app[STREAM].view(batch), batch))


@requires(Role.moderator)
@documented(JSON, errors=YOUTUBE_ERRORS)
async def start_polling(request: web.Request) -> web.Response:
    """Start polling the batch's stream now."""
    _, batch = await batch_of(request)
    await request.app[STREAM].start(batch)
    return json_response(stream_json(await request.app[STREAM].view(batch), batch))


@requires(Role.moderator)
@documented(JSON)
async def stop_polling(request: web.Request) -> web.Response:
    """Stop polling the batch's stream."""
    _, batch = await batch_of(request)
    await request.app[STREAM].stop(batch)
    return json_response(stream_json(await request.app[STREAM].view(batch), batch))


@requires(Role.moderator)
@documented(JSON, errors=YOUTUBE_ERRORS)
async def poll_now(request: web.Request) -> web.Response:
    """One polling round now: viewers and one chat page."""
    _, batch = await batch_of(request)
    return json_response(round_json(await request.app[STREAM].poll_once(batch)))
