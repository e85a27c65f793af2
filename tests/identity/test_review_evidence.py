"""What a moderator sees to separate namesakes, the bulk bar's counts, accepting every sure item at once, and
the review page itself, over real HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from eventops.storage.models import OnlineSession
from tests.helpers import (
    ReviewWorld,
    add_connections,
    bearer,
    checkin,
    connection,
    db_session,
    seed_review,
    stored,
    wita,
)

BATCH = "/api/v1/events/bali-2023/batches/K1/review"


@pytest.fixture
async def world(db_url: str) -> ReviewWorld:
    """The Bali event with K1, K2 and the review roster."""
    return await seed_review(db_url)


async def _queue(db_url: str, world: ReviewWorld) -> dict[str, int]:
    """Namesakes (one at the venue, one already on Zoom by email), a sure name, a far name, two devices."""
    async with db_session(db_url) as session:
        session.add(checkin(world.k1, world.ids["wirawan_a"], wita(21, 7, 50)))
        await session.commit()
    ids = await add_connections(
        db_url,
        connection(world.k1, "w", "Ketut Wirawan", wita(21, 8), minutes=200),
        connection(world.k1, "a", "I Made Sudarmaja", wita(21, 8), minutes=60),
        connection(world.k1, "d", "Budi Santosa", wita(21, 8), minutes=20),
        connection(world.k1, "e", "Galaxy A12", wita(21, 8), minutes=100),
        connection(world.k1, "h", "Admin", wita(21, 8), minutes=5),
        connection(
            world.k1,
            "x",
            "laptop kantor",
            wita(21, 8),
            30,
            "kw@bali.go.id",
            world.ids["wirawan_b"],
            "email",
            "matched",
        ),
    )
    return dict(zip("wadehx", ids, strict=True))


async def _people(client: TestClient, token: str) -> Any:
    resp = await client.get(f"{BATCH}/people", headers=bearer(token))
    assert resp.status == 200, await resp.text()
    return await resp.json()


async def test_each_candidate_carries_what_separates_namesakes(
    client: TestClient, tokens: dict[str, str], db_url: str, world: ReviewWorld
) -> None:
    ids = await _queue(db_url, world)
    body = await _people(client, tokens["moderator"])
    [item] = [i for g in body["groups"] for i in g["items"] if i["id"] == ids["w"]]
    seen = {
        s["participant_ref"]: (s["unit"], s["mode"], s["checked_in"], s["zoom_connections"], s["zoom_strong"])
        for s in item["suggestions"]
    }
    assert seen == {
        world.ids["wirawan_a"]: ("Dinas Kesehatan", "online", True, 0, False),  # in the ballroom already
        world.ids["wirawan_b"]: ("Dinas Pariwisata", "online", False, 1, True),  # on Zoom by email already
    }
    # the bulk bar counts the whole queue: two names with one compatible candidate, two devices, the namesakes
    assert body["bulk"] == {"one_candidate": 2, "dismissable": {"device_name": 2, "homonym": 1}}


async def test_accepting_all_resolves_every_item_with_one_candidate_and_leaves_the_rest(
    client: TestClient, tokens: dict[str, str], db_url: str, world: ReviewWorld
) -> None:
    ids = await _queue(db_url, world)
    resp = await client.post(f"{BATCH}/accept", json={"all": True}, headers=bearer(tokens["moderator"]))
    body = await resp.json()
    assert resp.status == 200, body
    assert sorted((d["id"], d["participant"]["participant_ref"]) for d in body["decided"]) == sorted(
        [(ids["a"], world.ids["sudarma"]), (ids["d"], world.ids["budi"])]
    )
    states = {
        r.connection_key: (r.review_state, r.participant_id) for r in await stored(db_url, OnlineSession)
    }
    assert states["a"] == ("resolved", world.ids["sudarma"])
    assert states["w"] == ("pending", None)  # namesakes: a moderator picks
    assert states["e"] == ("pending", None)
    after = await _people(client, tokens["moderator"])
    assert after["bulk"]["one_candidate"] == 0 and after["items_total"] == 3


@pytest.mark.parametrize("body", [{"all": False}, {"all": True, "ids": [1]}, {"all": "yes"}])
async def test_accept_takes_ids_or_all_never_both(
    client: TestClient, tokens: dict[str, str], db_url: str, world: ReviewWorld, body: Any
) -> None:
    await _queue(db_url, world)
    resp = await client.post(f"{BATCH}/accept", json=body, headers=bearer(tokens["moderator"]))
    assert (resp.status, (await resp.json())["error"]) == (422, "invalid")
    assert {r.review_state for r in await stored(db_url, OnlineSession) if r.connection_key != "x"} == {
        "pending"
    }


async def test_the_review_page_is_for_moderators_and_links_from_the_dashboard(
    client: TestClient, tokens: dict[str, str], world: ReviewWorld
) -> None:
    page = "/dashboard/bali-2023/K1/review"
    resp = await client.get(page, headers=bearer(tokens["moderator"]))
    html = await resp.text()
    assert resp.status == 200, html
    assert 'data-api="/api/v1/events/bali-2023/batches/K1"' in html
    assert "review.js" in html and "api.js" in html
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
    for key in ("<kbd>j</kbd>", "<kbd>d</kbd>", 'id="accept-all"', 'id="dismiss-devices"'):
        assert key in html
    dashboard = await (
        await client.get("/dashboard/bali-2023/K1", headers=bearer(tokens["moderator"]))
    ).text()
    assert f'href="{page}"' in dashboard
    assert (await client.get(page, headers=bearer(tokens["staff"]))).status == 403
    assert (
        await client.get("/dashboard/bali-2023/K9/review", headers=bearer(tokens["moderator"]))
    ).status == 404
    stranger = await client.get(page, allow_redirects=False)
    assert stranger.status in (302, 303) and "/login" in stranger.headers["Location"]
