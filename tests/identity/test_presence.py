"""Evidence beside the name: namesakes told apart by where they already are (checked in at the venue, on Zoom
by a strong identifier), shown to the moderator, and with EVENTOPS_MATCH_BY_PRESENCE=1 matched with the
`presence` method a moderator sees and may undo; lone words too little to identify, dismissed in bulk."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from eventops.app import create_app
from eventops.identity.matching import Connection, MatchReason, Presence, RosterEntry, RosterIndex
from eventops.settings import Settings
from eventops.storage.models import Alias, OnlineSession
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

BADUNG = "Pemerintah Kabupaten Badung"
BATCH = "/api/v1/events/bali-2023/batches/K1"


def entry(pid: int, name: str, unit: str = "Dinas Kesehatan") -> RosterEntry:
    """A roster entry of Badung."""
    return RosterEntry(pid, None, name, None, BADUNG, unit)


NAMESAKES = [
    entry(1, "I Made Sudarma"),
    entry(2, "I Made Sudarma, S.Kom.", "Dinas Pendidikan"),
    entry(3, "I Ketut Sudarma"),  # another birth order: never this person
    entry(4, "Budi Santoso"),
]


def decide(display: str, presence: Presence = Presence(), roster: list[RosterEntry] = NAMESAKES) -> Any:
    """The matcher's verdict on one display name."""
    return RosterIndex(roster).match(Connection(display), {}, presence)


def test_namesakes_stay_for_a_moderator_while_nobody_is_accounted_for() -> None:
    result = decide("Made Sudarma")
    assert (result.participant_id, result.reason) == (None, MatchReason.HOMONYM)
    assert {s.participant_id for s in result.suggestions} == {1, 2}


@pytest.mark.parametrize(
    ("presence", "expected"),
    [
        (Presence(checked_in=frozenset({1})), 2),  # 1 is in the ballroom
        (Presence(strong=frozenset({2})), 1),  # 2 is on Zoom under their email or registrant link
        (Presence(checked_in=frozenset({2, 3})), 1),  # 3 was never a candidate: another birth order
    ],
)
def test_the_only_namesake_not_accounted_for_is_matched_by_presence(
    presence: Presence, expected: int
) -> None:
    result = decide("Made Sudarma", presence)
    assert (result.participant_id, result.method) == (expected, "presence")
    # the namesakes it chose among stay with it: a moderator sees them and may decide otherwise
    assert {s.participant_id for s in result.suggestions} == {1, 2}


@pytest.mark.parametrize(
    "presence",
    [
        Presence(
            checked_in=frozenset({1}), strong=frozenset({2})
        ),  # both elsewhere: somebody's second device
        Presence(checked_in=frozenset({3, 4})),  # neither namesake accounted for
    ],
)
def test_presence_never_decides_when_none_or_all_namesakes_are_elsewhere(presence: Presence) -> None:
    result = decide("Made Sudarma", presence)
    assert (result.participant_id, result.reason) == (None, MatchReason.HOMONYM)


def test_presence_never_overrides_the_name() -> None:
    # a name that picks one person is decided by the name alone, whoever checked in (hybrid participants)
    ketut = decide("Ketut Sudarma", Presence(checked_in=frozenset({3})))
    assert (ketut.participant_id, ketut.method) == (3, "fuzzy")
    decided = decide("I Made Sudarma, S.Kom.", Presence(checked_in=frozenset({2})))
    assert (decided.participant_id, decided.method) == (2, "fuzzy")


@pytest.mark.parametrize("display", ["Ani", "ani", "Yan", "Dewi P."])
def test_a_lone_word_fitting_several_people_is_too_little_to_identify(display: str) -> None:
    roster = [
        entry(1, "Ani Ningsih, S.E."),
        entry(2, "Ani Rahmawati"),
        entry(3, "I Wayan Jana"),
        entry(4, "I Made Jana"),
        entry(5, "Dewi Astuti"),
        entry(6, "Ni Luh Made Dewi Pratiwi"),
    ]
    result = decide(display, roster=roster)
    assert (result.participant_id, result.reason) == (None, MatchReason.TOO_LITTLE)


def test_a_lone_word_with_more_beside_it_is_not_too_little() -> None:
    roster = [entry(1, "Ani Ningsih, S.E."), entry(2, "Ani Rahmawati", "Dinas Sosial")]
    for display in ("Ani Dinsos", "Ni Ani", "Ani, S.E."):
        assert decide(display, roster=roster).reason != MatchReason.TOO_LITTLE, display


# --- in the service -----------------------------------------------------------------------------------------


@pytest.fixture
async def world(db_url: str) -> ReviewWorld:
    """The Bali event with K1, K2 and the review roster (two `Ketut Wirawan` in K1)."""
    return await seed_review(db_url)


async def _one_namesake_at_the_door(db_url: str, world: ReviewWorld) -> int:
    """`Wirawan B` checked in at the venue, and a Zoom connection named `Ketut Wirawan`: its item id."""
    async with db_session(db_url) as session:
        session.add(checkin(world.k1, world.ids["wirawan_b"], wita(21, 7, 45)))
        await session.commit()
    [item] = await add_connections(db_url, connection(world.k1, "w", "Ketut Wirawan", wita(21, 8)))
    return item


