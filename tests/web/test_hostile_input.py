"""Bad input from outside is a 4xx with the usual error body and changes nothing, never a 500: NUL in paths,
queries, JSON and forms, lone surrogates, numbers past 32 bits, datetimes past the calendar, deep JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from eventops.storage.models import CheckIn, Event
from tests.helpers import EVENT, SUDARMA, batch_body, bearer, door_fields, seed_door, stored

SLUG = EVENT["slug"]
API = f"/api/v1/events/{SLUG}"
EDGE_TIMES = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"]


async def error_of(resp: Any) -> str:
    """The `error` code of a JSON error body."""
    assert resp.content_type == "application/json", await resp.text()
    return str((await resp.json())["error"])


@pytest.mark.parametrize(
    "path",
    [
        "/p/%00",
        "/p/%00/qr.png",
        "/b/%00/K1/hadir",
        "/b/bali-2023/K%001/hadir",
        "/api/v1/events/%00",
        "/api/v1/events/%00/batches",
        f"{API}/batches/K%001/scans",
        f"{API}/participants/%00/pass.png",
        f"{API}/participants?q=%00",
        f"{API}/participants?batch=%00",
        f"{API}/batches/K1/zoom/participants?q=%00",
        "/stream/%00/K1",
        "/dashboard/bali-2023/%00",
    ],
)
async def test_a_nul_in_the_path_or_query_is_400(
    client: TestClient, tokens: dict[str, str], path: str
) -> None:
    await seed_door(client, tokens["organiser"])
    resp = await client.get(path, headers=bearer(tokens["organiser"]))
    assert resp.status == 400, await resp.text()
    if resp.content_type == "application/json":
        assert (await resp.json())["error"] == "bad_text"


@pytest.mark.parametrize("bad", ["\x00", "\ud800", "Gate\x001", "\udc00Gate"])
async def test_a_nul_or_lone_surrogate_in_a_json_string_is_400_and_stores_nothing(
    client: TestClient, tokens: dict[str, str], db_url: str, bad: str
) -> None:
    await seed_door(client, tokens["organiser"])
    body = {"participant_nip": SUDARMA, **door_fields(station=bad)}
    resp = await client.post(
        f"{API}/batches/K1/checkins",
        data=json.dumps(body),
        headers={**bearer(tokens["staff"]), "Content-Type": "application/json"},
    )
    assert (resp.status, await error_of(resp)) == (400, "bad_text")
    resp = await client.post(
        "/api/v1/events",
        data=json.dumps({**EVENT, "slug": "x", "name": bad}),
        headers={**bearer(tokens["organiser"]), "Content-Type": "application/json"},
    )
    assert (resp.status, await error_of(resp)) == (400, "bad_text")
    # keys count too
    resp = await client.post(
        "/api/v1/events",
        data=json.dumps({**EVENT, "slug": "y", bad: 1}),
        headers={**bearer(tokens["organiser"]), "Content-Type": "application/json"},
    )
    assert (resp.status, await error_of(resp)) == (400, "bad_text")
    assert await stored(db_url, CheckIn) == []
    assert [e.slug for e in await stored(db_url, Event)] == [SLUG]


@pytest.mark.parametrize("participant_id", [2**31, 2**63, 10**30, -(2**31) - 1, -1, 0, 2147483648.0, 1e300])
async def test_a_participant_id_past_32_bits_or_below_one_is_4xx(
    client: TestClient, tokens: dict[str, str], db_url: str, participant_id: float
) -> None:
    await seed_door(client, tokens["organiser"])
    body = {"participant_id": participant_id, **door_fields()}
    resp = await client.post(f"{API}/batches/K1/checkins", json=body, headers=bearer(tokens["staff"]))
    assert resp.status in (400, 422), await resp.text()
    assert await error_of(resp) in ("bad_json", "invalid")
    assert await stored(db_url, CheckIn) == []


async def test_a_number_of_thousands_of_digits_is_400(client: TestClient, tokens: dict[str, str]) -> None:
    await seed_door(client, tokens["organiser"])
    body = '{"participant_id": ' + "9" * 5000 + "}"
    resp = await client.post(
        f"{API}/batches/K1/checkins",
        data=body,
        headers={**bearer(tokens["staff"]), "Content-Type": "application/json"},
    )
    assert (resp.status, await error_of(resp)) == (400, "bad_json")


@pytest.mark.parametrize("when", EDGE_TIMES)
async def test_a_time_outside_the_calendar_once_in_utc_is_422(
    client: TestClient, tokens: dict[str, str], db_url: str, when: str
) -> None:
    await seed_door(client, tokens["organiser"])
    for field in ("starts_at", "ends_at"):
        resp = await client.post(
            f"{API}/batches", json={**batch_body("K9"), field: when}, headers=bearer(tokens["organiser"])
        )
        assert (resp.status, await error_of(resp)) == (422, "invalid"), field
    body = {"participant_nip": SUDARMA, **door_fields(scanned_at=when)}
    resp = await client.post(f"{API}/batches/K1/checkins", json=body, headers=bearer(tokens["staff"]))
    assert (resp.status, await error_of(resp)) == (422, "invalid")
    body = {"code": "KODE", "opens_at": when, "closes_at": "2023-08-21T10:00:00+08:00"}
    resp = await client.post(f"{API}/batches/K1/checkpoints", json=body, headers=bearer(tokens["moderator"]))
    assert (resp.status, await error_of(resp)) == (422, "invalid")
    assert await stored(db_url, CheckIn) == []


@pytest.mark.parametrize("opening", ["[", '{"a":'])
async def test_json_nested_thousands_deep_is_400(
    client: TestClient, tokens: dict[str, str], opening: str
) -> None:
    closing = "]" if opening == "[" else "}"
    body = opening * 5000 + "1" + closing * 5000
    resp = await client.post(
        "/api/v1/events",
        data=body,
        headers={**bearer(tokens["organiser"]), "Content-Type": "application/json"},
    )
    assert (resp.status, await error_of(resp)) == (400, "bad_json")


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
async def test_json_constants_that_are_not_json_are_400(
    client: TestClient, tokens: dict[str, str], constant: str
) -> None:
    await seed_door(client, tokens["organiser"])
    body = json.dumps(door_fields())[:-1] + f', "participant_id": {constant}}}'
    resp = await client.post(
        f"{API}/batches/K1/checkins",
        data=body,
        headers={**bearer(tokens["staff"]), "Content-Type": "application/json"},
    )
    assert (resp.status, await error_of(resp)) == (400, "bad_json")


async def test_a_nul_in_the_login_name_is_400(client: TestClient) -> None:
    page = await client.get("/login")
    assert page.status == 200
    csrf = client.session.cookie_jar.filter_cookies(client.make_url("/"))["eventops_csrf"].value
    resp = await client.post(
        "/login", data={"name": "panitia\x00", "password": "x", "csrf": csrf}, allow_redirects=False
    )
    assert resp.status == 400


async def test_a_nul_in_the_public_form_is_400(client: TestClient, tokens: dict[str, str]) -> None:
    await seed_door(client, tokens["organiser"])
    page = await client.get("/b/bali-2023/K1/hadir")
    assert page.status == 200
    csrf = client.session.cookie_jar.filter_cookies(client.make_url("/"))["eventops_csrf"].value
    resp = await client.post("/b/bali-2023/K1/hadir", data={"nip": SUDARMA, "code": "K\x00", "csrf": csrf})
    assert resp.status == 400


@pytest.mark.parametrize("path", [f"{API}/roster", f"/events/{SLUG}/roster"])
async def test_a_multipart_part_with_a_malformed_header_is_400(
    client: TestClient, tokens: dict[str, str], path: str
) -> None:
    """A control character in a part's header (found by the schemathesis run) was a 500."""
    await seed_door(client, tokens["organiser"])
    body = b'--XX\r\nContent-Disposition: form-data; name="\x1dfile"\r\n\r\nnip,nama\r\n--XX--\r\n'
    headers = {"Content-Type": "multipart/form-data; boundary=XX", **bearer(tokens["organiser"])}
    resp = await client.post(path, data=body, headers=headers)
    assert resp.status == 400
    if path.startswith("/api/"):
        assert await error_of(resp) == "bad_body"
