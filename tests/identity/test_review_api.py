"""The matching and review-queue API over real HTTP: shapes, masking, decisions, errors and roles."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from eventops.roster.nip import mask_nip
from eventops.storage.models import OnlineSession
from tests.helpers import ReviewWorld, add_connections, bearer, connection, seed_review, stored, wita

BATCH = "/api/v1/events/bali-2023/batches"


@pytest.fixture
async def world(db_url: str) -> ReviewWorld:
    """The Bali event with K1, K2 and the review roster."""
    return await seed_review(db_url)


async def _queue(client: TestClient, token: str, code: str = "K1") -> tuple[int, Any]:
    resp = await client.get(f"{BATCH}/{code}/review", headers=bearer(token))
    return resp.status, await resp.json()


async def _decide(
    client: TestClient, token: str, item: int | str, body: Any, code: str = "K1"
) -> tuple[int, Any]:
    resp = await client.post(f"{BATCH}/{code}/review/{item}", json=body, headers=bearer(token))
    return resp.status, await resp.json()


async def test_match_answers_counts_by_method_and_reason(
    client: TestClient, tokens: dict[str, str], db_url: str, world: ReviewWorld
) -> None:
    await add_connections(
        db_url,
        connection(world.k1, "a", "budi santoso", wita(21, 8)),
        connection(world.k1, "b", "budi santoso", wita(21, 9)),
        connection(world.k1, "c", "Ketut Wirawan", wita(21, 8)),
        connection(world.k1, "d", "iPhone", wita(21, 8)),
    )
    resp = await client.post(f"{BATCH}/K1/match", headers=bearer(tokens["moderator"]))
    assert resp.status == 200, await resp.text()
    assert await resp.json() == {
        "event": "bali-2023",
        "batch": "K1",
        "connections": 4,
        "groups": 3,
        "matched": 2,
        "methods": {"fuzzy": 2},
        "reasons": {"device_name": 1, "homonym": 1},
    }


async def test_the_queue_shows_groups_with_masked_suggestions(
    client: TestClient, tokens: dict[str, str], db_url: str, world: ReviewWorld
) -> None:
    ids = await add_connections(
        db_url,
        connection(world.k1, "a", "Ketut Wirawan", wita(21, 8), minutes=120),
        connection(world.k1, "b", "Ketut Wirawan", wita(21, 9), minutes=30, email="kw@example.id"),
        connection(world.k1, "c", "budi santoso", wita(21, 8)),  # matched by the queue's own run
    )
    status, body = await _queue(client, tokens["moderator"])
    assert status == 200, body
    assert (body["event"], body["batch"], body["total"]) == ("bali-2023", "K1", 1)
    [item] = body["items"]
    suggestions = item.pop("suggestions")
    assert item == {
        "id": ids[0],
        "display_name": "Ketut Wirawan",
        "email": "kw@example.id",
        "connections": 2,
        "first_joined": "2023-08-21T08:00:00+08:00",  # in the event's zone (WITA)
        "minutes": 120,
        "reason": "homonym",
        "one_candidate": None,  # two namesakes: nothing to accept in bulk
        "matched_ref": None,
    }
    expected = sorted(
        (
            {
                "participant_ref": world.ids[label],
                "participant_nip_masked": mask_nip(world.nips[label]),
                "name": "Ketut Wirawan",
                "agency": agency,
                "unit": unit,
                "mode": "online",
                "score": 100.0,
                "checked_in": False,
                "zoom_connections": 0,
                "zoom_strong": False,
            }
            for label, agency, unit in (
                ("wirawan_a", "Pemerintah Provinsi Bali", "Dinas Kesehatan"),
                ("wirawan_b", "Pemerintah Kota Denpasar", "Dinas Pariwisata"),
            )
        ),
        key=lambda s: s["participant_ref"],
    )
    assert sorted(suggestions, key=lambda s: s["participant_ref"]) == expected
    text = str(body)
    assert world.nips["wirawan_a"] not in text and world.nips["wirawan_b"] not in text


async def test_hostile_display_names_come_back_as_plain_json_strings(
    client: TestClient, tokens: dict[str, str], db_url: str, world: ReviewWorld
) -> None:
    hostile = '</script><script>alert("x")</script>\'; DROP TABLE online_sessions;--'
    await add_connections(db_url, connection(world.k1, "a", hostile, wita(21, 8)))
    resp = await client.get(f"{BATCH}/K1/review", headers=bearer(tokens["moderator"]))
    assert resp.status == 200 and resp.content_type == "application/json"
    [item] = (await resp.json())["items"]
    assert item["display_name"] == hostile


async def test_resolving_by_nip_resolves_the_group_and_answers_what_it_did(
    client: TestClient, tokens: dict[str, str], db_url: str, world: ReviewWorld
) -> None:
    ids = await add_connections(
        db_url,
        connection(world.k1, "a", "Bunda Siti", wita(21, 8)),
        connection(world.k1, "b", "Bunda Siti", wita(21, 10)),
    )
    status, body = await _decide(client, tokens["moderator"], ids[0], {"participant_nip": world.nips["siti"]})
    assert status == 200, body
    assert body == {
        "id": ids[0],
        "display_name": "Bunda Siti",
        "state": "resolved",
        "connections": 2,
        "participant": {
            "participant_ref": world.ids["siti"],
            "participant_nip_masked": mask_nip(world.nips["siti"]),
            "name": "Siti Nurhaliza",
            "agency": "Pemerintah Kota Denpasar",
        },
        "alias": "bunda siti",
    }
    rows = await stored(db_url, OnlineSession)
    assert {(r.participant_id, r.match_method, r.review_state) for r in rows} == {
        (world.ids["siti"], "alias", "resolved")
    }
    assert (await _queue(client, tokens["moderator"]))[1]["items"] == []


async def test_resolving_by_reference_and_dismissing(
    client: TestClient, tokens: dict[str, str], db_url: str, world: ReviewWorld
) -> None:
    homonym, device = await add_connections(
        db_url,
        connection(world.k1, "a", "Ketut Wirawan", wita(21, 8)),
        connection(world.k1, "b", "Galaxy A12", wita(21, 8)),
    )
    _, queue = await _queue(client, tokens["moderator"])
    [item] = [i for i in queue["items"] if i["id"] == homonym]
    pick = item["suggestions"][1]["participant_ref"]
    status, body = await _decide(client, tokens["moderator"], homonym, {"participant_ref": pick})
    assert (status, body["state"], body["participant"]["participant_ref"]) == (200, "resolved", pick)
    status, body = await _decide(client, tokens["moderator"], device, {"dismiss": True})
    assert (status, body["state"], body["participant"], body["alias"]) == (200, "dismissed", None, None)
    rows = {r.connection_key: r for r in await stored(db_url, OnlineSession)}
    assert (rows["a"].participant_id, rows["b"].review_state) == (pick, "dismissed")


async def test_decision_errors(
    client: TestClient, tokens: dict[str, str], db_url: str, world: ReviewWorld
) -> None:
    [item] = await add_connections(db_url, connection(world.k1, "a", "Bunda Siti", wita(21, 8)))
    moderator = tokens["moderator"]
    cases = [
        (item, {"participant_nip": "199912312020121001"}, 404, "participant_not_found"),
        (item, {"participant_ref": 999_999}, 404, "participant_not_found"),
        (item, {"participant_nip": world.nips["dewi"]}, 422, "wrong_batch"),
        (999_999, {"dismiss": True}, 404, "review_item_not_found"),
        ("abc", {"dismiss": True}, 404, "review_item_not_found"),
        ("99999999999999999999", {"dismiss": True}, 404, "review_item_not_found"),
        ("\u00b2", {"dismiss": True}, 404, "review_item_not_found"),
        (item, {"participant_ref": 2**40}, 422, "invalid"),
        (item, {}, 422, "invalid"),
        (item, {"dismiss": False}, 422, "invalid"),
        (item, {"dismiss": True, "participant_nip": world.nips["siti"]}, 422, "invalid"),
        (item, {"participant_ref": "x"}, 422, "invalid"),
    ]
    for target, body, status, code in cases:
        got_status, got = await _decide(client, moderator, target, body)
        assert (got_status, got["error"]) == (status, code), (body, got)
    status, body = await _decide(client, moderator, item, {"participant_nip": world.nips["dewi"]})
    assert "K2" in body["detail"]  # the service names the batch; `message` is the code's sentence
    assert (await _decide(client, moderator, item, {"dismiss": True}))[0] == 200
    status, body = await _decide(client, moderator, item, {"participant_nip": world.nips["siti"]})
    assert (status, body["error"]) == (409, "already_decided")
    resp = await client.post(f"{BATCH}/K1/review/{item}", data=b"{not json", headers=bearer(moderator))
    assert resp.status == 400
    resp = await client.get(f"{BATCH}/K9/review", headers=bearer(moderator))
    assert (resp.status, (await resp.json())["error"]) == (404, "batch_not_found")


async def test_staff_and_strangers_are_refused(
    client: TestClient, tokens: dict[str, str], db_url: str, world: ReviewWorld
) -> None:
    [item] = await add_connections(db_url, connection(world.k1, "a", "Bunda Siti", wita(21, 8)))
    calls = [
        ("GET", f"{BATCH}/K1/review", None),
        ("POST", f"{BATCH}/K1/review/{item}", {"dismiss": True}),
        ("POST", f"{BATCH}/K1/match", None),
    ]
    for method, url, body in calls:
        resp = await client.request(method, url, json=body, headers=bearer(tokens["staff"]))
        assert (resp.status, (await resp.json())["error"]) == (403, "forbidden"), url
        resp = await client.request(method, url, json=body)
        assert resp.status == 401, url
    assert {r.review_state for r in await stored(db_url, OnlineSession)} == {"pending"}
    resp = await client.get(f"{BATCH}/K1/review", headers=bearer(tokens["organiser"]))
    assert resp.status == 200


async def test_the_queue_is_paged_most_minutes_first(
    client: TestClient, tokens: dict[str, str], db_url: str, world: ReviewWorld
) -> None:
    await add_connections(
        db_url,
        connection(world.k1, "a", "iPhone", wita(21, 8), minutes=10),
        connection(world.k1, "b", "Galaxy A12", wita(21, 8), minutes=90),
        connection(world.k1, "c", "Ketut Wirawan", wita(21, 8), minutes=40),
    )
    pages = []
    for offset in (0, 2):
        resp = await client.get(
            f"{BATCH}/K1/review",
            params={"limit": "2", "offset": str(offset)},
            headers=bearer(tokens["moderator"]),
        )
        body = await resp.json()
        assert body["total"] == 3
        pages.append([(i["display_name"], i["minutes"]) for i in body["items"]])
    assert pages == [[("Galaxy A12", 90), ("Ketut Wirawan", 40)], [("iPhone", 10)]]
