"""Checkpoints through the HTTP API: create, validate, refuse duplicates, list with counts."""

from __future__ import annotations

from datetime import timedelta

from aiohttp.test_utils import TestClient

from tests.helpers import EVENT, bearer, create_event, open_checkpoint, wita

URL = f"/api/v1/events/{EVENT['slug']}/batches/K1/checkpoints"


async def test_a_moderator_opens_a_checkpoint(client: TestClient, tokens: dict[str, str]) -> None:
    await create_event(client, tokens["organiser"])
    resp = await open_checkpoint(client, tokens["moderator"], " ab12 ", wita(21, 9), wita(21, 9, 15))
    assert resp.status == 201, await resp.text()
    body = await resp.json()
    assert body == {
        "code": "AB12",
        "opens_at": "2023-08-21T09:00:00+08:00",
        "closes_at": "2023-08-21T09:15:00+08:00",
        "created_by": "test-moderator",
        "submissions": 0,
    }


async def test_a_code_is_unique_per_batch_whatever_its_case(
    client: TestClient, tokens: dict[str, str]
) -> None:
    await create_event(client, tokens["organiser"])
    moderator = tokens["moderator"]
    assert (await open_checkpoint(client, moderator, "4821", wita(21, 9), wita(21, 10))).status == 201
    assert (await open_checkpoint(client, moderator, "AB12", wita(21, 9), wita(21, 10))).status == 201
    again = await open_checkpoint(client, moderator, "ab12", wita(21, 11), wita(21, 12))
    assert again.status == 409 and (await again.json())["error"] == "checkpoint_exists"
    other_batch = await open_checkpoint(client, moderator, "AB12", wita(22, 9), wita(22, 10), batch="K2")
    assert other_batch.status == 201


async def test_bad_checkpoints_are_refused_field_by_field(client: TestClient, tokens: dict[str, str]) -> None:
    await create_event(client, tokens["organiser"])
    moderator = tokens["moderator"]
    for code in ("A", "AB-12", "kode rahasia", "<b>", "X" * 33, "٤٨٢١"):
        resp = await open_checkpoint(client, moderator, code, wita(21, 9), wita(21, 10))
        assert resp.status == 422, code
        assert [e["field"] for e in (await resp.json())["errors"]] == ["code"], code
    backwards = await open_checkpoint(client, moderator, "4821", wita(21, 10), wita(21, 9))
    assert backwards.status == 422
    assert [e["field"] for e in (await backwards.json())["errors"]] == ["closes_at"]
    naive = {"code": "4821", "opens_at": "2023-08-21T09:00:00", "closes_at": "2023-08-21T10:00:00"}
    resp = await client.post(URL, json=naive, headers=bearer(moderator))
    assert resp.status == 422
    assert {e["field"] for e in (await resp.json())["errors"]} == {"opens_at", "closes_at"}
    resp = await client.post(URL, data=b"{not json", headers=bearer(moderator))
    assert resp.status == 400


async def test_checkpoints_are_listed_in_time_order_with_their_submissions(
    client: TestClient, tokens: dict[str, str]
) -> None:
    await create_event(client, tokens["organiser"])
    moderator = tokens["moderator"]
    start = wita(21, 9)
    for i, code in enumerate(("LATE", "EARLY")):
        opens = start + timedelta(hours=1 - i)
        assert (
            await open_checkpoint(client, moderator, code, opens, opens + timedelta(minutes=15))
        ).status == 201
    resp = await client.get(URL, headers=bearer(moderator))
    assert resp.status == 200
    listed = (await resp.json())["checkpoints"]
    assert [(c["code"], c["submissions"]) for c in listed] == [("EARLY", 0), ("LATE", 0)]


async def test_an_unknown_batch_is_404(client: TestClient, tokens: dict[str, str]) -> None:
    await create_event(client, tokens["organiser"])
    resp = await client.get(URL.replace("K1", "K9"), headers=bearer(tokens["moderator"]))
    assert resp.status == 404 and (await resp.json())["error"] == "batch_not_found"
