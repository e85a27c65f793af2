"""JSON API for the venue door: scans, manual check-ins, walk-ins, counter, recent scans, pass revocation."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, model_validator

from eventops.accounts.auth import Principal, Role
from eventops.catalog import events
from eventops.door import reports as checkin_reports
from eventops.door import scans as checkin
from eventops.door import scans_pg as checkin_pg
from eventops.door import walkins as checkin_walkins
from eventops.door.answers import Method, ScanAnswer
from eventops.errors import ErrorCode
from eventops.keys import METRICS, PRINCIPAL, SESSIONMAKER, SETTINGS
from eventops.roster import passes
from eventops.timeutil import zone
from eventops.web import schemas
from eventops.web.access import requires
from eventops.web.apidoc import documented
from eventops.web.parse import Instant, json_model, query_int
from eventops.web.render import json_response

SCAN_BODY_LIMIT = 16 * 1024
SCAN_ID_PATTERN = r"^[A-Za-z0-9-]{8,64}$"
DOOR_ERRORS = {409: (ErrorCode.SCAN_ID_USED,), 422: (ErrorCode.SCAN_TOO_OLD, ErrorCode.BAD_TOKEN)}


class _ScanFields(BaseModel):
    """What every door action carries: the client-made id, the station and the client's time."""

    # Unknown fields are ignored, not refused: an offline queue must never drop a scan for an extra field.
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    scan_id: str = Field(pattern=SCAN_ID_PATTERN)
    station: str = Field(min_length=1, max_length=64)
    scanned_at: Instant


class ScanIn(_ScanFields):
    """POST …/batches/{code}/scans: the QR's content (token or pass URL)."""

    token: str = Field(min_length=1, max_length=2048)


class ManualIn(_ScanFields):
    """POST …/batches/{code}/checkins: a participant found by search, by full NIP or by id."""

    participant_nip: str | None = Field(default=None, min_length=1, max_length=40)
    participant_id: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _one_reference(self) -> ManualIn:
        if (self.participant_nip is None) == (self.participant_id is None):
            raise ValueError("give exactly one of participant_nip and participant_id")
        return self


class WalkInIn(_ScanFields):
    """POST …/batches/{code}/walkins: a person not on the roster."""

    name: str = Field(min_length=1, max_length=200)
    agency: str = Field(min_length=1, max_length=200)
    unit: str = Field(default="", max_length=200)
    nip: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=40)


