"""The review queue a moderator can finish, over real HTTP: grouped by suggested person, paged, the one
candidate of several items accepted at once, devices and namesakes dismissed in bulk; each decision audited, a
resolved name an alias."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from eventops.roster.nip import mask_nip
from eventops.storage.models import Alias, AuditEntry, OnlineSession
from tests.helpers import ReviewWorld, add_connections, bearer, connection, seed_review, stored, wita

BATCH = "/api/v1/events/bali-2023/batches/K1/review"


@pytest.fixture
async def world(db_url: str) -> ReviewWorld:
    """The Bali event with K1, K2 and the review roster."""
    return await seed_review(db_url)


async def _get(client: TestClient, token: str, **params: str) -> tuple[int, Any]:
    resp = await client.get(f"{BATCH}/people", params=params, headers=bearer(token))
    return resp.status, await resp.json()


async def _post(client: TestClient, token: str, action: str, body: Any) -> tuple[int, Any]:
    resp = await client.post(f"{BATCH}/{action}", json=body, headers=bearer(token))
    return resp.status, await resp.json()


async def _queue_of_all_kinds(db_url: str, world: ReviewWorld) -> dict[str, int]:
    """Pending connections: two names of one person, namesakes, a far name, devices; item ids by label."""
    ids = await add_connections(
        db_url,
        connection(world.k1, "a", "I Made Sudarmaja", wita(21, 8), minutes=60),  # close to I Made Sudarma
        connection(world.k1, "b", "made sudarmaya", wita(21, 9), minutes=50),
        connection(world.k1, "c", "Ketut Wirawan", wita(21, 8), minutes=200),  # two namesakes
        connection(world.k1, "d", "Budi Santosa", wita(21, 8), minutes=20),  # far, one compatible candidate
        connection(world.k1, "e", "Galaxy A12", wita(21, 8), minutes=100),
        connection(world.k1, "f", "Galaxy A12", wita(21, 10), minutes=10),
        connection(world.k1, "g", "Zoom user", wita(21, 8), minutes=5),
        connection(world.k1, "h", "Admin", wita(21, 8), minutes=5),
    )
    return dict(zip("abcdefgh", ids, strict=True))


async def test_the_queue_groups_the_names_of_one_suggested_person_most_minutes_first(
    client: TestClient, tokens: dict[str, str], db_url: str, world: ReviewWorld
) -> None:
    ids = await _queue_of_all_kinds(db_url, world)
    status, body = await _get(client, tokens["moderator"])
    assert status == 200, body
    assert (body["event"], body["batch"], body["total"], body["items_total"]) == ("bali-2023", "K1", 4, 7)
    groups = [
        (
            g["person"]["participant_ref"] if g["person"] else g["reason"],
            g["minutes"],
            [i["id"] for i in g["items"]],
        )
        for g in body["groups"]
    ]
    wirawan = body["groups"][0]["person"]["participant_ref"]
    assert wirawan in (world.ids["wirawan_a"], world.ids["wirawan_b"])
    assert groups == [
        (wirawan, 200, [ids["c"]]),
        ("device_name", 120, [ids["e"], ids["g"], ids["h"]]),
        (world.ids["sudarma"], 110, [ids["a"], ids["b"]]),  # both names of one person, side by side
        (world.ids["budi"], 20, [ids["d"]]),
    ]
    sudarma = body["groups"][2]
    assert sudarma["person"]["participant_nip_masked"] == mask_nip(world.nips["sudarma"])
    assert world.nips["sudarma"] not in str(body)
    assert [i["one_candidate"] for i in sudarma["items"]] == [world.ids["sudarma"]] * 2
    assert body["groups"][0]["items"][0]["one_candidate"] is None


async def test_the_queue_by_person_is_paged_by_groups(
    client: TestClient, tokens: dict[str, str], db_url: str, world: ReviewWorld
) -> None:
    await _queue_of_all_kinds(db_url, world)
    _, first = await _get(client, tokens["moderator"], limit="2")
    _, second = await _get(client, tokens["moderator"], limit="2", offset="2")
    assert first["total"] == second["total"] == 4
    names = [[i["display_name"] for g in page["groups"] for i in g["items"]] for page in (first, second)]
    assert names == [
        ["Ketut Wirawan", "Galaxy A12", "Zoom user", "Admin"],
        ["I Made Sudarmaja", "made sudarmaya", "Budi Santosa"],
    ]
    status, body = await _get(client, tokens["moderator"], limit="x")
    assert (status, body["error"]) == (400, "bad_query")


async def test_accepting_several_resolves_each_to_its_one_candidate_and_remembers_the_aliases(
    client: TestClient, tokens: dict[str, str], db_url: str, world: ReviewWorld
) -> None:
    ids = await _queue_of_all_kinds(db_url, world)
    chosen = [ids["a"], ids["b"], ids["d"], ids["c"], ids["e"], 999_999]
    status, body = await _post(client, tokens["moderator"], "accept", {"ids": chosen})
    assert status == 200, body
    decided = [
        (d["id"], d["state"], d["connections"], d["participant"]["participant_ref"], d["alias"])
        for d in body["decided"]
    ]
    assert decided == [
        (ids["a"], "resolved", 1, world.ids["sudarma"], "i made sudarmaya"),
        (ids["b"], "resolved", 1, world.ids["sudarma"], "made sudarmaya"),
        (ids["d"], "resolved", 1, world.ids["budi"], "budi santosa"),
    ]
    assert body["skipped"] == [
        {"id": ids["c"], "error": "not_one_candidate"},  # namesakes: a moderator picks one by hand
        {"id": ids["e"], "error": "not_one_candidate"},  # a device: nobody to accept
        {"id": 999_999, "error": "review_item_not_found"},
    ]
    rows = {r.connection_key: r for r in await stored(db_url, OnlineSession)}
    assert {k: (rows[k].participant_id, rows[k].match_method, rows[k].review_state) for k in "abd"} == {
        "a": (world.ids["sudarma"], "alias", "resolved"),
        "b": (world.ids["sudarma"], "alias", "resolved"),
        "d": (world.ids["budi"], "alias", "resolved"),
    }
    assert {k: rows[k].review_state for k in "ce"} == {"c": "pending", "e": "pending"}
    aliases = {a.key: a.participant_id for a in await stored(db_url, Alias)}
    assert aliases == {
        "i made sudarmaya": world.ids["sudarma"],
        "made sudarmaya": world.ids["sudarma"],
        "budi santosa": world.ids["budi"],
    }
    audit = [(a.action, a.actor) for a in await stored(db_url, AuditEntry) if a.action.startswith("review.")]
    assert audit == [("review.resolve", "test-moderator")] * 3
    again = await _post(client, tokens["moderator"], "accept", {"ids": [ids["a"]]})
    assert again == (200, {"decided": [], "skipped": [{"id": ids["a"], "error": "already_decided"}]})


async def test_device_names_are_dismissed_in_bulk_and_remembered_for_nobody(
    client: TestClient, tokens: dict[str, str], db_url: str, world: ReviewWorld
) -> None:
    ids = await _queue_of_all_kinds(db_url, world)
    status, body = await _post(client, tokens["moderator"], "dismiss", {"reason": "device_name"})
    assert status == 200, body
    assert sorted((d["display_name"], d["state"], d["connections"]) for d in body["decided"]) == [
        ("Admin", "dismissed", 1),
        ("Galaxy A12", "dismissed", 2),
        ("Zoom user", "dismissed", 1),
    ]
    assert body["skipped"] == []
    states = {r.connection_key: r.review_state for r in await stored(db_url, OnlineSession)}
    assert states == dict.fromkeys("abcd", "pending") | dict.fromkeys("efgh", "dismissed")
    assert await stored(db_url, Alias) == []
    _, left = await _get(client, tokens["moderator"])
    assert [g["reason"] for g in left["groups"]] == [None, None, None]
    status, body = await _post(client, tokens["moderator"], "dismiss", {"ids": [ids["d"], ids["e"]]})
    assert [d["display_name"] for d in body["decided"]] == ["Budi Santosa"]
    assert body["skipped"] == [{"id": ids["e"], "error": "already_decided"}]


async def test_namesakes_nothing_separates_are_a_bulk_group_kept_by_person_and_dismissed_at_once(
    client: TestClient, tokens: dict[str, str], db_url: str, world: ReviewWorld
) -> None:
    ids = await _queue_of_all_kinds(db_url, world)  # "Ketut Wirawan": two roster people of that very name
    _, queue = await _get(client, tokens["moderator"])
    assert queue["bulk"]["dismissable"] == {"device_name": 3, "homonym": 1}
    [namesakes] = [g for g in queue["groups"] if any(i["id"] == ids["c"] for i in g["items"])]
    assert (namesakes["reason"], [i["reason"] for i in namesakes["items"]]) == (None, ["homonym"])
    assert namesakes["person"]["participant_ref"] in (world.ids["wirawan_a"], world.ids["wirawan_b"])
    candidates = {s["participant_ref"] for s in namesakes["items"][0]["suggestions"]}
    assert candidates == {world.ids["wirawan_a"], world.ids["wirawan_b"]}  # each with its evidence, to pick

    status, body = await _post(client, tokens["moderator"], "dismiss", {"reason": "homonym"})
    assert status == 200, body
    decided = [
        (d["id"], d["display_name"], d["state"], d["participant"], d["alias"]) for d in body["decided"]
    ]
    assert decided == [(ids["c"], "Ketut Wirawan", "dismissed", None, None)]
    assert body["skipped"] == []
    states = {r.connection_key: r.review_state for r in await stored(db_url, OnlineSession)}
    assert states == dict.fromkeys("abdefgh", "pending") | {"c": "dismissed"}
    assert await stored(db_url, Alias) == []
    audit = [(a.action, a.actor) for a in await stored(db_url, AuditEntry) if a.action.startswith("review.")]
    assert audit == [("review.dismiss", "test-moderator")]
    _, left = await _get(client, tokens["moderator"])
    assert left["bulk"]["dismissable"] == {"device_name": 3}
    assert "Ketut Wirawan" not in [i["display_name"] for g in left["groups"] for i in g["items"]]
    again = await _post(client, tokens["moderator"], "dismiss", {"reason": "homonym"})
    assert again == (200, {"decided": [], "skipped": []})


async def test_names_close_to_nobody_are_grouped_by_reason_and_dismissed_at_once(
    client: TestClient, tokens: dict[str, str], db_url: str, world: ReviewWorld
) -> None:
    ids = await add_connections(
        db_url,
        connection(world.k1, "x", "Yohanes Simatupang", wita(21, 8), minutes=90),  # a guest
        connection(world.k1, "y", "Theresia Lumempouw", wita(21, 9), minutes=30),
        connection(world.k1, "z", "I Made Sudarmaja", wita(21, 8), minutes=60),  # close to I Made Sudarma
    )
    _, queue = await _get(client, tokens["moderator"])
    assert queue["bulk"]["dismissable"] == {"low_score": 2}
    groups = [(g["reason"], [i["id"] for i in g["items"]]) for g in queue["groups"]]
    assert groups == [("low_score", [ids[0], ids[1]]), (None, [ids[2]])]
    status, body = await _post(client, tokens["moderator"], "dismiss", {"reason": "low_score"})
    assert status == 200, body
    assert [(d["display_name"], d["state"]) for d in body["decided"]] == [
        ("Yohanes Simatupang", "dismissed"),
        ("Theresia Lumempouw", "dismissed"),
    ]
    states = {r.connection_key: r.review_state for r in await stored(db_url, OnlineSession)}
    assert states == {"x": "dismissed", "y": "dismissed", "z": "pending"}
    assert await stored(db_url, Alias) == []


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("accept", {}),
        ("accept", {"ids": []}),
        ("accept", {"ids": [0]}),
        ("accept", {"ids": [2**40]}),
        ("accept", {"ids": ["x"]}),
        ("accept", {"ids": list(range(1, 502))}),
        ("accept", {"ids": [1], "dismiss": True}),
        ("dismiss", {}),
        ("dismiss", {"ids": [1], "reason": "device_name"}),
        ("dismiss", {"reason": "close_name"}),
        ("dismiss", {"reason": "presence"}),
    ],
)
async def test_bad_bulk_requests_are_refused_and_change_nothing(
    client: TestClient, tokens: dict[str, str], db_url: str, world: ReviewWorld, action: str, body: Any
) -> None:
    await _queue_of_all_kinds(db_url, world)
    status, answer = await _post(client, tokens["moderator"], action, body)
    assert (status, answer["error"]) == (422, "invalid"), answer
    assert {r.review_state for r in await stored(db_url, OnlineSession)} == {"pending"}


async def test_staff_and_strangers_cannot_decide_in_bulk(
    client: TestClient, tokens: dict[str, str], db_url: str, world: ReviewWorld
) -> None:
    ids = await _queue_of_all_kinds(db_url, world)
    calls = [
        ("GET", f"{BATCH}/people", None),
        ("POST", f"{BATCH}/accept", {"ids": [ids["a"]]}),
        ("POST", f"{BATCH}/dismiss", {"reason": "device_name"}),
    ]
    for method, url, body in calls:
        resp = await client.request(method, url, json=body, headers=bearer(tokens["staff"]))
        assert (resp.status, (await resp.json())["error"]) == (403, "forbidden"), url
        assert (await client.request(method, url, json=body)).status == 401, url
    assert {r.review_state for r in await stored(db_url, OnlineSession)} == {"pending"}
    resp = await client.post(f"{BATCH}/people", json={}, headers=bearer(tokens["moderator"]))
    assert resp.status in (404, 405)  # `people` is not an item id to decide
