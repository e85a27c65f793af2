"""The OpenAPI document at /api/v1/openapi.json: valid, complete (every route of the router), and honest (real
answers validate against its schemas, each body model is the one its handler parses, each error code is listed
under the status it is raised with)."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import jsonschema
from aiohttp import web
from aiohttp.test_utils import TestClient
from openapi_spec_validator import validate

import eventops
from eventops.accounts.auth import Role
from eventops.web.access import access_of, requires
from eventops.web.openapi import build_document
from tests.helpers import DOOR_ROSTER, EVENT, SUDARMA, batch_body, bearer, door_fields, live_passes, seed_door
from tests.web.test_route_walk import fill

ROOT = Path(__file__).resolve().parents[2]
OPENAPI = "/api/v1/openapi.json"
# The exception (or helper) a code is raised through, and the status web/errors.py gives it.
RAISED_AS = {"BadRequest": 400, "Unauthorized": 401, "Forbidden": 403, "NotFound": 404, "path_id": 404}
RAISED_AS |= {"Conflict": 409, "TooLarge": 413, "Invalid": 422, "RosterFileError": 422, "RateLimited": 429}


async def document(client: TestClient) -> dict[str, Any]:
    resp = await client.get(OPENAPI)  # no credentials: the document is public
    assert resp.status == 200, await resp.text()
    return dict(await resp.json())


def schema_of(doc: dict[str, Any], path: str, method: str, status: int) -> dict[str, Any]:
    """The JSON schema of an operation's answer, resolvable on its own (the components travel with it)."""
    content = doc["paths"][path][method]["responses"][str(status)]["content"]
    return {**content["application/json"]["schema"], "components": doc["components"]}


def check(doc: dict[str, Any], path: str, method: str, status: int, answer: Any) -> None:
    jsonschema.Draft202012Validator(schema_of(doc, path, method, status)).validate(answer)


async def test_the_document_is_valid_openapi_and_carries_the_version(client: TestClient) -> None:
    doc = await document(client)
    validate(doc)
    assert doc["openapi"].startswith("3.")
    assert doc["info"]["version"] == eventops.__version__
    assert {"bearer", "session"} <= set(doc["components"]["securitySchemes"])
    codes = doc["components"]["schemas"]["ErrorCode"]["enum"]
    assert "event_not_found" in codes and "scan_id_used" in codes


async def test_every_route_of_the_router_is_in_the_document_with_its_role(client: TestClient) -> None:
    doc = await document(client)
    missing, wrong_role = [], []
    for route in client.app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("formatter") or info.get("path")
        if route.method == "HEAD" or not path:
            continue  # HEAD mirrors GET; /static is files
        op = doc["paths"].get(path, {}).get(route.method.lower())
        if op is None:
            missing.append(f"{route.method} {path}")
            continue
        access = access_of(route.handler)
        assert access is not None
        role = access.role.name if access.role is not None else "public"
        if op["x-role"] != role or (role != "public") != bool(op["security"]):
            wrong_role.append(f"{route.method} {path}: {op['x-role']}, not {role}")
        assert op.get("x-page", False) == access.page, path  # a JSON route is documented by its own mark
    assert missing == [], "mark these handlers @documented (eventops/web/apidoc.py):\n" + "\n".join(missing)
    assert wrong_role == []


def test_a_json_route_without_a_mark_is_left_out(app: web.Application) -> None:
    @requires(Role.staff)
    async def unmarked(request: web.Request) -> web.Response:
        return web.json_response({})

    app.router.add_get("/api/v1/unmarked", unmarked)
    assert "/api/v1/unmarked" not in build_document(app)["paths"]  # so the test above fails for it
    assert "/api/v1/events" in build_document(app)["paths"]


async def test_each_body_model_is_the_one_its_handler_parses(
    client: TestClient, tokens: dict[str, str]
) -> None:
    """An empty object posted to each JSON route is refused naming exactly its documented required fields."""
    doc = await document(client)
    schemas = doc["components"]["schemas"]
    names = {"event": "nope", "code": "K0", "nip": SUDARMA, "id": "1", "checkpoint": "X"}
    checked = 0
    for path, ops in doc["paths"].items():
        body = ops.get("post", {}).get("requestBody", {}).get("content", {}).get("application/json", {})
        ref = body.get("schema", {}).get("$ref")
        if ref is None:
            continue
        required = set(schemas[ref.rpartition("/")[2]].get("required", []))
        resp = await client.post(fill(path, names), json={}, headers=bearer(tokens["organiser"]))
        answer = await resp.json()
        assert resp.status == 422, (path, answer)
        fields = {e["field"] for e in answer["errors"]}
        assert fields == (required or {"body"}), (path, fields, required)
        checked += 1
    assert checked >= 12


def _raised_with() -> dict[str, set[int]]:
    """Each error code → the statuses of the exceptions the code raises it with (read from the source)."""
    found: dict[str, set[int]] = {}
    for path in (ROOT / "eventops").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                named = isinstance(arg, ast.Attribute) and getattr(arg.value, "id", "") == "ErrorCode"
                if named and func in RAISED_AS:
                    assert isinstance(arg, ast.Attribute)
                    found.setdefault(arg.attr.lower(), set()).add(RAISED_AS[func])
    return found


