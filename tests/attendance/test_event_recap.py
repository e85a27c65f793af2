"""The event recap: every batch's records counted per agency, across the event, on both databases."""

from __future__ import annotations

from collections import Counter

from eventops.attendance.event_recap import event_recap
from eventops.attendance.records import batch_attendance, finalize
from eventops.catalog import events
from tests.helpers import EVENT, db_session, seed_attendance


async def test_the_event_recap_counts_every_batchs_records_per_agency(db_url: str) -> None:
    world = await seed_attendance(db_url)
    async with db_session(db_url) as session:
        recap = await event_recap(session, world.slug)
        k1 = await batch_attendance(session, world.slug, "K1")
        k2 = await batch_attendance(session, world.slug, "K2")
    assert [a.batch.code for a, _ in recap.batches] == ["K1", "K2"]
    # one record per participant per batch: the K2 visitor counts in K1 (where they came) and in K2
    assert recap.overall.overall.expected == len(k1.records) + len(k2.records)
    statuses = Counter(r.status for r in (*k1.records, *k2.records))
    assert recap.overall.overall.present == statuses["present"]
    assert recap.overall.overall.partial == statuses["partial"]
    assert recap.overall.overall.absent == statuses["absent"]
    # per agency, the event's row is the sum of the batches' rows
    for group in recap.overall.by_agency:
        rows = [g for _, s in recap.batches for g in s.by_agency if g.agency == group.agency]
        assert group.expected == sum(g.expected for g in rows)
        assert group.present == sum(g.present for g in rows)
        assert group.absent == sum(g.absent for g in rows)
    assert sum(g.expected for g in recap.overall.by_agency) == recap.overall.overall.expected
    assert statuses["present"] > 0 and statuses["partial"] > 0 and statuses["absent"] > 0


async def test_the_event_recap_uses_the_frozen_records_of_a_finalized_batch(db_url: str) -> None:
    world = await seed_attendance(db_url)
    async with db_session(db_url) as session:
        before = await event_recap(session, world.slug)
        await finalize(session, world.slug, "K1", "tester")
        after = await event_recap(session, world.slug)
    assert [a.frozen for a, _ in after.batches] == [True, False]
    assert after.overall.overall == before.overall.overall


async def test_an_event_without_batches_has_an_empty_recap(db_url: str) -> None:
    async with db_session(db_url) as session:
        await events.create_event(session, EVENT["slug"], EVENT["name"], EVENT["timezone"])
        recap = await event_recap(session, EVENT["slug"])
    assert recap.batches == [] and recap.overall.overall.expected == 0 and recap.overall.by_agency == ()
