"""What a route answers, declared beside its handler: the OpenAPI document (web/openapi.py) is built from
these marks, the access marks (web/access.py) and the route table, never from a list kept apart.

A JSON route without `@documented` is left out of the document, and the test that walks the router fails.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from pydantic import BaseModel

from eventops.errors import ErrorCode
from eventops.web.access import Handler

JSON = "application/json"  # an answer without a model of its own: a JSON object, described by the docstring
_ATTR = "__eventops_doc__"


@dataclass(frozen=True)
class Doc:
    """A route's documentation: its answer (a model, or a media type for files and streams) and status, the
    JSON body it parses (the model given to `json_model`), the media types of a file or raw body it reads
    instead, its query parameters, and the error codes it may answer beyond those its role, path, query and
    body imply (web/openapi.py adds those)."""

    answer: type[BaseModel] | str
    status: int = 200
    body: type[BaseModel] | None = None
    upload: tuple[str, ...] = ()  # the media types of a file or raw body it reads
    query: Mapping[str, type] = field(default_factory=dict)
    errors: Mapping[int, tuple[ErrorCode, ...]] = field(default_factory=dict)


def documented(
    answer: type[BaseModel] | str,
    *,
    status: int = 200,
    body: type[BaseModel] | None = None,
    upload: tuple[str, ...] = (),
    query: Mapping[str, type] | None = None,
    errors: Mapping[int, tuple[ErrorCode, ...]] | None = None,
) -> Callable[[Handler], Handler]:
    """Mark a handler with what it answers (see `Doc`)."""
    doc = Doc(answer, status, body, upload, dict(query or {}), dict(errors or {}))

    def mark(handler: Handler) -> Handler:
        setattr(handler, _ATTR, doc)
        return handler

    return mark


def doc_of(handler: object) -> Doc | None:
    """The documentation a handler was marked with, or None."""
    value = getattr(handler, _ATTR, None)
    return value if isinstance(value, Doc) else None


PAGING: Mapping[str, type] = {"limit": int, "offset": int}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROSTER_UPLOAD = ("text/csv", XLSX, "multipart/form-data")
