"""Request parsing: paths, queries, forms and bodies into typed values, with clear 4xx errors only.

Every value from outside passes one of these doors, so they are where hostile input stops: NUL (PostgreSQL
refuses it) and lone surrogates (no database encodes them), numbers past 32 bits, times UTC cannot hold, deep
JSON and oversized forms are refused here with the usual error body, never met later as a 500.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, TypeVar

from aiohttp import web
from pydantic import AfterValidator, AwareDatetime, BaseModel, ValidationError

from eventops.catalog import events
from eventops.errors import BadRequest, ErrorCode, Invalid, NotFound, TooLarge
from eventops.keys import SESSIONMAKER
from eventops.storage.models import Batch, Event
from eventops.storage.text import storable
from eventops.web.access import Handler, access_of

M = TypeVar("M", bound=BaseModel)
JSON_LIMIT = 64 * 1024
MAX_ID = 2**31 - 1  # ids are 32-bit integers: a larger number names nothing (and must not reach PostgreSQL)
FORM_LIMIT = 4 * 1024  # the login and public forms: a few fields of a few dozen characters
MAX_DEPTH = 32  # our bodies nest two levels; a deeper one is an attack on the parsers behind


async def read_body(request: web.Request, limit: int) -> bytes:
    """The raw body, refused with 413 past `limit` bytes."""
    if request.content_length is not None and request.content_length > limit:
        raise TooLarge(f"the body is larger than {limit} bytes", code=ErrorCode.TOO_LARGE)
    body = bytearray()
    try:
        while chunk := await request.content.read(64 * 1024):
            body.extend(chunk)
            if len(body) > limit:
                raise TooLarge(f"the body is larger than {limit} bytes", code=ErrorCode.TOO_LARGE)
    except (ConnectionError, ValueError) as exc:
        raise BadRequest("the body could not be read", code=ErrorCode.BAD_BODY) from exc
    return bytes(body)


def _constant(name: str) -> None:
    raise BadRequest(f"the body is not valid JSON ({name})", code=ErrorCode.BAD_JSON)


def _screen(data: object) -> None:
    """Refuse what JSON allows but nothing here takes: NUL or unpaired surrogates in any text (400), numbers
    past 32 bits (422: no field takes more, and a larger one must not reach the database), deep nesting."""
    todo: list[tuple[object, tuple[str, ...]]] = [(data, ())]
    while todo:
        value, path = todo.pop()
        if isinstance(value, str):
            if not storable(value):
                raise BadRequest("text must not contain NUL or unpaired surrogates", code=ErrorCode.BAD_TEXT)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            if not -MAX_ID - 1 <= value <= MAX_ID:
                field = ".".join(path) or "body"
                message = f"numbers lie between {-MAX_ID - 1} and {MAX_ID}"
                raise Invalid("some fields are not valid", details=[{"field": field, "message": message}])
        elif isinstance(value, dict | list):
            if len(path) >= MAX_DEPTH:
                raise BadRequest(
                    f"the JSON is nested deeper than {MAX_DEPTH} levels", code=ErrorCode.BAD_JSON
                )
            if isinstance(value, dict):
                todo.extend((key, path) for key in value)
            pairs = value.items() if isinstance(value, dict) else enumerate(value)
            todo.extend((item, (*path, str(key))) for key, item in pairs)


async def json_model(request: web.Request, model: type[M], limit: int = JSON_LIMIT) -> M:
    """Parse a JSON body into `model`: 400 for bad JSON or text, 422 listing every invalid field."""
    body = await read_body(request, limit)
    try:
        data = json.loads(body, parse_constant=_constant)
    except (ValueError, RecursionError):  # also undecodable bytes, and numbers of over 4,300 digits
        raise BadRequest("the body is not valid JSON", code=ErrorCode.BAD_JSON) from None
    if not isinstance(data, dict):
        raise BadRequest("the body must be a JSON object", code=ErrorCode.BAD_JSON)
    _screen(data)
    return validate(model, data)


def validate(model: type[M], data: dict[str, object]) -> M:
    """`data` as `model`, or Invalid listing every invalid field (dotted, e.g. `rules.min_checkpoints`)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        details = [
            {"field": ".".join(str(p) for p in err["loc"]) or "body", "message": err["msg"]}
            for err in exc.errors(include_url=False, include_input=False)
        ]
        raise Invalid("some fields are not valid", details=details) from None


