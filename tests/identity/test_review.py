"""Identity matching in the service: pending Zoom connections matched to the roster, the queue, decisions."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from sqlmodel import select

from eventops.errors import Conflict, Invalid, NotFound
from eventops.identity.matching import alias_key
from eventops.identity.review import MatchRun, RosterIndexCache, match_pending
from eventops.identity.review_queue import Decision, ReviewQueue, decide, review_queue
from eventops.roster import importer as roster
from eventops.storage.models import Alias, AuditEntry, Batch, Event, OnlineSession
from tests.helpers import (
    ReviewWorld,
    add_connections,
    connection,
    db_session,
    review_roster,
    seed_review,
    stored,
    wita,
)


@pytest.fixture
async def world(db_url: str) -> ReviewWorld:
    """The Bali event with K1, K2 and the review roster."""
    return await seed_review(db_url)


async def _batch(db_url: str, batch_id: int) -> tuple[Event, Batch]:
    async with db_session(db_url) as session:
        batch = (await session.exec(select(Batch).where(Batch.id == batch_id))).one()
        event = (await session.exec(select(Event).where(Event.id == batch.event_id))).one()
    return event, batch


async def _match(db_url: str, batch_id: int, **kw: Any) -> MatchRun:
    _, batch = await _batch(db_url, batch_id)
    async with db_session(db_url) as session:
        return await match_pending(session, batch, **kw)


async def _queue(db_url: str, batch_id: int) -> ReviewQueue:
    _, batch = await _batch(db_url, batch_id)
    async with db_session(db_url) as session:
        return await review_queue(session, batch, now=wita(21 if batch.code == "K1" else 22, 12))


async def _decide(db_url: str, batch_id: int, item_id: int, **kw: Any) -> Decision:
    event, batch = await _batch(db_url, batch_id)
    async with db_session(db_url) as session:
        return await decide(session, event, batch, item_id, "mod-ayu", **kw)


async def _sessions(db_url: str) -> dict[str, OnlineSession]:
    return {s.connection_key: s for s in await stored(db_url, OnlineSession)}


async def test_clear_names_are_matched_by_fuzzy_name(db_url: str, world: ReviewWorld) -> None:
    await add_connections(
        db_url,
        connection(world.k1, "c1", "budi santoso", wita(21, 8)),
        connection(world.k1, "c2", "Md Sudarma_Diskominfo", wita(21, 8, 5)),
    )
    run = await _match(db_url, world.k1)
    assert (run.connections, run.groups, dict(run.methods), dict(run.reasons)) == (2, 2, {"fuzzy": 2}, {})
    found = await _sessions(db_url)
    assert [(s.participant_id, s.match_method, s.review_state) for s in found.values()] == [
        (world.ids["budi"], "fuzzy", "matched"),
        (world.ids["sudarma"], "fuzzy", "matched"),
    ]
    assert all(s.match_score == 1.0 and s.match_reason is None for s in found.values())


async def test_a_name_seen_many_times_is_matched_once_for_all(db_url: str, world: ReviewWorld) -> None:
    await add_connections(
        db_url, *(connection(world.k1, f"c{i}", "Budi Santoso", wita(21, 8, i)) for i in range(20))
    )
    run = await _match(db_url, world.k1)
    assert (run.connections, run.groups, run.matched) == (20, 1, 20)
    assert {s.participant_id for s in (await _sessions(db_url)).values()} == {world.ids["budi"]}


async def test_connections_matched_at_ingest_are_untouched(db_url: str, world: ReviewWorld) -> None:
    # The name says Budi, but the registrant id and the email said Sudarma: the exact rules decided.
    await add_connections(
        db_url,
        connection(
            world.k1,
            "r",
            "Budi Santoso",
            wita(21, 8),
            participant_id=world.ids["sudarma"],
            method="registrant",
        ),
        connection(
            world.k1,
            "e",
            "Budi Santoso",
            wita(21, 8),
            participant_id=world.ids["sudarma"],
            method="email",
            state="matched",
        ),
    )
    run = await _match(db_url, world.k1)
    assert run.connections == 0
    found = await _sessions(db_url)
    assert [(s.participant_id, s.match_method) for s in found.values()] == [
        (world.ids["sudarma"], "registrant"),
        (world.ids["sudarma"], "email"),
    ]


async def test_an_email_added_to_the_roster_later_matches_a_pending_connection(
    db_url: str, world: ReviewWorld
) -> None:
    await add_connections(
        db_url, connection(world.k1, "c", "Tablet Kantor", wita(21, 8), email="MADE@bali.go.id")
    )
    run = await _match(db_url, world.k1)
    assert dict(run.methods) == {"email": 1}
    assert (await _sessions(db_url))["c"].participant_id == world.ids["sudarma"]


async def test_namesakes_go_to_review_with_both_suggested(db_url: str, world: ReviewWorld) -> None:
    await add_connections(db_url, connection(world.k1, "c", "Ketut Wirawan", wita(21, 8)))
    run = await _match(db_url, world.k1)
    assert (run.matched, dict(run.reasons)) == (0, {"homonym": 1})
    session = (await _sessions(db_url))["c"]
    assert (session.participant_id, session.review_state, session.match_reason) == (
        None,
        "pending",
        "homonym",
    )
    [item] = (await _queue(db_url, world.k1)).items
    assert item.reason == "homonym"
    assert {s.participant.id for s in item.suggestions} == {world.ids["wirawan_a"], world.ids["wirawan_b"]}
    assert all(s.score == 100.0 for s in item.suggestions)


@pytest.mark.parametrize("device", ["iPhone", "Galaxy A12"])
async def test_device_names_go_to_review(db_url: str, world: ReviewWorld, device: str) -> None:
    await add_connections(db_url, connection(world.k1, "c", device, wita(21, 8)))
    run = await _match(db_url, world.k1)
    assert dict(run.reasons) == {"device_name": 1}
    [item] = (await _queue(db_url, world.k1)).items
    assert (item.display_name, item.reason, item.suggestions) == (device, "device_name", ())


async def test_decided_connections_are_never_overwritten(db_url: str, world: ReviewWorld) -> None:
    await add_connections(
        db_url,
        connection(world.k1, "d", "Budi Santoso", wita(21, 8), state="dismissed"),
        connection(
            world.k1,
            "r",
            "Budi Santoso",
            wita(21, 8),
            participant_id=world.ids["lestari"],
            method="alias",
            state="resolved",
        ),
    )
    run = await _match(db_url, world.k1)
    assert run.connections == 0
    found = await _sessions(db_url)
    assert (found["d"].review_state, found["d"].participant_id) == ("dismissed", None)
    assert (found["r"].review_state, found["r"].participant_id) == ("resolved", world.ids["lestari"])


async def test_the_queue_groups_connections_by_display_name(db_url: str, world: ReviewWorld) -> None:
    ids = await add_connections(
        db_url,
        connection(world.k1, "a", "Ketut Wirawan", wita(21, 8, 30), minutes=60),  # 08.30-09.30
        connection(world.k1, "b", "Ketut Wirawan", wita(21, 9), minutes=60),  # 09.00-10.00: overlaps
        connection(world.k1, "c", "Ketut Wirawan", wita(21, 11, 50), minutes=None),  # still open at 12.00
        connection(world.k1, "d", "iPhone", wita(21, 7, 30), minutes=45, email="x@y.id"),  # 15 min in window
    )
    queue = await _queue(db_url, world.k1)
    assert queue.total == 2
    first, second = queue.items
    assert (first.id, first.display_name, first.connections, first.minutes) == (
        ids[0],
        "Ketut Wirawan",
        3,
        100,
    )
    assert first.first_joined == wita(21, 8, 30)
    assert (second.id, second.display_name, second.email, second.minutes) == (ids[3], "iPhone", "x@y.id", 15)


async def test_resolving_a_group_resolves_every_connection_and_remembers_an_alias(
    db_url: str, world: ReviewWorld
) -> None:
    ids = await add_connections(
        db_url,
        connection(world.k1, "a", "Bunda Siti", wita(21, 8)),
        connection(world.k1, "b", "Bunda Siti", wita(21, 9)),
        connection(world.k1, "other", "Ketut Wirawan", wita(21, 9)),
    )
    [item] = [i for i in (await _queue(db_url, world.k1)).items if i.display_name == "Bunda Siti"]
    assert (item.reason, [s.participant.id for s in item.suggestions]) == ("low_score", [world.ids["siti"]])
    decision = await _decide(db_url, world.k1, item.id, nip=world.nips["siti"])
    assert (decision.state, decision.connections, decision.alias) == ("resolved", 2, alias_key("Bunda Siti"))
    found = await _sessions(db_url)
    assert [(found[k].participant_id, found[k].match_method, found[k].review_state) for k in ("a", "b")] == [
        (world.ids["siti"], "alias", "resolved")
    ] * 2
    assert found["other"].review_state == "pending"
    [alias] = await stored(db_url, Alias)
    assert (alias.key, alias.participant_id, alias.created_by) == ("bunda siti", world.ids["siti"], "mod-ayu")
    [audit] = await stored(db_url, AuditEntry)
    assert (audit.actor, audit.action, audit.batch_id, audit.subject) == (
        "mod-ayu",
        "review.resolve",
        world.k1,
        f"online_session:{ids[0]}",
    )
    assert json.loads(audit.details)["participant_id"] == world.ids["siti"]
    assert [i.display_name for i in (await _queue(db_url, world.k1)).items] == ["Ketut Wirawan"]


async def test_a_resolved_name_matches_by_alias_when_it_connects_again(
    db_url: str, world: ReviewWorld
) -> None:
    [first] = await add_connections(db_url, connection(world.k1, "a", "Bunda Siti", wita(21, 8)))
    await _queue(db_url, world.k1)
    await _decide(db_url, world.k1, first, participant_ref=world.ids["siti"])
    await add_connections(db_url, connection(world.k1, "again", "bunda siti", wita(21, 10)))
    assert (await _queue(db_url, world.k1)).items == []  # the queue's own run matched the reconnection
    again = (await _sessions(db_url))["again"]
    assert (again.participant_id, again.match_method, again.review_state) == (
        world.ids["siti"],
        "alias",
        "matched",
    )


async def test_the_alias_matches_the_name_in_another_batch(db_url: str, world: ReviewWorld) -> None:
    [k1_item] = await add_connections(db_url, connection(world.k1, "k1", "Bunda Siti", wita(21, 8)))
    await _queue(db_url, world.k1)
    await _decide(db_url, world.k1, k1_item, nip=world.nips["siti"])
    # Siti could not stay on day 1 and is moved to day 2 (K2) by a roster re-import.
    event, _ = await _batch(db_url, world.k1)
    async with db_session(db_url) as session:
        await roster.import_roster(session, event, review_roster(siti="K2"), filename="peserta.csv")
    await add_connections(db_url, connection(world.k2, "k2", "BUNDA SITI", wita(22, 8)))
    run = await _match(db_url, world.k2)
    assert dict(run.methods) == {"alias": 1}
    k2 = (await _sessions(db_url))["k2"]
    assert (k2.participant_id, k2.match_method, k2.review_state) == (world.ids["siti"], "alias", "matched")


async def test_a_later_decision_replaces_the_alias(db_url: str, world: ReviewWorld) -> None:
    k1_item, k2_item = await add_connections(
        db_url,
        connection(world.k1, "k1", "Bunda Siti", wita(21, 8)),
        connection(world.k2, "k2", "Bunda Siti", wita(22, 8)),
    )
    await _decide(db_url, world.k1, k1_item, nip=world.nips["siti"])
    # Siti is not on K2's roster: the alias does not apply there, and K2's moderator decides otherwise.
    assert [i.id for i in (await _queue(db_url, world.k2)).items] == [k2_item]
    await _decide(db_url, world.k2, k2_item, nip=world.nips["dewi"])
    [alias] = await stored(db_url, Alias)
    assert (alias.key, alias.participant_id) == ("bunda siti", world.ids["dewi"])


async def test_dismissing_a_group_resolves_it_to_nobody(db_url: str, world: ReviewWorld) -> None:
    ids = await add_connections(
        db_url,
        connection(world.k1, "a", "Galaxy A12", wita(21, 8)),
        connection(world.k1, "b", "Galaxy A12", wita(21, 9)),
    )
    decision = await _decide(db_url, world.k1, ids[1], dismiss=True)
    assert (decision.state, decision.connections, decision.participant, decision.alias) == (
        "dismissed",
        2,
        None,
        None,
    )
    found = await _sessions(db_url)
    assert {(s.review_state, s.participant_id, s.match_method) for s in found.values()} == {
        ("dismissed", None, None)
    }
    assert await stored(db_url, Alias) == []
    assert [a.action for a in await stored(db_url, AuditEntry)] == ["review.dismiss"]
    assert (await _queue(db_url, world.k1)).items == []


async def test_a_device_name_decision_is_not_remembered(db_url: str, world: ReviewWorld) -> None:
    [item] = await add_connections(db_url, connection(world.k1, "a", "iPhone", wita(21, 8)))
    decision = await _decide(db_url, world.k1, item, nip=world.nips["budi"])
    assert (decision.state, decision.alias) == ("resolved", None)
    assert await stored(db_url, Alias) == []


async def test_an_unknown_nip_is_not_found(db_url: str, world: ReviewWorld) -> None:
    [item] = await add_connections(db_url, connection(world.k1, "a", "Bunda Siti", wita(21, 8)))
    with pytest.raises(NotFound) as caught:
        await _decide(db_url, world.k1, item, nip="199912312020121001")
    assert caught.value.code == "participant_not_found"
    assert (await _sessions(db_url))["a"].review_state == "pending"


async def test_a_participant_of_another_batch_is_refused_as_wrong_batch(
    db_url: str, world: ReviewWorld
) -> None:
    [item] = await add_connections(db_url, connection(world.k1, "a", "Bunda Dewi", wita(21, 8)))
    with pytest.raises(Invalid) as caught:
        await _decide(db_url, world.k1, item, nip=world.nips["dewi"])
    assert caught.value.code == "wrong_batch"
    assert "K2" in caught.value.message
    with pytest.raises(Invalid):
        await _decide(db_url, world.k1, item, participant_ref=world.ids["dewi"])
    assert (await _sessions(db_url))["a"].review_state == "pending"


async def test_an_unknown_item_or_one_of_another_batch_is_not_found(db_url: str, world: ReviewWorld) -> None:
    [k2_item] = await add_connections(db_url, connection(world.k2, "a", "Bunda Dewi", wita(22, 8)))
    for item in (k2_item, 999_999):
        with pytest.raises(NotFound) as caught:
            await _decide(db_url, world.k1, item, dismiss=True)
        assert caught.value.code == "review_item_not_found"


async def test_a_decided_item_is_a_conflict(db_url: str, world: ReviewWorld) -> None:
    matched, item = await add_connections(
        db_url,
        connection(
            world.k1,
            "m",
            "Budi",
            wita(21, 8),
            participant_id=world.ids["budi"],
            method="email",
            state="matched",
        ),
        connection(world.k1, "a", "Bunda Siti", wita(21, 8)),
    )
    await _decide(db_url, world.k1, item, dismiss=True)
    for decided in (item, matched):
        with pytest.raises(Conflict) as caught:
            await _decide(db_url, world.k1, decided, nip=world.nips["siti"])
        assert caught.value.code == "already_decided"
    assert (await _sessions(db_url))["a"].review_state == "dismissed"


async def test_two_moderators_deciding_at_once_one_wins(db_url: str, world: ReviewWorld) -> None:
    [item] = await add_connections(db_url, connection(world.k1, "a", "Bunda Siti", wita(21, 8)))
    outcomes = await asyncio.gather(
        _decide(db_url, world.k1, item, nip=world.nips["siti"]),
        _decide(db_url, world.k1, item, dismiss=True),
        return_exceptions=True,
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "Decision"]
    [winner] = [o for o in outcomes if isinstance(o, Decision)]
    assert (await _sessions(db_url))["a"].review_state == winner.state
    assert len(await stored(db_url, AuditEntry)) == 1


async def test_the_roster_index_is_rebuilt_when_the_roster_changes(db_url: str, world: ReviewWorld) -> None:
    cache = RosterIndexCache()
    await add_connections(db_url, connection(world.k2, "a", "Siti Nurhaliza", wita(22, 8)))
    assert (await _match(db_url, world.k2, cache=cache)).matched == 0  # Siti is on K1's roster
    event, _ = await _batch(db_url, world.k2)
    async with db_session(db_url) as session:
        await roster.import_roster(session, event, review_roster(siti="K2"), filename="peserta.csv")
    assert (await _match(db_url, world.k2, cache=cache)).methods == {"fuzzy": 1}


async def test_a_full_run_refreshes_a_stale_verdict_and_a_fresh_run_does_not(
    db_url: str, world: ReviewWorld
) -> None:
    stale = connection(world.k1, "a", "Budi Santoso", wita(21, 8))
    stale.match_reason = "low_score"  # examined before Budi was on the roster, say
    await add_connections(db_url, stale)
    assert (await _match(db_url, world.k1, fresh_only=True)).connections == 0
    assert (await _match(db_url, world.k1)).methods == {"fuzzy": 1}


async def test_a_batch_matches_only_its_own_connections_against_its_own_roster(
    db_url: str, world: ReviewWorld
) -> None:
    await add_connections(db_url, connection(world.k2, "a", "Budi Santoso", wita(22, 8)))
    assert (await _match(db_url, world.k1)).connections == 0  # K2's connection is not K1's business
    assert (await _match(db_url, world.k2)).reasons == {"low_score": 1}  # Budi is on K1's roster, not K2's
