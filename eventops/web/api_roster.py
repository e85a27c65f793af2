"""JSON API: roster import, participant lists and pass images."""

from __future__ import annotations

from typing import Any

from aiohttp import BodyPartReader, web

from eventops.accounts.auth import Principal, Role
from eventops.catalog import events
from eventops.errors import BadRequest, ErrorCode, TooLarge
from eventops.keys import PRINCIPAL, SESSIONMAKER, SETTINGS
from eventops.roster import importer as roster
from eventops.roster import participants, passes
from eventops.roster.nip import mask_nip
from eventops.storage.models import Batch, Participant
from eventops.web.access import requires
from eventops.web.parse import query_flag, query_int, read_body
from eventops.web.render import json_response


async def _upload(request: web.Request) -> tuple[bytes, str | None, str | None]:
    """The uploaded file: a multipart field `file`, or the raw body."""
    limit = request.app[SETTINGS].max_upload_bytes
    if request.content_type != "multipart/form-data":
        return await read_body(request, limit), None, request.content_type
    reader = await request.multipart()
    async for part in reader:
        if isinstance(part, BodyPartReader) and part.name == "file":
            data = bytearray()
            while chunk := await part.read_chunk(64 * 1024):
                data.extend(chunk)
                if len(data) > limit:
                    raise TooLarge(f"the file is larger than {limit} bytes", code=ErrorCode.TOO_LARGE)
            return bytes(data), part.filename, part.headers.get("Content-Type")
    raise BadRequest("send the file in a multipart field named 'file'", code=ErrorCode.NO_FILE)


@requires(Role.organiser)
async def import_roster(request: web.Request) -> web.Response:
    """Import a roster file (CSV or XLSX), all or nothing; ?dry_run=1 only validates."""
    data, filename, content_type = await _upload(request)
    if not data:
        raise BadRequest("the file is empty", code=ErrorCode.EMPTY_FILE)
    async with request.app[SESSIONMAKER]() as session:
        event = await events.get_event(session, request.match_info["event"])
        result = await roster.import_roster(
            session,
            event,
            data,
            filename=filename,
            content_type=content_type,
            dry_run=query_flag(request, "dry_run"),
        )
    return json_response(result.as_json())


def participant_json(person: Participant, batch: Batch, principal: Principal) -> dict[str, Any]:
    """A participant as the API shows it: NIP, phone and email in full to organisers only."""
    full = principal.has(Role.organiser)
    data: dict[str, Any] = {
        "id": person.id,  # what staff send for a manual check-in: they only see the NIP masked
        "nip": person.nip if full else (mask_nip(person.nip) if person.nip else None),
        "name": person.name,
        "agency": person.agency,
        "unit": person.unit,
        "batch": batch.code,
        "mode": person.mode,
        "walk_in": person.walk_in,
    }
    if full:
        data.update(email=person.email, phone=person.phone)
    return data


@requires(Role.staff)
async def list_participants(request: web.Request) -> web.Response:
    """Participants of an event; ?batch= filters by batch, ?q= matches NIP or name."""
    principal = request[PRINCIPAL]
    assert principal is not None
    limit = query_int(request, "limit", 50, 1, 500)
    offset = query_int(request, "offset", 0, 0, 10_000_000)
    async with request.app[SESSIONMAKER]() as session:
        event = await events.get_event(session, request.match_info["event"])
        found = await participants.search(
            session,
            event,
            batch_code=request.query.get("batch") or None,
            q=request.query.get("q", "")[:100],
            limit=limit,
            offset=offset,
        )
    return json_response({"participants": [participant_json(p, b, principal) for p, b in found]})


@requires(Role.organiser)
async def pass_png(request: web.Request) -> web.Response:
    """The QR image of a participant's pass."""
    async with request.app[SESSIONMAKER]() as session:
        event = await events.get_event(session, request.match_info["event"])
        png = await passes.pass_png(
            session, event, request.match_info["nip"], request.app[SETTINGS].public_url
        )
    return web.Response(body=png, content_type="image/png", headers={"Cache-Control": "no-store"})
