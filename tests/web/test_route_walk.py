"""Every route of the table, walked with hostile path parts, queries and bodies as an organiser: never a 5xx,
every API error has the usual body, and its code is one the OpenAPI document lists for the route and status.
A new POST route must say here what body it takes."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from aiohttp.test_utils import TestClient

from eventops.errors import ErrorCode
from eventops.web.access import access_of
from eventops.web.openapi import build_document
from tests.helpers import EVENT, SUDARMA, batch_body, bearer, door_fields, live_passes, seed_door

SLUG = EVENT["slug"]
HOSTILE_PARTS = ["%00", "a%00b", "%ED%A0%80", "2147483648", "-1", "9" * 40, "%2e%2e", "x" * 300, "K1%27--"]
HOSTILE_QUERIES = [
    {
        "q": "\x00",
        "batch": "\x00",
        "state": "\x00",
        "station": "\x00",
        "limit": "\x00",
        "dry_run": "\x00",
        "step": "\x00",
    },
    {
        "q": "\udcff".encode("utf-8", "surrogatepass").decode("latin-1"),
        "limit": "9" * 40,
        "offset": "-" + "9" * 40,
        "step": "9" * 40,
    },
    {"q": "9" * 18, "batch": "K1' OR 1=1 --", "state": "everything", "limit": "-1", "offset": "1e99"},
    {"q": "x" * 2000, "station": "y" * 2000},
]
EDGE_TIMES = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"]
TIME_FIELDS = {"starts_at", "ends_at", "scanned_at", "opens_at", "closes_at"}
HOSTILE_TEXT = ["\x00", "\ud800", "a\x00b\udfff", "x" * 10_000]
HOSTILE_NUMBERS = [2**31, -(2**31) - 1, 2**63, 10**30, 2147483648.0, 0.5, True]
WHOLE_BODIES = [
    "[" * 5000 + "]" * 5000,
    '{"a":' * 5000 + "1" + "}" * 5000,
    '{"x": NaN}',
    '{"x": ' + "9" * 5000 + "}",
    "[]",
    '"text"',
    "null",
    "{",
    '{"\\u0000": 1}',
    '{"x": "\\ud800"}',
]
# Bodies for routes that read one; the walk varies each field in turn.
BODILESS = {
    "logout",
    "finalize",
    "match_pending",
    "zoom_sync",
    "zoom_registrants",
    "youtube_start",
    "youtube_stop",
    "youtube_poll",
    "zoom_retry",
    "close_checkpoint",
}
FORMS = {
    "login": ("name", "password", "next"),
    "switch_language": ("lang", "next"),
    "hadir_submit": ("nip", "code"),
    "console_create_event": ("slug", "name", "timezone"),
    "console_save_batch": ("code", "name", "starts_at", "ends_at", "venue", "editing"),
    "console_roster_preview": ("file",),
    "console_roster_import": ("upload_id", "filename"),
    "batch_page_finalize": ("finalize_early", "confirm"),
    "batch_page_reopen": ("reason", "confirm"),
    "batch_page_override": ("participant_nip", "status", "mode", "reason"),
    "batch_page_zoom_sync": ("csrf",),
    "batch_page_registrants": ("csrf",),
    "batch_page_revoke": ("nip", "reason"),
    "admin_add_user": ("name", "role", "password"),
    "admin_password": ("name", "password"),
    "admin_disabled": ("name", "disabled"),
    "admin_create_token": ("name", "role"),
    "admin_revoke_token": ("id",),
    "stream_open_checkpoint": ("code", "opens_at", "closes_at"),
    "stream_close_checkpoint": ("csrf",),
}
RAW = {"import_roster", "zoom_webhook"}
RAW_BODIES = [b"\x00" * 100, b"nip,nama\n\x00,\x00\n", b"\xff\xfe\x00\xd8", b"PK\x03\x04" + b"\x00" * 100]


def json_bodies(pass_token: str) -> dict[str, dict[str, Any]]:
    """A valid body for each JSON route."""
    return {
        "create_event": {"slug": "walk-1", "name": "Walk", "timezone": "Asia/Makassar"},
        "create_batch": batch_body("K9"),
        "scan_pass": {"token": pass_token, **door_fields()},
        "manual_checkin": {"participant_id": 1, **door_fields()},
        "walk_in": {"name": "Tamu", "agency": "Pemprov Bali", "nip": SUDARMA, **door_fields()},
        "revoke_pass": {"reason": "hilang"},
        "reopen": {"reason": "koreksi"},
        "add_override": {"participant_nip": SUDARMA, "status": "present", "reason": "koreksi"},
        "review_decide": {"participant_ref": 1},
        "review_accept": {"ids": [1]},
        "review_dismiss": {"ids": [1]},
        "create_checkpoint": {
            "code": "KODE",
            "opens_at": "2023-08-21T09:00:00+08:00",
            "closes_at": "2023-08-21T09:15:00+08:00",
        },
    }


def variants(body: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """`body` with one field at a time made hostile for its kind, then with hostile extra fields."""
    for field, value in body.items():
        if field in TIME_FIELDS:
            bad: list[Any] = [*EDGE_TIMES, "\x00", 2**40]
        elif isinstance(value, bool) or not isinstance(value, int | str):
            bad = ["\x00", [], {"a": "\x00"}]
        elif isinstance(value, int):
            bad = HOSTILE_NUMBERS
        else:
            bad = [*HOSTILE_TEXT, 2**31, None]
        for one in bad:
            yield {**body, field: one}
    yield {**body, "extra\x00": "\ud800"}


def fill(path: str, values: dict[str, str]) -> str:
    """A route's path with its `{params}` filled from `values`."""
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


