"""JSON API: a batch's attendance records, finalize and reopen, overrides, the recap and the downloads."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from eventops.accounts.auth import Role
from eventops.attendance import exports, lookup
from eventops.attendance import records as attendance
from eventops.attendance.facts import Person
from eventops.attendance.recap import GroupSummary, Summary
from eventops.attendance.records import BatchAttendance
from eventops.attendance.rules import AttendanceRecord, Mode, Status
from eventops.errors import ErrorCode
from eventops.keys import PRINCIPAL, ROSTER_INDEXES, SESSIONMAKER, SHARED_RECORDS
from eventops.roster.nip import mask_nip
from eventops.storage.models import Batch, Event
from eventops.timeutil import to_utc, utcnow
from eventops.web import schemas_records as schemas
from eventops.web.access import Handler, requires
from eventops.web.apidoc import PAGING, documented
from eventops.web.parse import json_model, query_int
from eventops.web.render import json_response


class ReopenIn(BaseModel):
    """POST …/reopen."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=500)


class OverrideIn(BaseModel):
    """POST …/overrides."""

    model_config = ConfigDict(extra="forbid")
    participant_nip: str = Field(min_length=1, max_length=40)
    status: Status
    mode: Mode | None = None
    reason: str = Field(min_length=1, max_length=500)


def _actor(request: web.Request) -> str:
    principal = request[PRINCIPAL]
    assert principal is not None
    return principal.name


def _path(request: web.Request) -> tuple[str, str]:
    return request.match_info["event"], request.match_info["code"]


def record_json(person: Person, r: AttendanceRecord, code: str, tz: str) -> dict[str, Any]:
    """One record as organisers see it (full NIP), times in the event's zone."""
    override = r.override
    return {
        "nip": person.nip,
        "name": person.name,
        "agency": person.agency,
        "unit": person.unit,
        "batch": code,
        "walk_in": person.walk_in,
        "status": r.status,
        "mode": r.mode,
        "checked_in_at": exports.local_iso(r.checked_in_at, tz) or None,
        "online_minutes": r.online_minutes,
        "checkpoints": r.checkpoints,
        "first_seen": exports.local_iso(r.first_seen, tz) or None,
        "last_seen": exports.local_iso(r.last_seen, tz) or None,
        "sources": list(r.sources),
        "flags": list(r.flags),
        "computed_status": r.computed_status,
        "computed_mode": r.computed_mode,
        "override": None
        if override is None
        else {"by": override.by, "at": exports.local_iso(override.at, tz), "reason": override.reason},
    }


def _batch_state(event: Event, batch: Batch, frozen: bool) -> dict[str, Any]:
    return {
        "event": event.slug,
        "batch": batch.code,
        "frozen": frozen,
        "finalized_at": exports.local_iso(batch.finalized_at, event.timezone) or None,
    }


def attendance_json(att: BatchAttendance) -> dict[str, Any]:
    """The batch's state and every record."""
    tz, code = att.event.timezone, att.batch.code
    return {
        **_batch_state(att.event, att.batch, att.frozen),
        "count": len(att.records),
        "records": [record_json(p, r, code, tz) for p, r in att.rows()],
    }


def _group_json(g: GroupSummary) -> dict[str, Any]:
    data: dict[str, Any] = {} if g.unit is None else {"unit": g.unit}
    return {
        "agency": g.agency,
        **data,
        "expected": g.expected,
        "present_offline": g.present_offline,
        "present_online": g.present_online,
        "partial": g.partial,
        "absent": g.absent,
        "attendance_pct": round(g.attendance_pct, 1),
    }


def phase(batch: Batch) -> str:
    """`before`, `during` or `after` the batch's time: before its end nobody is absent, only not yet here."""
    now = utcnow()
    if now < to_utc(batch.starts_at):
        return "before"
    return "during" if now < to_utc(batch.ends_at) else "after"


def summary_json(att: BatchAttendance, summary: Summary) -> dict[str, Any]:
    """Counts only (no personal data): by status, by mode, per agency and per unit."""
    overall = _group_json(summary.overall)
    del overall["agency"]
    return {
        **_batch_state(att.event, att.batch, att.frozen),
        "phase": phase(att.batch),
        "total": summary.overall.expected,
        "overall": overall,
        "by_status": dict(summary.by_status),
        "by_mode": dict(summary.by_mode),
        "by_agency": [_group_json(g) for g in summary.by_agency],
        "by_unit": [_group_json(g) for g in summary.by_unit],
    }


