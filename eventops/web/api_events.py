"""JSON API: events and batches."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from eventops.accounts.auth import Role
from eventops.catalog import events
from eventops.errors import ErrorCode
from eventops.keys import SESSIONMAKER
from eventops.storage.models import Batch, Event
from eventops.timeutil import zone
from eventops.web import schemas
from eventops.web.access import requires
from eventops.web.apidoc import documented
from eventops.web.parse import Instant, json_model
from eventops.web.render import json_response


class EventIn(BaseModel):
    """POST /api/v1/events."""

    model_config = ConfigDict(extra="forbid")
    slug: str = Field(max_length=64)
    name: str = Field(max_length=200)
    timezone: str = Field(max_length=64)


class RulesIn(BaseModel):
    """A batch's attendance rules; unset values take the defaults."""

    model_config = ConfigDict(extra="forbid")
    online_min_minutes: int | None = None
    min_checkpoints: int | None = None


class BatchIn(BaseModel):
    """POST /api/v1/events/{event}/batches."""

    model_config = ConfigDict(extra="forbid")
    code: str = Field(max_length=32)
    name: str = Field(max_length=200)
    starts_at: Instant
    ends_at: Instant
    venue: str = Field(default="", max_length=200)
    zoom_meeting_id: str | None = Field(default=None, max_length=64)
    zoom_kind: Literal["meeting", "webinar"] = "meeting"
    youtube_video_id: str | None = Field(default=None, max_length=64)
    rules: RulesIn = Field(default_factory=RulesIn)


def batch_input(body: BatchIn) -> events.BatchInput:
    """The service's input from a parsed body (the JSON API's or the console form's)."""
    return events.BatchInput(
        code=body.code,
        name=body.name,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        venue=body.venue,
        zoom_meeting_id=body.zoom_meeting_id,
        zoom_kind=body.zoom_kind,
        youtube_video_id=body.youtube_video_id,
        online_min_minutes=body.rules.online_min_minutes,
        min_checkpoints=body.rules.min_checkpoints,
    )


def event_json(event: Event) -> dict[str, Any]:
    """An event as the API shows it."""
    return {
        "slug": event.slug,
        "name": event.name,
        "timezone": event.timezone,
        "created_at": event.created_at,
    }


def _local(value: datetime, tz: str) -> str:
    return value.astimezone(zone(tz)).isoformat()


def batch_json(batch: Batch, event: Event) -> dict[str, Any]:
    """A batch as the API shows it, times in the event's zone."""
    return {
        "event": event.slug,
        "code": batch.code,
        "name": batch.name,
        "starts_at": _local(batch.starts_at, event.timezone),
        "ends_at": _local(batch.ends_at, event.timezone),
        "venue": batch.venue,
        "zoom_meeting_id": batch.zoom_meeting_id,
        "zoom_kind": batch.zoom_kind,
        "youtube_video_id": batch.youtube_video_id,
        "rules": {
            "online_min_minutes": batch.online_min_minutes,
            "min_checkpoints": batch.min_checkpoints,
            "checkin_grace_before_minutes": batch.checkin_grace_before_minutes,
            "checkin_grace_after_minutes": batch.checkin_grace_after_minutes,
        },
        "finalized_at": batch.finalized_at,
    }


@requires(Role.organiser)
@documented(schemas.Event, status=201, body=EventIn, errors={409: (ErrorCode.EVENT_EXISTS,)})
async def create_event(request: web.Request) -> web.Response:
    """Create an event."""
    body = await json_model(request, EventIn)
    async with request.app[SESSIONMAKER]() as session:
        event = await events.create_event(session, body.slug, body.name, body.timezone)
    return json_response(event_json(event), status=201)


@requires(Role.staff)
@documented(schemas.EventList)
async def list_events(request: web.Request) -> web.Response:
    """Every event."""
    async with request.app[SESSIONMAKER]() as session:
        found = await events.list_events(session)
    return json_response({"events": [event_json(e) for e in found]})


@requires(Role.staff)
@documented(schemas.EventWithBatches)
async def show_event(request: web.Request) -> web.Response:
    """One event with its batches."""
    async with request.app[SESSIONMAKER]() as session:
        event = await events.get_event(session, request.match_info["event"])
        batches = await events.list_batches(session, event)
    return json_response({**event_json(event), "batches": [batch_json(b, event) for b in batches]})


@requires(Role.organiser)
@documented(schemas.Batch, status=201, body=BatchIn, errors={409: (ErrorCode.BATCH_EXISTS,)})
async def create_batch(request: web.Request) -> web.Response:
    """Create a batch in an event."""
    data = batch_input(await json_model(request, BatchIn))
    async with request.app[SESSIONMAKER]() as session:
        event = await events.get_event(session, request.match_info["event"])
        batch = await events.create_batch(session, event, data)
    return json_response(batch_json(batch, event), status=201)


@requires(Role.staff)
@documented(schemas.BatchList)
async def list_batches(request: web.Request) -> web.Response:
    """The batches of an event."""
    async with request.app[SESSIONMAKER]() as session:
        event = await events.get_event(session, request.match_info["event"])
        batches = await events.list_batches(session, event)
    return json_response({"batches": [batch_json(b, event) for b in batches]})