async def test_no_route_answers_hostile_input_with_a_5xx(
    client: TestClient, tokens: dict[str, str], db_url: str
) -> None:
    await seed_door(client, tokens["organiser"])
    pass_token = (await live_passes(db_url))[SUDARMA]
    good = {
        "event": SLUG,
        "code": "K1",
        "nip": SUDARMA,
        "token": pass_token,
        "id": "1",
        "checkpoint": "1",
        "upload_id": "A" * 22,
    }
    bodies = json_bodies(pass_token)
    auth = bearer(tokens["organiser"])
    failures: list[tuple[str, str, int, str]] = []
    answered: set[tuple[str, str, int, str]] = set()  # method, route, status, error code
    current = [""]  # the route being walked
    checked = 0

    async def call(method: str, url: str, page: bool, json_text: str | None = None, **kwargs: Any) -> None:
        nonlocal checked
        headers = dict(auth)
        if json_text is not None:
            headers["Content-Type"] = "application/json"
            kwargs["data"] = json_text
        resp = await client.request(method, url, headers=headers, allow_redirects=False, **kwargs)
        checked += 1
        text = (await resp.read()).decode("utf-8", "replace")
        if resp.status >= 500:
            failures.append((method, url[:120], resp.status, text[:200]))
        elif resp.status >= 400 and not page:
            body = json.loads(text) if resp.content_type == "application/json" else {}
            if not {"error", "message"} <= set(body):
                failures.append((method, url[:120], resp.status, "not the usual error body: " + text[:200]))
            else:
                answered.add((method, current[0], resp.status, body["error"]))

    routes = []
    for route in client.app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("formatter") or info.get("path")
        if route.method == "HEAD" or not path or path.startswith("/static"):
            continue
        routes.append((route.method, path, route.name or "", access_of(route.handler)))
    unknown = [
        name
        for method, _, name, _ in routes
        if method == "POST" and name not in {*bodies, *BODILESS, *FORMS, *RAW}
    ]
    assert unknown == [], "say what body these routes take"

    for method, path, name, access in routes:
        assert access is not None
        current[0] = path
        params = re.findall(r"\{(\w+)\}", path)
        # hostile path parts, one parameter at a time
        for param in params:
            for part in HOSTILE_PARTS:
                await call(method, fill(path, {**good, param: part}), access.page)
        if name == "batch_live":
            continue  # a valid live path streams until the client leaves
        url = fill(path, good)
        for query in HOSTILE_QUERIES:
            await call(method, url, access.page, params=query)
        if method != "POST":
            continue
        if name in bodies:
            # json.dumps escapes NUL and lone surrogates, as a hostile client would send them
            for body in variants(bodies[name]):
                await call(method, url, access.page, json_text=json.dumps(body))
            for raw in WHOLE_BODIES:
                await call(method, url, access.page, json_text=raw)
        elif name in FORMS:
            fields = FORMS[name]
            for field in fields:
                for bad in ["\x00", "x" * 10_000]:
                    form = {f: ("x" if f != field else bad) for f in fields}
                    await call(method, url, access.page, data=form)
        elif name in RAW:
            for raw_bytes in RAW_BODIES:
                await call(method, url, access.page, data=raw_bytes)
    assert checked > 1000
    assert failures == [], "\n".join(map(str, failures[:60]))
    # a hostile path part that matches no route is the router's 404 (or 405), not the operation's
    paths = build_document(client.app)["paths"]

    def listed(method: str, path: str, status: int) -> str:
        return str(paths[path][method.lower()]["responses"].get(str(status), {}).get("description", ""))

    unlisted = [
        (method, path, status, code)
        for method, path, status, code in sorted(answered)
        if code not in (ErrorCode.NOT_FOUND, ErrorCode.METHOD_NOT_ALLOWED)
        and f"`{code}`" not in listed(method, path, status)
    ]
    assert len(answered) > 100
    assert unlisted == [], "list these in the handler's @documented errors:\n" + "\n".join(map(str, unlisted))
