"""Rendering pages and JSON: the template environment and small response helpers."""

from __future__ import annotations

import functools
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web
from babel.messages.extract import extract_javascript
from yarl import URL

from eventops.i18n import (
    LOCALES,
    N_,
    format_clock,
    format_date,
    format_datetime,
    format_number,
    format_percent,
    format_time,
    translations,
    tz_abbrev,
)
from eventops.keys import PRINCIPAL, TEMPLATES_BY_LOCALE
from eventops.timeutil import zone
from eventops.web.auth import csrf_token
from eventops.web.error_text import message_for
from eventops.web.locale import request_locale
from eventops.web.strict import static_url

STATIC = Path(__file__).resolve().parent.parent / "static"
KEYWORDS: dict[str, Any] = {"gettext": None}  # in the scripts; also inside `${…}` (parse_template_string)

# The header names the role: petugas (door staff), moderator, panitia (organisers) in Indonesian.
ROLE_NAMES = {"staff": N_("staff"), "moderator": N_("moderator"), "organiser": N_("organiser")}


@functools.cache
def script_msgids() -> tuple[str, ...]:
    """Every msgid the static scripts translate (`gettext("…")`), found as `make messages` finds them."""
    found: dict[str, None] = {}
    for path in sorted(STATIC.glob("*.js")):
        with path.open("rb") as script:
            for _, _, message, _ in extract_javascript(script, KEYWORDS, [], {"parse_template_string": True}):
                if isinstance(message, str):
                    found[message] = None
    return tuple(found)


def create_templates(locale: str) -> jinja2.Environment:
    """The Jinja2 environment over the packaged templates in one locale, autoescaping everything.

    One environment per locale, its translations installed once: no translation state changes per request.
    """
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("eventops", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        enable_async=False,
        extensions=["jinja2.ext.i18n"],
    )
    gettext = translations(locale).gettext
    env.install_gettext_translations(translations(locale), newstyle=True)  # type: ignore[attr-defined]
    env.globals["lang"] = locale
    env.globals["languages"] = LOCALES
    env.filters["local_dt"] = lambda value, tz: format_datetime(value, tz, locale) if value else ""
    env.filters["local_time"] = lambda value, tz: format_time(value, tz, locale) if value else ""
    env.filters["local_clock"] = lambda value, tz: format_clock(value, tz, locale) if value else ""
    env.filters["local_date"] = lambda value, tz: format_date(value.astimezone(zone(tz)).date(), locale)
    env.filters["tz_abbrev"] = tz_abbrev
    env.filters["number"] = lambda value, decimals=0: format_number(value, locale, decimals)
    env.filters["percent"] = lambda value, decimals=1: format_percent(value, locale, decimals)
    env.filters["role_name"] = lambda role: gettext(ROLE_NAMES.get(role.name, role.name))
    env.globals["error_message"] = lambda code: message_for(code, gettext)
    env.globals["js_messages"] = {m: gettext(m) for m in script_msgids() if gettext(m) != m}
    return env


def render(request: web.Request, name: str, status: int = 200, **context: Any) -> web.Response:
    """Render a page in the request's language with the principal and CSRF token every layout needs."""
    template = request.app[TEMPLATES_BY_LOCALE][request_locale(request)].get_template(name)
    context.setdefault("here", _here(request))
    context.setdefault("i18n_js", static_url(request, "i18n.js"))
    html = template.render(principal=request.get(PRINCIPAL), csrf=csrf_token(request), **context)
    response = web.Response(text=html, status=status, content_type="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def _here(request: web.Request) -> str:
    """Where the language switch comes back to: this page, or after a form's POST the page that sent it."""
    if request.method == "GET":
        return request.rel_url.raw_path_qs
    return URL(request.headers.get("Referer", "/")).raw_path_qs or "/"


def _default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def json_response(data: Any, status: int = 200) -> web.Response:
    """JSON with datetimes as ISO 8601."""
    return web.json_response(data, status=status, dumps=lambda v: json.dumps(v, default=_default))
