"""The language of a request (the switch that changes it is in login.py).

The order: the logged-in user's choice (stored with the user, so it follows them to another browser), the
`lang` cookie the switch sets (visitors who are not logged in: the public form, the pass page, the login
page), then Indonesian. Pages do not follow the browser's Accept-Language: many officials' browsers say
`en-US`, and the product speaks Indonesian until someone asks otherwise. The JSON API does (after the user's
choice): a program asking in English gets its error messages in English.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from aiohttp import web

from eventops.i18n import DEFAULT_LOCALE, LOCALES, translations
from eventops.keys import LOCALE, PRINCIPAL

LANG_COOKIE = "lang"
API_PREFIX = "/api/"  # the requests whose Accept-Language counts
_MAX_LANGUAGES = 20  # of an Accept-Language header: more is noise (or an attack on the parser)


def accepted(header: str) -> str | None:
    """The first of our locales the browser accepts, by its q-values (`en-GB;q=0.8` counts as `en`)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:_MAX_LANGUAGES]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        name, _, value = params.strip().partition("=")
        if name.strip() == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
        if quality > 0:
            ranked.append((-quality, position, tag.strip().lower().split("-")[0]))
    return next((primary for _, _, primary in sorted(ranked) if primary in LOCALES), None)


def choose_locale(user_lang: str | None, cookie: str | None, accept_language: str) -> str:
    """The user's choice, else the cookie's, else the browser's, else Indonesian."""
    for chosen in (user_lang, cookie):
        if chosen in LOCALES:
            assert chosen is not None
            return chosen
    return accepted(accept_language) or DEFAULT_LOCALE


def request_locale(request: web.Request) -> str:
    """The request's locale, worked out once."""
    if LOCALE not in request:
        principal = request.get(PRINCIPAL)
        request[LOCALE] = choose_locale(
            principal.lang if principal is not None else None,
            request.cookies.get(LANG_COOKIE),
            request.headers.get("Accept-Language", "") if request.path.startswith(API_PREFIX) else "",
        )
    return request[LOCALE]


def translate(request: web.Request, message: str, **params: object) -> str:
    """`message` (an English msgid) in the request's language, `%(name)s` filled from `params`."""
    text = translations(request_locale(request)).gettext(message)
    return text % params if params else text


def translated_json(request: web.Request, messages: Mapping[str, str]) -> str:
    """Codes and their messages (msgids) in the request's language, as JSON for a page's script."""
    return json.dumps({code: translate(request, text) for code, text in messages.items()}, ensure_ascii=False)
