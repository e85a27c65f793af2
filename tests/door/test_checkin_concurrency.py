"""Stations racing each other: the database, not Python, decides who is first."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime

import pytest
from aiohttp.test_utils import TestClient
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.door import scans
from eventops.door.answers import Method, ScanResult
from eventops.door.sql import LOOKUPS, Who
from eventops.storage.models import CheckIn, Scan
from tests.helpers import (
    EVENT,
    SUDARMA,
    bearer,
    db_session,
    door_fields,
    live_passes,
    new_scan_id,
    scan,
    seed_door,
    stored,
)

WALKINS_URL = f"/api/v1/events/{EVENT['slug']}/batches/K1/walkins"


@pytest.fixture
async def door(client: TestClient, tokens: dict[str, str], db_url: str) -> dict[str, str]:
    """The event with its roster seeded; NIP -> pass token."""
    await seed_door(client, tokens["organiser"])
    return await live_passes(db_url)


async def test_fifty_concurrent_scans_of_one_pass_give_exactly_one_ok(
    client: TestClient, tokens: dict[str, str], door: dict[str, str], db_url: str
) -> None:
    answers = await asyncio.gather(
        *(scan(client, tokens["staff"], door[SUDARMA], station=f"Gate {i % 4}") for i in range(50))
    )
    assert {status for status, _ in answers} == {200}
    results = Counter(answer["result"] for _, answer in answers)
    assert results == {"ok": 1, "duplicate": 49}
    [ok] = [a for _, a in answers if a["result"] == "ok"]
    assert all(
        (a["checked_in_at"], a["station"]) == (ok["checked_in_at"], ok["station"])
        for _, a in answers
        if a["result"] == "duplicate"
    )
    [checkin] = await stored(db_url, CheckIn)
    assert checkin.station == ok["station"]
    assert Counter(s.result for s in await stored(db_url, Scan)) == {"ok": 1, "duplicate": 49}


async def test_concurrent_retries_of_one_scan_store_it_once(
    client: TestClient, tokens: dict[str, str], door: dict[str, str], db_url: str
) -> None:
    fields = door_fields(station="Gate 1")
    answers = await asyncio.gather(
        *(scan(client, tokens["staff"], door[SUDARMA], **fields) for _ in range(20))
    )
    assert {status for status, _ in answers} == {200}
    assert all(answer == answers[0][1] for _, answer in answers) and answers[0][1]["result"] == "ok"
    assert len(await stored(db_url, Scan)) == 1 and len(await stored(db_url, CheckIn)) == 1


async def test_every_pass_scanned_at_once_is_checked_in_once(
    client: TestClient, tokens: dict[str, str], door: dict[str, str], db_url: str
) -> None:
    k1 = [token for nip, token in door.items() if nip != "198807142012122001"]
    answers = await asyncio.gather(
        *(scan(client, tokens["staff"], token, station=f"Gate {g}") for token in k1 for g in range(10))
    )
    results = Counter(answer["result"] for _, answer in answers)
    assert results == {"ok": len(k1), "duplicate": 9 * len(k1)}
    assert len(await stored(db_url, CheckIn)) == len(k1)


async def test_one_nip_registered_as_a_walk_in_at_two_stations_at_once_is_stored_once(
    client: TestClient, tokens: dict[str, str], door: dict[str, str], db_url: str
) -> None:
    body = {"name": "Kadek Wirawan", "agency": "Pemkab Badung", "nip": "199203152019031007"}

    async def register(station: str) -> int:
        resp = await client.post(
            WALKINS_URL, json={**body, **door_fields(station=station)}, headers=bearer(tokens["staff"])
        )
        return resp.status

    statuses = await asyncio.gather(*(register(f"Gate {i}") for i in range(8)))
    assert sorted(statuses) == [200] + [409] * 7
    assert len(await stored(db_url, CheckIn)) == 1


async def _lookup(session: AsyncSession, nip: str, one_statement: bool) -> scans.Found:
    """A manual check-in's lookup at K1, as `check_in_by_hand` does it (autocommit on PostgreSQL)."""
    conn = await session.connection(execution_options=scans.AUTOCOMMIT if one_statement else None)
    row = (await conn.execute(LOOKUPS[Who.nip], {"slug": EVENT["slug"], "code": "K1", "who": nip})).one()
    return scans.found_from_row(row._mapping)


@pytest.mark.parametrize("one_statement", [False, True], ids=["transaction", "one_statement"])
async def test_a_check_in_whose_lookup_missed_another_stations_is_a_duplicate_naming_it(
    client: TestClient, tokens: dict[str, str], door: dict[str, str], db_url: str, one_statement: bool
) -> None:
    async with db_session(db_url) as session:
        if one_statement and not scans.one_statement(session):
            pytest.skip("one self-committing statement is PostgreSQL's way")
        found = await _lookup(session, SUDARMA, one_statement)
        assert found.planned is ScanResult.ok and found.checked_in_at is None
        _, winner = await scan(client, tokens["staff"], door[SUDARMA], station="Gate 7")  # lands in between
        assert winner["result"] == "ok"
        late = scans.ScanInput(new_scan_id(), "Meja Bantuan", "test-staff", datetime.now(UTC))
        answer = await scans.record(session, found, late, Method.manual)
    assert answer.result is ScanResult.duplicate and answer.station == "Gate 7"
    assert answer.as_json()["checked_in_at"] == winner["checked_in_at"]
    assert [(s.result, s.station) for s in await stored(db_url, Scan)] == [
        ("ok", "Gate 7"),
        ("duplicate", "Meja Bantuan"),
    ]
    [checkin] = await stored(db_url, CheckIn)
    assert checkin.station == "Gate 7"
