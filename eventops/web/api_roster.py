"""JSON API: roster import, participant lists and pass images."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import BodyPartReader, web

from eventops.accounts.auth import Principal, Role
from eventops.catalog import events
from eventops.errors import BadRequest, ErrorCode, Invalid, TooLarge
from eventops.keys import PRINCIPAL, SESSIONMAKER, SETTINGS
from eventops.roster import importer as roster
from eventops.roster import participants, passes
from eventops.roster.nip import mask_nip
from eventops.storage.models import Batch, Participant
from eventops.web import schemas
from eventops.web.access import requires
from eventops.web.apidoc import PAGING, ROSTER_UPLOAD, documented
from eventops.web.issue_text import localise_issues
from eventops.web.parse import batch_ref, query_flag, query_int, read_body
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
@documented(
    schemas.RosterImport,
    upload=ROSTER_UPLOAD,
    query={"dry_run": bool},
    errors={
        400: (ErrorCode.NO_FILE, ErrorCode.EMPTY_FILE),
        422: (
            ErrorCode.UNREADABLE_FILE,
            ErrorCode.EMPTY_FILE,
            ErrorCode.TOO_MANY_ROWS,
            ErrorCode.ROSTER_INVALID,
        ),
    },
)
async def import_roster(request: web.Request) -> web.Response:
    """Import a roster file (CSV or XLSX), all or nothing; ?dry_run=1 only validates.

    Each problem (422 `errors`) and warning is `{row, column, code, message, detail}`: `message` in the
    request's language, `detail` the service's own text."""
    data, filename, content_type = await _upload(request)
    if not data:
        raise BadRequest("the file is empty", code=ErrorCode.EMPTY_FILE)
    async with request.app[SESSIONMAKER]() as session:
        event = await events.get_event(session, request.match_info["event"])
        try:
            result = await roster.import_roster(
                session,
                event,
                data,
                filename=filename,
                content_type=content_type,
                dry_run=query_flag(request, "dry_run"),
            )
        except Invalid as exc:
            exc.details = localise_issues(request, exc.details)
            raise
    answer = result.as_json()
    answer["warnings"] = localise_issues(request, result.warnings)
    return json_response(answer)


def participant_json(
    person: Participant, batch: Batch, principal: Principal, checked_in_at: datetime | None = None
) -> dict[str, Any]:
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
        # at their own batch: the door marks them instead of offering a second check-in
        "checked_in_at": checked_in_at,
    }
    if full:
        data.update(email=person.email, phone=person.phone)
    return data


@requires(Role.staff)
@documented(schemas.ParticipantList, query={"batch": str, "q": str, **PAGING})
async def list_participants(request: web.Request) -> web.Response:
    """Participants of an event; ?batch= filters by batch, ?q= matches a name or a whole NIP (organisers: a
    NIP prefix)."""
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
            nip_prefix=principal.has(Role.organiser),  # they see whole NIPs anyway
        )
        arrived = await participants.checked_in_at(session, [p for p, _ in found])
    return json_response(
        {"participants": [participant_json(p, b, principal, arrived.get(p.id or 0)) for p, b in found]}
    )


@requires(Role.organiser)
@documented("image/png", errors={404: (ErrorCode.PARTICIPANT_NOT_FOUND, ErrorCode.PASS_NOT_FOUND)})
async def pass_png(request: web.Request) -> web.Response:
    """The QR image of a participant's pass."""
    async with request.app[SESSIONMAKER]() as session:
        event = await events.get_event(session, request.match_info["event"])
        png = await passes.pass_png(
            session, event, request.match_info["nip"], request.app[SETTINGS].public_url
        )
    return web.Response(body=png, content_type="image/png", headers={"Cache-Control": "no-store"})


def _attachment(data: bytes, content_type: str, filename: str) -> web.Response:
    return web.Response(
        body=data,
        headers={
            "Content-Type": content_type,
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@requires(Role.organiser)
@documented("text/csv")
async def pass_links(request: web.Request) -> web.Response:
    """The batch's pass links as CSV (name, phone, agency, pass_url), for a WhatsApp mail-merge."""
    async with request.app[SESSIONMAKER]() as session:
        event, batch = await events.event_and_batch(session, *batch_ref(request))
        links = await passes.pass_links(session, batch, request.app[SETTINGS].public_url)
    name = f"kartu_{event.slug}_{batch.code}.csv"
    return _attachment(passes.pass_links_csv(links), "text/csv; charset=utf-8", name)


@requires(Role.organiser)
@documented("application/pdf", errors={404: (ErrorCode.NO_PASSES,)})
async def badges(request: web.Request) -> web.Response:
    """The batch's printable badge sheet (PDF)."""
    async with request.app[SESSIONMAKER]() as session:
        event, batch = await events.event_and_batch(session, *batch_ref(request))
        pdf, _count = await passes.badges_pdf(session, event, request.app[SETTINGS].public_url, batch.code)
    return _attachment(pdf, "application/pdf", f"badges_{event.slug}_{batch.code}.pdf")
