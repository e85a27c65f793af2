"""One computation of a batch's records for its readers at a time, reused only while nothing changed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.attendance.records import BatchAttendance
from eventops.attendance.shared import MAX_AGE, SharedRecords
from eventops.catalog import events
from eventops.keys import SHARED_RECORDS
from eventops.live.hub import HUB_KEY, Change, Hub
from eventops.roster import importer
from eventops.storage.db import create_engine, make_sessionmaker
from tests.helpers import AttendanceWorld, bearer, checkin, db_session, seed_attendance, wita
from tests.rosters import make_rows, to_csv

BATCH = "/api/v1/events/bali-2023/batches/K1"
Shared = tuple[SharedRecords, Hub, "Clock", async_sessionmaker[AsyncSession]]


@pytest.fixture
async def world(db_url: str) -> AttendanceWorld:
    """The seeded Bali event."""
    return await seed_attendance(db_url)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def shared(db_url: str, world: AttendanceWorld) -> AsyncIterator[Shared]:
    """SharedRecords over a real engine and hub, with a hand clock."""
    engine = create_engine(db_url)
    hub, clock = Hub(), Clock()
    try:
        yield SharedRecords(hub, clock=clock), hub, clock, make_sessionmaker(engine, {HUB_KEY: hub})
    finally:
        await engine.dispose()


def _checked_in(attendance: BatchAttendance, participant_id: int) -> bool:
    people = {r.participant_id: r for r in attendance.records}
    return people[participant_id].checked_in_at is not None


async def test_reused_until_the_batch_changes_or_ages(
    db_url: str, world: AttendanceWorld, shared: Shared
) -> None:
    records, hub, clock, sessions = shared
    first = await records.get(sessions, world.slug, "K1")
    assert await records.get(sessions, world.slug, "K1") is first
    assert records.computed == 1

    hub.publish(Change(world.k1, "checkin"))  # a change of this batch: computed again
    second = await records.get(sessions, world.slug, "K1")
    assert second is not first and records.computed == 2
    hub.publish(Change(world.k2, "checkin"))  # another batch's change: still the same
    assert await records.get(sessions, world.slug, "K1") is second

    # A write no hub saw (another tool on the database) shows once the result is older than MAX_AGE.
    async with db_session(db_url) as session:
        session.add(checkin(world.k1, world.ids["absent"], wita(21, 8, 10)))
        await session.commit()
    assert not _checked_in(await records.get(sessions, world.slug, "K1"), world.ids["absent"])
    clock.now += MAX_AGE + 1
    assert _checked_in(await records.get(sessions, world.slug, "K1"), world.ids["absent"])
    assert records.computed == 3


async def test_a_new_roster_row_or_a_batch_edit_is_seen_at_once(
    db_url: str, world: AttendanceWorld, shared: Shared
) -> None:
    records, _, _, sessions = shared
    before = await records.get(sessions, world.slug, "K1")
    async with db_session(db_url) as session:
        event = await events.get_event(session, world.slug)
        rows = make_rows(1, batches=("K1",), seed=909)
        await importer.import_roster(session, event, to_csv(rows), filename="tambahan.csv")
    after = await records.get(sessions, world.slug, "K1")
    assert len(after.records) == len(before.records) + 1

    async with db_session(db_url) as session:
        _, batch = await events.event_and_batch(session, world.slug, "K1")
        batch.min_checkpoints = 1
        await session.commit()
    edited = await records.get(sessions, world.slug, "K1")
    assert edited is not after and edited.batch.min_checkpoints == 1
    assert records.computed == 3


async def test_concurrent_readers_share_one_computation(
    client: TestClient, tokens: dict[str, str], world: AttendanceWorld
) -> None:
    headers = bearer(tokens["moderator"])
    answers = await asyncio.gather(*(client.get(BATCH + "/summary", headers=headers) for _ in range(6)))
    bodies = [await a.json() for a in answers]
    assert all(a.status == 200 for a in answers)
    assert all(b == bodies[0] for b in bodies)
    assert client.app[SHARED_RECORDS].computed == 1


async def test_an_override_shows_in_the_next_summary(
    client: TestClient, tokens: dict[str, str], world: AttendanceWorld
) -> None:
    moderator, organiser = bearer(tokens["moderator"]), bearer(tokens["organiser"])
    before = await (await client.get(BATCH + "/summary", headers=moderator)).json()
    fields = {
        "participant_nip": world.nips["absent"],
        "status": "present",
        "mode": "form",
        "reason": "absen manual",
    }
    resp = await client.post(BATCH + "/overrides", json=fields, headers=organiser)
    assert resp.status == 201, await resp.text()
    after = await (await client.get(BATCH + "/summary", headers=moderator)).json()
    assert after["by_status"]["present"] == before["by_status"]["present"] + 1
    assert after["by_status"]["absent"] == before["by_status"]["absent"] - 1
