"""Request parsing: bodies into typed models, with clear 4xx errors and nothing else."""

from __future__ import annotations

import json
from typing import TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from eventops.catalog import events
from eventops.errors import BadRequest, ErrorCode, Invalid, TooLarge
from eventops.keys import SESSIONMAKER
from eventops.storage.models import Batch, Event

M = TypeVar("M", bound=BaseModel)
JSON_LIMIT = 64 * 1024


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


async def json_model(request: web.Request, model: type[M], limit: int = JSON_LIMIT) -> M:
    """Parse a JSON body into `model`: 400 for bad JSON, 422 listing every invalid field."""
    body = await read_body(request, limit)
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BadRequest("the body is not valid JSON", code=ErrorCode.BAD_JSON) from None
    if not isinstance(data, dict):
        raise BadRequest("the body must be a JSON object", code=ErrorCode.BAD_JSON)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        details = [
            {"field": ".".join(str(p) for p in err["loc"]) or "body", "message": err["msg"]}
            for err in exc.errors(include_url=False, include_input=False)
        ]
        raise Invalid("some fields are not valid", details=details) from None


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


def batch_ref(request: web.Request) -> tuple[str, str]:
    """The event slug and batch code of a `…/{event}/…/{code}` path."""
    return request.match_info["event"], request.match_info["code"]


async def batch_of(request: web.Request) -> tuple[Event, Batch]:
    """The event and batch a `…/{event}/…/{code}` path names, or NotFound."""
    async with request.app[SESSIONMAKER]() as session:
        return await events.event_and_batch(session, *batch_ref(request))
