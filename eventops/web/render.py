"""Rendering pages and JSON: the template environment and small response helpers."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import jinja2
from aiohttp import web

from eventops.i18n import format_datetime_id, tz_abbrev
from eventops.keys import PRINCIPAL, TEMPLATES
from eventops.web.auth import csrf_token

# The header names the role in Indonesian: petugas (door staff), moderator, panitia (organisers).
ROLE_NAMES_ID = {"staff": "petugas", "moderator": "moderator", "organiser": "panitia"}


def create_templates() -> jinja2.Environment:
    """The Jinja2 environment over the packaged templates, autoescaping everything."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("eventops", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        enable_async=False,
    )
    env.filters["local_dt"] = lambda value, tz: format_datetime_id(value, tz) if value else ""
    env.filters["tz_abbrev"] = tz_abbrev
    env.filters["role_id"] = lambda role: ROLE_NAMES_ID.get(role.name, role.name)
    return env


def render(request: web.Request, name: str, status: int = 200, **context: Any) -> web.Response:
    """Render a page with the principal and CSRF token every layout needs."""
    template = request.app[TEMPLATES].get_template(name)
    html = template.render(principal=request.get(PRINCIPAL), csrf=csrf_token(request), **context)
    response = web.Response(text=html, status=status, content_type="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def _default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def json_response(data: Any, status: int = 200) -> web.Response:
    """JSON with datetimes as ISO 8601."""
    return web.json_response(data, status=status, dumps=lambda v: json.dumps(v, default=_default))
