"""Events and batches through the HTTP API."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from tests.helpers import EVENT, batch_body, bearer, create_event


async def test_create_event_returns_it(client: TestClient, tokens: dict[str, str]) -> None:
    resp = await client.post("/api/v1/events", json=EVENT, headers=bearer(tokens["organiser"]))
    assert resp.status == 201
    body = await resp.json()
    assert body["slug"] == EVENT["slug"] and body["timezone"] == "Asia/Makassar"


async def test_duplicate_event_slug_is_409(client: TestClient, tokens: dict[str, str]) -> None:
    await client.post("/api/v1/events", json=EVENT, headers=bearer(tokens["organiser"]))
    resp = await client.post("/api/v1/events", json=EVENT, headers=bearer(tokens["organiser"]))
    assert resp.status == 409
    assert (await resp.json())["error"] == "event_exists"


async def test_unknown_timezone_is_422(client: TestClient, tokens: dict[str, str]) -> None:
    resp = await client.post(
        "/api/v1/events", json={**EVENT, "timezone": "Asia/Bali"}, headers=bearer(tokens["organiser"])
    )
    assert resp.status == 422
    body = await resp.json()
    assert body["error"] == "invalid" and [e["field"] for e in body["errors"]] == ["timezone"]


async def test_bad_json_is_400_and_unknown_field_is_422(client: TestClient, tokens: dict[str, str]) -> None:
    resp = await client.post("/api/v1/events", data=b"{not json", headers=bearer(tokens["organiser"]))
    assert resp.status == 400 and (await resp.json())["error"] == "bad_json"
    resp = await client.post("/api/v1/events", json={**EVENT, "x": 1}, headers=bearer(tokens["organiser"]))
    assert resp.status == 422
    resp = await client.post("/api/v1/events", json=[1, 2], headers=bearer(tokens["organiser"]))
    assert resp.status == 400


async def test_batch_is_stored_in_utc_and_shown_in_event_zone(
    client: TestClient, tokens: dict[str, str]
) -> None:
    slug = await create_event(client, tokens["organiser"], batches=())
    body = batch_body("K1", starts_at="2023-08-21T00:00:00Z", ends_at="2023-08-21T04:00:00Z")
    resp = await client.post(f"/api/v1/events/{slug}/batches", json=body, headers=bearer(tokens["organiser"]))
    assert resp.status == 201, await resp.text()
    batch = await resp.json()
    assert batch["starts_at"] == "2023-08-21T08:00:00+08:00"
    assert batch["zoom_kind"] == "webinar"
    listed = await (
        await client.get(f"/api/v1/events/{slug}/batches", headers=bearer(tokens["staff"]))
    ).json()
    assert [b["code"] for b in listed["batches"]] == ["K1"]


async def test_batch_validation(client: TestClient, tokens: dict[str, str]) -> None:
    slug = await create_event(client, tokens["organiser"], batches=())
    url, headers = f"/api/v1/events/{slug}/batches", bearer(tokens["organiser"])
    cases = {
        "ends_at": batch_body(ends_at="2023-08-21T07:00:00+08:00"),
        "code": batch_body(code="K 1!"),
        "rules.online_min_minutes": batch_body(rules={"online_min_minutes": 500}),
    }
    for field, body in cases.items():
        resp = await client.post(url, json=body, headers=headers)
        assert resp.status == 422, field
        assert field in [e["field"] for e in (await resp.json())["errors"]]
    naive = batch_body(starts_at="2023-08-21T08:00:00")
    assert (await client.post(url, json=naive, headers=headers)).status == 422
    webinar_typo = batch_body(zoom_kind="webnar")
    assert (await client.post(url, json=webinar_typo, headers=headers)).status == 422


async def test_duplicate_batch_code_is_409(client: TestClient, tokens: dict[str, str]) -> None:
    slug = await create_event(client, tokens["organiser"], batches=("K1",))
    resp = await client.post(
        f"/api/v1/events/{slug}/batches", json=batch_body("K1"), headers=bearer(tokens["organiser"])
    )
    assert resp.status == 409 and (await resp.json())["error"] == "batch_exists"


async def test_batch_of_unknown_event_is_404(client: TestClient, tokens: dict[str, str]) -> None:
    resp = await client.post(
        "/api/v1/events/nope/batches", json=batch_body(), headers=bearer(tokens["organiser"])
    )
    assert resp.status == 404 and (await resp.json())["error"] == "event_not_found"


async def test_healthz(client: TestClient) -> None:
    resp = await client.get("/healthz")
    assert resp.status == 200 and await resp.json() == {"status": "ok"}


async def test_unknown_route_is_json_404(client: TestClient) -> None:
    resp = await client.get("/api/v1/nothing-here")
    assert resp.status == 404
    assert (await resp.json())["error"] == "not_found"
