"""The OpenAPI 3.1 document, generated from the app's router: each route's path and method from the route
table, its role from its access mark (web/access.py), its bodies, answers and error codes from its
`@documented` mark (web/apidoc.py), its summary from the handler's docstring, and the schemas from the
pydantic models.

Pages (HTML) are listed too, tagged `pages`, from their access mark alone.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from typing import Any

from aiohttp import web
from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

import eventops
from eventops.errors import ErrorCode
from eventops.web.access import Access, Handler, access_of
from eventops.web.apidoc import JSON, Doc, doc_of
from eventops.web.auth import CSRF_HEADER, SESSION_COOKIE
from eventops.web.schemas import Error

REF = "#/components/schemas/{model}"

# Every path parameter, and the error a value that names nothing answers (by the lookups all routes share).
PATH_PARAMS: dict[str, tuple[str, ErrorCode | None]] = {
    "event": ("the event's slug", ErrorCode.EVENT_NOT_FOUND),
    "code": ("the batch's code within the event", ErrorCode.BATCH_NOT_FOUND),
    "nip": ("the participant's NIP (18 digits)", None),
    "checkpoint": ("the checkpoint's code", None),
    "id": ("a numeric id", None),
    "token": ("the pass token", None),
    "upload_id": ("the id of a kept roster upload (its preview page carries it)", None),
}
TAGS = {"checkin": "door", "online": "zoom", "webhooks": "zoom", "pages": "service", "metrics": "service"}
STATUS_TEXT = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found", 409: "Conflict"}
STATUS_TEXT |= {413: "Too large", 415: "Unsupported media type", 422: "Invalid", 429: "Too many requests"}
INTRO = """Attendance for large hybrid training events: the door, Zoom, YouTube and the records.

Send `Authorization: Bearer TOKEN` (an API token: `eventops token create`) or the login session cookie
(`eventops_session`, plus an `X-CSRF-Token` header on writes). Roles nest: organiser ⊃ moderator ⊃ staff; each
operation names the lowest role it admits (`x-role`) and refuses the roles below (401 without credentials, 403
with too low a role).

Errors are always `{"error": CODE, "message": TEXT}` (422s add `errors`); each response lists the codes it may
carry. Clients branch on `error`, never on `message`. Operations tagged `pages` are HTML pages and forms."""


def build_document(app: web.Application) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every documented route of `app`."""
    found = list(_documented(app))
    models: list[tuple[type[BaseModel], JsonSchemaMode]] = [(Error, "serialization")]
    for *_, doc in found:
        if doc is not None and doc.body is not None:
            models.append((doc.body, "validation"))
        if doc is not None and not isinstance(doc.answer, str):
            models.append((doc.answer, "serialization"))
    refs, top = models_json_schema(list(dict.fromkeys(models)), ref_template=REF)
    paths: dict[str, dict[str, Any]] = {}
    for method, path, name, handler, access, doc in found:
        op: dict[str, Any] = {"operationId": name, **_summary(access, handler)}
        op.update(_page(path, method) if doc is None else _operation(path, method, access, doc, refs))
        paths.setdefault(path, {})[method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "eventops", "version": eventops.__version__, "description": INTRO},
        "tags": [{"name": "pages", "description": "HTML pages and their forms (docs/api.md, Pages)"}],
        "paths": paths,
        "components": {"schemas": top.get("$defs", {}), "securitySchemes": SECURITY_SCHEMES},
    }


SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer", "description": "an API token (`eventops token create`)"},
    "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": SESSION_COOKIE,
        "description": f"the login session; writes also send the `{CSRF_HEADER}` header (the value of the "
        "`eventops_csrf` cookie)",
    },
}


def routes_of(app: web.Application) -> Iterator[tuple[str, str, str, Handler]]:
    """(method, path, name, handler) of every route but HEAD and the static files."""
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("formatter") or info.get("path")
        if route.method != "HEAD" and path:
            yield route.method, path, route.name or "", route.handler


def _documented(app: web.Application) -> Iterator[tuple[str, str, str, Handler, Access, Doc | None]]:
    """The routes the document holds: those marked `@documented`, and the pages."""
    for method, path, name, handler in routes_of(app):
        access, doc = access_of(handler), doc_of(handler)
        if access is not None and (doc is not None or access.page):
            yield method, path, name, handler, access, doc