class RevokeIn(BaseModel):
    """POST …/participants/{nip}/pass/revoke."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=200)


def _principal(request: web.Request) -> Principal:
    principal = request[PRINCIPAL]
    assert principal is not None  # the route requires a role
    return principal


def _scan_input(request: web.Request, body: _ScanFields) -> checkin.ScanInput:
    return checkin.ScanInput(
        scan_id=body.scan_id, station=body.station, staff=_principal(request).name, scanned_at=body.scanned_at
    )


def _answer(request: web.Request, answer: ScanAnswer, method: Method) -> web.Response:
    request.app[METRICS].count_scan(answer, method.value)
    return json_response(answer.as_json())


@requires(Role.staff)
@documented(schemas.ScanReply, body=ScanIn, errors=DOOR_ERRORS)
async def scan(request: web.Request) -> web.Response:
    """A pass scanned at the door: ok, duplicate, wrong_batch, unknown or revoked; retry-safe by scan_id."""
    body = await json_model(request, ScanIn, limit=SCAN_BODY_LIMIT)
    answer = await checkin_pg.scan_at_door(
        request.app[SESSIONMAKER],
        request.match_info["event"],
        request.match_info["code"],
        body.token,
        _scan_input(request, body),
    )
    return _answer(request, answer, Method.qr)


@requires(Role.staff)
@documented(schemas.ScanReply, body=ManualIn, errors={**DOOR_ERRORS, 404: (ErrorCode.PARTICIPANT_NOT_FOUND,)})
async def manual_checkin(request: web.Request) -> web.Response:
    """A participant checked in by hand after a search (method `manual`)."""
    body = await json_model(request, ManualIn, limit=SCAN_BODY_LIMIT)
    async with request.app[SESSIONMAKER]() as session:
        answer = await checkin.check_in_by_hand(
            session,
            request.match_info["event"],
            request.match_info["code"],
            _scan_input(request, body),
            nip=body.participant_nip,
            participant_id=body.participant_id,
        )
    return _answer(request, answer, Method.manual)


@requires(Role.staff)
@documented(
    schemas.ScanReply,
    body=WalkInIn,
    errors={**DOOR_ERRORS, 409: (*DOOR_ERRORS[409], ErrorCode.NIP_ON_ROSTER)},
)
async def walk_in(request: web.Request) -> web.Response:
    """Register a walk-in in the batch and check them in (method `walk_in`); the answer has their pass URL."""
    body = await json_model(request, WalkInIn, limit=SCAN_BODY_LIMIT)
    data = checkin_walkins.WalkInInput(
        name=body.name, agency=body.agency, unit=body.unit, nip=body.nip, email=body.email, phone=body.phone
    )
    async with request.app[SESSIONMAKER]() as session:
        answer = await checkin_walkins.register_walk_in(
            session,
            request.match_info["event"],
            request.match_info["code"],
            data,
            _scan_input(request, body),
            request.app[SETTINGS].public_url,
        )
    return _answer(request, answer, Method.walk_in)


def _walk_in_json(item: checkin_walkins.WalkIn, tz: str, public_url: str) -> dict[str, Any]:
    local = zone(tz)
    return {
        "participant_id": item.participant_id,
        "nip": item.nip,
        "name": item.name,
        "agency": item.agency,
        "unit": item.unit,
        "email": item.email,
        "phone": item.phone,
        "batch": item.batch,
        "registered_at": item.registered_at.astimezone(local).isoformat(),
        "checked_in_at": item.checked_in_at.astimezone(local).isoformat() if item.checked_in_at else None,
        "station": item.station,
        "registered_by": item.staff,
        "pass_url": passes.pass_url(public_url, item.pass_token) if item.pass_token else None,
    }


@requires(Role.organiser)
@documented(schemas.WalkInList)
async def list_walk_ins(request: web.Request) -> web.Response:
    """The event's walk-ins for the organisers' review (full personal data)."""
    async with request.app[SESSIONMAKER]() as session:
        event = await events.get_event(session, request.match_info["event"])
        found = await checkin_walkins.list_walk_ins(session, event)
    public_url = request.app[SETTINGS].public_url
    return json_response({"walk_ins": [_walk_in_json(w, event.timezone, public_url) for w in found]})


@requires(Role.staff)
@documented(schemas.CheckinStats)
async def checkin_stats(request: web.Request) -> web.Response:
    """The batch's counter: checked in, expected (all and in person), walk-ins."""
    async with request.app[SESSIONMAKER]() as session:
        found = await checkin_reports.stats(session, request.match_info["event"], request.match_info["code"])
    return json_response(found.as_json())


@requires(Role.staff)
@documented(schemas.RecentScans, query={"station": str, "limit": int})
async def recent_scans(request: web.Request) -> web.Response:
    """The batch's latest scans, newest first; ?station= narrows to one station, ?limit= (1-200, 20)."""
    limit = query_int(request, "limit", 20, 1, 200)
    station = request.query.get("station", "").strip()[:64] or None
    async with request.app[SESSIONMAKER]() as session:
        tz, found = await checkin_reports.recent_scans(
            session, request.match_info["event"], request.match_info["code"], station=station, limit=limit
        )
    local = zone(tz)
    return json_response(
        {
            "scans": [
                {
                    "scan_id": s.scan_id,
                    "result": s.result.value,
                    "method": s.method,
                    "name": s.name,
                    "station": s.station,
                    "scanned_at": s.scanned_at.astimezone(local).isoformat(),
                    "received_at": s.received_at.astimezone(local).isoformat(),
                }
                for s in found
            ]
        }
    )


@requires(Role.organiser)
@documented(
    schemas.PassUrl,
    body=RevokeIn,
    errors={404: (ErrorCode.PARTICIPANT_NOT_FOUND,), 409: (ErrorCode.NO_LIVE_PASS,)},
)
async def revoke_pass(request: web.Request) -> web.Response:
    """Revoke a participant's pass and issue a new one (lost phone, shared screenshot); audited."""
    body = await json_model(request, RevokeIn)
    async with request.app[SESSIONMAKER]() as session:
        event = await events.get_event(session, request.match_info["event"])
        fresh = await passes.revoke_and_reissue(
            session, event, request.match_info["nip"], body.reason, _principal(request).name
        )
    return json_response({"pass_url": passes.pass_url(request.app[SETTINGS].public_url, fresh.token)})