@requires(Role.organiser)
@documented(schemas.Finalized, errors={409: (ErrorCode.ALREADY_FINALIZED, ErrorCode.BATCH_NOT_ENDED)})
async def finalize(request: web.Request) -> web.Response:
    """Compute and freeze the batch's records."""
    event, code = _path(request)
    async with request.app[SESSIONMAKER]() as session:
        indexes = request.app[ROSTER_INDEXES]
        att = await attendance.finalize(session, event, code, _actor(request), cache=indexes)
    summary = att.summary()
    state = _batch_state(att.event, att.batch, True)
    return json_response({**state, "count": len(att.records), "by_status": dict(summary.by_status)})


@requires(Role.organiser)
@documented(
    schemas.BatchState,
    body=ReopenIn,
    errors={409: (ErrorCode.NOT_FINALIZED,), 422: (ErrorCode.REASON_REQUIRED,)},
)
async def reopen(request: web.Request) -> web.Response:
    """Unfreeze a finalized batch, with a reason (audited)."""
    body = await json_model(request, ReopenIn)
    event, code = _path(request)
    async with request.app[SESSIONMAKER]() as session:
        found, batch = await attendance.reopen(session, event, code, _actor(request), body.reason)
    return json_response(_batch_state(found, batch, False))


@requires(Role.organiser)
@documented(
    schemas.OverrideReply,
    status=201,
    body=OverrideIn,
    errors={
        409: (ErrorCode.BATCH_FINALIZED,),
        422: (ErrorCode.REASON_REQUIRED, ErrorCode.PARTICIPANT_NOT_IN_BATCH),
    },
)
async def add_override(request: web.Request) -> web.Response:
    """Override one participant's record, with a reason (audited)."""
    body = await json_model(request, OverrideIn)
    event, code = _path(request)
    async with request.app[SESSIONMAKER]() as session:
        result = await attendance.add_override(
            session, event, code, body.participant_nip, body.status, body.mode, body.reason, _actor(request)
        )
    tz = result.timezone
    return json_response(
        {
            "id": result.override.id,
            "record": record_json(result.person, result.record, code, tz),
        },
        status=201,
    )


@requires(Role.organiser)
@documented(schemas.Attendance)
async def show_attendance(request: web.Request) -> web.Response:
    """The records as JSON: frozen once finalized, else computed now."""
    event, code = _path(request)
    async with request.app[SESSIONMAKER]() as session:
        att = await attendance.batch_attendance(session, event, code)
    return json_response(attendance_json(att))


@requires(Role.moderator)
@documented(schemas.Summary)
async def summary(request: web.Request) -> web.Response:
    """Counts by status, mode and agency."""
    event, code = _path(request)
    att = await request.app[SHARED_RECORDS].get(request.app[SESSIONMAKER], event, code)
    return json_response(summary_json(att, att.summary()))


@requires(Role.moderator)
@documented(schemas.People, query={"q": str, "agency": str, **PAGING})
async def people(request: web.Request) -> web.Response:
    """The batch's people by name or NIP (?q=) and agency (?agency=), each with the status of all channels."""
    event, code = _path(request)
    q, agency = request.query.get("q", "")[:100], request.query.get("agency", "")[:200]
    limit = query_int(request, "limit", 50, 1, lookup.MAX_LIMIT)
    offset = query_int(request, "offset", 0, 0, 10_000_000)
    att = await request.app[SHARED_RECORDS].get(request.app[SESSIONMAKER], event, code)
    found = lookup.find_people(att.rows(), q=q, agency=agency, limit=limit, offset=offset)
    tz = att.event.timezone
    return json_response(
        {
            **_batch_state(att.event, att.batch, att.frozen),
            "phase": phase(att.batch),
            "total": found.total,
            "people": [
                {
                    "name": p.name,
                    "nip": mask_nip(p.nip) if p.nip else None,  # moderators see NIPs masked
                    "agency": p.agency,
                    "unit": p.unit,
                    "status": r.status,
                    "mode": r.mode,
                    "sources": list(r.sources),
                    "checked_in_at": exports.local_iso(r.checked_in_at, tz) or None,
                    "online_minutes": r.online_minutes,
                    "checkpoints": r.checkpoints,
                }
                for p, r in found.rows
            ],
        }
    )


def download(fmt: str) -> Handler:
    """The handler of one download format (csv, xlsx or pdf)."""

    @requires(Role.organiser)
    @documented(exports.FORMATS[fmt][0].partition(";")[0])
    async def handler(request: web.Request) -> web.Response:
        event, code = _path(request)
        async with request.app[SESSIONMAKER]() as session:
            file = await exports.export_batch(session, event, code, fmt)
        return web.Response(
            body=file.data,
            headers={
                "Content-Type": file.content_type,
                "Content-Disposition": f'attachment; filename="{file.filename}"',
                "Cache-Control": "no-store",
            },
        )

    handler.__name__ = handler.__qualname__ = f"download_{fmt}"
    handler.__doc__ = f"The batch's attendance as {fmt.upper()}."
    return handler
