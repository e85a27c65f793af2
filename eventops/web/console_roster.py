"""The organisers' roster page: upload a file, see every problem or the counts with nothing stored, import.

The preview keeps the checked file for a few minutes (`uploads`) and the import button names it by its id,
so the organiser never uploads twice and the import stores exactly the file that was previewed.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from eventops.accounts.auth import Role
from eventops.catalog import events
from eventops.errors import ErrorCode, Invalid, NotFound
from eventops.i18n import translations
from eventops.keys import SESSIONMAKER, SETTINGS
from eventops.roster import importer as roster
from eventops.storage.models import Event
from eventops.web import schemas_records, uploads
from eventops.web.access import requires
from eventops.web.apidoc import documented
from eventops.web.console import text_field
from eventops.web.error_text import message_for
from eventops.web.issue_text import localise_issues
from eventops.web.locale import request_locale, translate
from eventops.web.render import json_response, render
from eventops.web.strict import static_url, strict


def _roster_page(request: web.Request, event: Event, status: int = 200, **context: Any) -> web.Response:
    page: dict[str, Any] = {
        "message": "",
        "issues": [],
        "preview": None,
        "done": None,
        "upload_id": "",
        "filename": "",
    }
    page.update(context)
    page["roster_js"] = static_url(request, "roster.js")
    preview = page["preview"]
    page["warnings"] = localise_issues(request, preview.warnings) if preview is not None else []
    return strict(render(request, "console/roster.html", status=status, event=event, **page))


@requires(Role.organiser, page=True)
async def roster_form(request: web.Request) -> web.Response:
    """GET /events/{event}/roster: the upload form."""
    async with request.app[SESSIONMAKER]() as session:
        event = await events.get_event(session, request.match_info["event"])
    return _roster_page(request, event)


async def _dry_or_real(
    request: web.Request,
    event: Event,
    data: bytes,
    filename: str,
    *,
    dry_run: bool,
    progress: roster.Progress | None = None,
) -> roster.ImportResult | web.Response:
    """The import's result, or the page listing every problem (nothing stored)."""
    try:
        async with request.app[SESSIONMAKER]() as session:
            return await roster.import_roster(
                session, event, data, filename=filename or None, dry_run=dry_run, progress=progress
            )
    except Invalid as exc:
        issues = localise_issues(request, (d for d in exc.details if isinstance(d, dict) and "row" in d))
        message = message_for(exc.code, translations(request_locale(request)).gettext)
        return _roster_page(request, event, status=422, message=message, issues=issues)


@requires(Role.organiser, page=True)
async def roster_preview(request: web.Request) -> web.Response:
    """POST /events/{event}/roster: check the uploaded file (nothing stored) and keep it for the import."""
    form = await request.post()
    async with request.app[SESSIONMAKER]() as session:
        event = await events.get_event(session, request.match_info["event"])
    upload = form.get("file")
    if not isinstance(upload, web.FileField):
        return _roster_page(request, event, status=400, message=translate(request, "Choose a file."))
    data = upload.file.read()
    limit = request.app[SETTINGS].max_upload_bytes
    if len(data) > limit:
        message = translate(request, "The file is larger than %(limit)s bytes.", limit=limit)
        return _roster_page(request, event, status=413, message=message)
    if not data:
        return _roster_page(request, event, status=400, message=translate(request, "The file is empty."))
    filename = (upload.filename or "")[:200]
    result = await _dry_or_real(request, event, data, filename, dry_run=True)
    if isinstance(result, web.Response):
        return result
    assert event.id is not None
    upload_id = uploads.keep(event.id, data)
    return _roster_page(request, event, preview=result, upload_id=upload_id, filename=filename)


@requires(Role.organiser, page=True)
async def roster_import(request: web.Request) -> web.Response:
    """POST /events/{event}/roster/import: import the file the preview kept (checked again; all or none)."""
    form = await request.post()
    upload_id, filename = text_field(form, "upload_id"), text_field(form, "filename")[:200]
    async with request.app[SESSIONMAKER]() as session:
        event = await events.get_event(session, request.match_info["event"])
    assert event.id is not None
    data = uploads.take(event.id, upload_id)
    if data is None:
        message = translate(request, "The upload has expired; upload the file again.")
        return _roster_page(request, event, status=410, message=message)
    event_id = event.id
    uploads.note_progress(event_id, upload_id, "checking")
    result = await _dry_or_real(
        request,
        event,
        data,
        filename,
        dry_run=False,
        progress=lambda done, total: uploads.note_progress(event_id, upload_id, "storing", done, total),
    )
    if isinstance(result, web.Response):
        uploads.note_progress(event_id, upload_id, "failed")
        return result
    stored = result.created + result.updated
    uploads.note_progress(event_id, upload_id, "done", stored, stored)
    uploads.forget(event_id, upload_id)
    return _roster_page(request, event, done=result)


@requires(Role.organiser)
@documented(schemas_records.ImportProgress, errors={404: (ErrorCode.NOT_FOUND,)})
async def roster_import_progress(request: web.Request) -> web.Response:
    """GET /events/{event}/roster/import/{upload_id}: how far that import has got, for the page to poll.

    `{"phase": "checking" | "storing" | "done" | "failed", "done": rows stored, "total": rows to store}`;
    404 `not_found` before the import began or for an unknown id.
    """
    async with request.app[SESSIONMAKER]() as session:
        event = await events.get_event(session, request.match_info["event"])
    assert event.id is not None
    found = uploads.progress(event.id, request.match_info["upload_id"])
    if found is None:
        raise NotFound("no import of that upload")
    return json_response(found)