def _summary(access: Access, handler: Handler) -> dict[str, Any]:
    """Summary and description from the docstring; the role as `x-role`, in words and as `security`."""
    first, _, rest = inspect.cleandoc(handler.__doc__ or "").partition("\n\n")
    module = handler.__module__.rpartition(".")[2].removeprefix("api_")
    role = access.role.name if access.role is not None else "public"
    who = f"Needs the **{role}** role or higher." if access.role is not None else "Open to anyone."
    return {
        "tags": ["pages" if access.page else TAGS.get(module, module)],
        "summary": " ".join(first.split()),
        "description": f"{rest}\n\n{who}".strip(),
        "x-role": role,
        "security": [{"bearer": []}, {"session": []}] if access.role is not None else [],
    }


def _page(path: str, method: str) -> dict[str, Any]:
    what = "the page" if method == "GET" else "the next page, or a redirect (303) to it"
    html = {"text/html": {"schema": STRING}}
    return {
        "x-page": True,
        "parameters": _params(path, Doc("text/html")),
        "responses": {"200": {"description": what, "content": html}},
    }


def _operation(
    path: str, method: str, access: Access, doc: Doc, refs: dict[Any, dict[str, Any]]
) -> dict[str, Any]:
    op: dict[str, Any] = {"parameters": _params(path, doc)}
    if doc.body is not None:
        op["requestBody"] = {"required": True, "content": {JSON: {"schema": refs[(doc.body, "validation")]}}}
    elif doc.upload:
        op["requestBody"] = {"required": True, "content": {media: _raw(media) for media in doc.upload}}
    if isinstance(doc.answer, str):
        content = {doc.answer: _raw(doc.answer)}
    else:
        content = {JSON: {"schema": refs[(doc.answer, "serialization")]}}
    responses: dict[str, Any] = {str(doc.status): {"description": "Created" if doc.status == 201 else "OK"}}
    responses[str(doc.status)]["content"] = content
    error = refs[(Error, "serialization")]
    for status, codes in sorted(_errors(path, method, access, doc).items()):
        listed = ", ".join(f"`{c}`" for c in codes)
        narrowed = {"allOf": [error, {"properties": {"error": {"enum": [str(c) for c in codes]}}}]}
        responses[str(status)] = {
            "description": f"{STATUS_TEXT.get(status, 'Error')}: {listed}",
            "content": {JSON: {"schema": narrowed}},
        }
    op["responses"] = responses
    return op


def _raw(media: str) -> dict[str, Any]:
    """The schema of a body that no model describes."""
    if media == "multipart/form-data":
        file = {"type": "string", "format": "binary"}
        return {"schema": {"type": "object", "properties": {"file": file}, "required": ["file"]}}
    if media == JSON:
        return {"schema": {"type": "object", "description": "a JSON object (see the summary)"}}
    if media.startswith("text/"):
        return {"schema": {"type": "string"}}
    return {"schema": {"type": "string", "format": "binary"}}


def _errors(path: str, method: str, access: Access, doc: Doc) -> dict[int, list[ErrorCode]]:
    """The error codes an operation may answer, by status: those its role, path, query and body imply (the
    middlewares and the shared lookups), then those its mark declares."""
    codes: dict[int, list[ErrorCode]] = {}

    def add(status: int, *more: ErrorCode) -> None:
        listed = codes.setdefault(status, [])
        listed.extend(c for c in more if c not in listed)

    add(400, ErrorCode.BAD_TEXT)  # NUL or a lone surrogate in the path or the query (web/parse.py)
    if access.role is not None:
        add(401, ErrorCode.UNAUTHORIZED, ErrorCode.BAD_AUTH_HEADER)
        add(403, ErrorCode.FORBIDDEN)
        if method != "GET" and access.csrf:
            add(403, ErrorCode.CSRF)
    for param in re.findall(r"\{(\w+)\}", path):
        if (missing := PATH_PARAMS[param][1]) is not None:
            add(404, missing)
    if int in doc.query.values():
        add(400, ErrorCode.BAD_QUERY)
    if doc.body is not None:
        add(400, ErrorCode.BAD_JSON, ErrorCode.BAD_BODY)
        add(413, ErrorCode.TOO_LARGE)
        add(422, ErrorCode.INVALID)
    if doc.upload:
        add(400, ErrorCode.BAD_BODY)
        add(413, ErrorCode.TOO_LARGE)
    for status, more in doc.errors.items():
        add(status, *more)
    return codes


STRING = {"type": "string"}


def _params(path: str, doc: Doc) -> list[dict[str, Any]]:
    kinds = {int: "integer", bool: "boolean", str: "string"}
    params = [
        {
            "name": p,
            "in": "path",
            "required": True,
            "description": PATH_PARAMS[p][0],
            "schema": {"type": "string"},
        }
        for p in re.findall(r"\{(\w+)\}", path)
    ]
    params += [
        {"name": name, "in": "query", "required": False, "schema": {"type": kinds[kind]}}
        for name, kind in doc.query.items()
    ]
    return params