async def test_each_listed_error_code_is_raised_with_its_listed_status(client: TestClient) -> None:
    doc = await document(client)
    raised = _raised_with()
    assert raised["event_exists"] == {409} and raised["scan_too_old"] == {422}
    wrong = []
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            for status, response in op["responses"].items():
                text = response.get("description", "")
                for code in re.findall(r"`(\w+)`", text) if int(status) >= 400 else ():
                    if code in raised and int(status) not in raised[code]:
                        wrong.append(f"{method} {path}: {code} under {status}, raised as {raised[code]}")
    assert wrong == []


async def test_real_answers_validate_against_the_documented_schemas(
    client: TestClient, tokens: dict[str, str], db_url: str
) -> None:
    doc = await document(client)
    organiser, staff = bearer(tokens["organiser"]), bearer(tokens["staff"])
    slug = await seed_door(client, tokens["organiser"])
    token = (await live_passes(db_url))[SUDARMA]
    event, batch = "/api/v1/events/{event}", "/api/v1/events/{event}/batches/{code}"
    here = {"event": slug, "code": "K1"}

    async def answer(method: str, path: str, status: int, who: dict[str, str], **kwargs: Any) -> Any:
        resp = await client.request(method, fill(path, here), headers=who, **kwargs)
        assert resp.status == status, await resp.text()
        body = await resp.json()
        check(doc, path, method.lower(), status, body)
        return body

    await answer("GET", "/healthz", 200, {})
    await answer("GET", "/api/v1/events", 200, staff)
    await answer("GET", event, 200, staff)
    await answer("GET", event + "/batches", 200, staff)
    await answer("POST", event + "/batches", 201, organiser, json=batch_body("K7", 27))
    for who in (organiser, staff):  # the full and the masked view
        await answer("GET", event + "/participants", 200, who)
    scan = {"token": token, **door_fields()}
    assert (await answer("POST", batch + "/scans", 200, staff, json=scan))["result"] == "ok"
    assert (await answer("POST", batch + "/scans", 200, staff, json={**scan, **door_fields()}))[
        "result"
    ] == "duplicate"
    unknown = {"token": "not-a-pass-token", **door_fields()}
    await answer("POST", batch + "/scans", 200, staff, json=unknown)
    walk_in = {"name": "Tamu", "agency": "Pemprov Bali", **door_fields()}
    assert "pass_url" in await answer("POST", batch + "/walkins", 200, staff, json=walk_in)
    await answer("GET", batch + "/checkins/stats", 200, staff)
    await answer("GET", batch + "/scans", 200, staff)
    await answer("GET", event + "/walkins", 200, organiser)
    await answer(
        "POST", event + "/roster", 200, organiser, data=DOOR_ROSTER.encode(), params={"dry_run": "1"}
    )
    await answer("GET", batch + "/summary", 200, organiser)
    assert (await answer("GET", batch + "/people", 200, organiser))["people"]
    await answer("GET", batch + "/zoom/online", 200, organiser)
    assert (await answer("GET", batch + "/zoom/participants", 200, organiser))["participants"]
    await answer("POST", batch + "/match", 200, organiser)
    records = await answer("GET", batch + "/attendance", 200, organiser)
    assert records["records"]
    await answer("POST", batch + "/finalize", 200, organiser)
    await answer("POST", batch + "/reopen", 200, organiser, json={"reason": "koreksi"})
    override = {"participant_nip": SUDARMA, "status": "present", "mode": "offline", "reason": "koreksi"}
    await answer("POST", batch + "/overrides", 201, organiser, json=override)
    await answer("GET", batch + "/review", 200, organiser)
    await answer("GET", batch + "/review/people", 200, organiser)
    opens = {"code": "ALFA", "opens_at": "2023-08-21T09:00:00+08:00", "closes_at": "2023-08-21T09:15+08:00"}
    await answer("POST", batch + "/checkpoints", 201, organiser, json=opens)
    await answer("GET", batch + "/checkpoints", 200, organiser)
    # errors: the narrowed schema of each status admits the code the route answers
    await answer("POST", "/api/v1/events", 409, organiser, json=EVENT)
    here["event"] = "nope"
    await answer("GET", event, 404, staff)
    await answer("GET", batch + "/attendance", 403, staff)
    await answer("GET", "/api/v1/events", 401, {})


async def test_the_docs_page_is_public_strict_and_loads_only_our_own_files(client: TestClient) -> None:
    resp = await client.get("/api/v1/docs")
    assert resp.status == 200
    assert resp.content_type == "text/html"
    policy = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe" not in policy
    html = await resp.text()
    assert OPENAPI in html and "<script>" not in html  # no inline script: the policy would refuse it
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert any("swagger-ui-bundle.js" in a for a in assets) and any("api_docs.js" in a for a in assets)
    for asset in assets:
        assert (await client.get(asset)).status == 200, asset
    assert not re.search(r'(?:src|href)="https?:', html)  # no CDN