async def test_by_default_presence_is_shown_to_the_moderator_not_decided(
    client: TestClient, tokens: dict[str, str], db_url: str, world: ReviewWorld
) -> None:
    item = await _one_namesake_at_the_door(db_url, world)
    moderator = bearer(tokens["moderator"])
    resp = await client.post(f"{BATCH}/match", headers=moderator)
    assert "presence" not in (await resp.json())["methods"]
    [row] = await stored(db_url, OnlineSession)
    assert (row.participant_id, row.review_state) == (None, "pending")
    queue = await (await client.get(f"{BATCH}/review/people", headers=moderator)).json()
    assert (queue["items_total"], queue["presence"]) == (1, 0)
    [listed] = [i for g in queue["groups"] for i in g["items"]]
    assert listed["id"] == item and listed["matched_ref"] is None
    seen = {s["participant_ref"]: s["checked_in"] for s in listed["suggestions"]}
    assert seen == {world.ids["wirawan_a"]: False, world.ids["wirawan_b"]: True}


async def test_a_namesake_matched_by_presence_is_listed_and_a_moderator_undoes_it(
    aiohttp_client: Any, settings: Settings, tokens: dict[str, str], db_url: str, world: ReviewWorld
) -> None:
    client = await aiohttp_client(create_app(replace(settings, match_by_presence=True)))
    item = await _one_namesake_at_the_door(db_url, world)
    moderator = bearer(tokens["moderator"])
    resp = await client.post(f"{BATCH}/match", headers=moderator)
    assert (await resp.json())["methods"] == {"presence": 1}
    [row] = await stored(db_url, OnlineSession)
    assert (row.participant_id, row.match_method, row.review_state) == (
        world.ids["wirawan_a"],
        "presence",
        "matched",
    )

    queue = await (await client.get(f"{BATCH}/review/people", headers=moderator)).json()
    assert (queue["items_total"], queue["presence"]) == (0, 1)
    checks = await (await client.get(f"{BATCH}/review/people?presence=1", headers=moderator)).json()
    [group] = checks["groups"]
    assert group["person"]["participant_ref"] == world.ids["wirawan_a"]
    [listed] = group["items"]
    assert (listed["id"], listed["matched_ref"]) == (item, world.ids["wirawan_a"])
    seen = {s["participant_ref"]: s["checked_in"] for s in listed["suggestions"]}
    assert seen == {world.ids["wirawan_a"]: False, world.ids["wirawan_b"]: True}

    # the moderator knows better: the one at the door went home and joined Zoom
    resp = await client.post(
        f"{BATCH}/review/{item}", json={"participant_ref": world.ids["wirawan_b"]}, headers=moderator
    )
    assert resp.status == 200, await resp.text()
    [row] = await stored(db_url, OnlineSession)
    assert (row.participant_id, row.match_method, row.review_state) == (
        world.ids["wirawan_b"],
        "alias",
        "resolved",
    )
    assert [(a.key, a.participant_id) for a in await stored(db_url, Alias)] == [
        ("ketut wirawan", world.ids["wirawan_b"])
    ]
    checks = await (await client.get(f"{BATCH}/review/people?presence=1", headers=moderator)).json()
    assert checks["groups"] == [] and checks["presence"] == 0
    again = await client.post(f"{BATCH}/review/{item}", json={"dismiss": True}, headers=moderator)
    assert (again.status, (await again.json())["error"]) == (409, "already_decided")


async def test_too_little_to_identify_is_its_own_bulk_group_and_dismissed_at_once(
    client: TestClient, tokens: dict[str, str], db_url: str, world: ReviewWorld
) -> None:
    rows = [
        connection(world.k1, "a", "Yan", wita(21, 8)),
        connection(world.k1, "b", "Ani", wita(21, 8)),
        connection(world.k1, "c", "Ketut Wirawan", wita(21, 8)),
    ]
    for row in rows[:2]:  # as the matcher leaves a lone word that fits several people
        row.match_reason = "too_little"
        row.suggestions = f"[[{world.ids['wirawan_a']}, 70.0], [{world.ids['budi']}, 66.0]]"
    ids = await add_connections(db_url, *rows)
    moderator = bearer(tokens["moderator"])
    queue = await (await client.get(f"{BATCH}/review/people", headers=moderator)).json()
    assert queue["bulk"]["dismissable"] == {"homonym": 1, "too_little": 2}  # the namesakes are their own
    little = [g for g in queue["groups"] if g["reason"] == "too_little"]
    assert [sorted(i["id"] for i in g["items"]) for g in little] == [ids[:2]]
    resp = await client.post(f"{BATCH}/review/dismiss", json={"reason": "too_little"}, headers=moderator)
    assert sorted(d["id"] for d in (await resp.json())["decided"]) == ids[:2]
    states = {r.connection_key: r.review_state for r in await stored(db_url, OnlineSession)}
    assert states == {"a": "dismissed", "b": "dismissed", "c": "pending"}