def _representable(value: datetime) -> datetime:
    """Refuse a time the calendar cannot hold in UTC (0001-01-01T00:00+14:00), or so near its ends that
    adding a few hours or days would leave it."""
    try:
        year = value.astimezone(UTC).year
    except OverflowError:
        year = 0
    if not datetime.min.year < year < datetime.max.year:
        raise ValueError("the time is outside the calendar once converted to UTC")
    return value


# Every time a request carries: an ISO 8601 time with its offset, that UTC can hold.
Instant = Annotated[AwareDatetime, AfterValidator(_representable)]


async def form_fields(request: web.Request, *names: str) -> tuple[str, ...]:
    """The named fields of a posted form, as text ("" when absent); 400 for NUL or unpaired surrogates."""
    form = await request.post()
    values = tuple(value if isinstance(value := form.get(name, ""), str) else "" for name in names)
    if not all(storable(value) for value in values):
        raise BadRequest("text must not contain NUL or unpaired surrogates", code=ErrorCode.BAD_TEXT)
    return values


async def form_values(
    request: web.Request, *names: str, limit: int = 500, verbatim: tuple[str, ...] = ("password",)
) -> dict[str, str]:
    """The named form fields as text, stripped (but the `verbatim` ones) and cut to `limit`; "" if absent."""
    values = await form_fields(request, *names)
    return {
        name: (value if name in verbatim else value.strip())[:limit]
        for name, value in zip(names, values, strict=True)
    }


@web.middleware
async def input_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Before any handler: refuse NUL or unpaired surrogates in the path, the query or a posted form's text
    fields (400), and hold the body to the route's limit. Every form handler then reads clean text."""
    parts = [*request.match_info.values(), *request.query.keys(), *request.query.values()]
    if not all(storable(part) for part in parts):
        raise BadRequest("the address must not contain NUL", code=ErrorCode.BAD_TEXT)
    access = access_of(request.match_info.handler)
    if access is not None and access.max_body is not None:
        request = request.clone(client_max_size=access.max_body)  # form reads past it raise 413
    if request.method == "POST" and request.content_type in FORM_TYPES:
        form = await request.post()  # kept on the request: the handler's own read costs nothing
        if not all(storable(value) for value in form.values() if isinstance(value, str)):
            raise BadRequest("text must not contain NUL or unpaired surrogates", code=ErrorCode.BAD_TEXT)
    return await handler(request)


FORM_TYPES = frozenset({"application/x-www-form-urlencoded"})  # multipart is streamed by its handlers


def query_flag(request: web.Request, name: str) -> bool:
    """A boolean query parameter (1, true, yes)."""
    return request.query.get(name, "").lower() in {"1", "true", "yes"}


def query_int(request: web.Request, name: str, default: int, lo: int, hi: int) -> int:
    """An integer query parameter within [lo, hi]; 400 when it is not a number."""
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a whole number", code=ErrorCode.BAD_QUERY) from None
    return max(lo, min(hi, value))


def path_id(request: web.Request, what: str, code: ErrorCode) -> int:
    """The path's numeric `{id}`; NotFound (with `code`) for anything that cannot be one."""
    raw = request.match_info["id"]
    if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_ID:
        raise NotFound(f"no {what} {raw[:20]!r}", code=code)
    return int(raw)


def batch_ref(request: web.Request) -> tuple[str, str]:
    """The event slug and batch code of a `…/{event}/…/{code}` path."""
    return request.match_info["event"], request.match_info["code"]


async def batch_of(request: web.Request) -> tuple[Event, Batch]:
    """The event and batch a `…/{event}/…/{code}` path names, or NotFound."""
    async with request.app[SESSIONMAKER]() as session:
        return await events.event_and_batch(session, *batch_ref(request))
