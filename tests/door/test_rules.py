"""The door's result rules: their order, pinned in Python, in SQL and through the scan API and manual
check-in on every database."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import Integer, String, bindparam, text
from sqlmodel import col, select

from eventops.door import rules
from eventops.door.answers import ScanResult
from eventops.storage.models import CheckIn, Event, Participant, Pass, Scan
from tests.helpers import (
    DOOR_ROSTER,
    EVENT,
    LESTARI,
    SUDARMA,
    batch_body,
    bearer,
    db_session,
    door_fields,
    live_passes,
    scan,
    seed_door,
    stored,
)

BATCH, OTHER_BATCH = 1, 2
WHEN = datetime(2023, 8, 21, 0, 30, tzinfo=UTC)
MISSING = object()  # a column the lookup does not have (no pass: manual check-in)


def door_contract(p_id: Any, revoked_at: Any, h_id: Any, c_at: Any) -> ScanResult:
    """The order the door promises, written out by hand (DESIGN: issue 4 and 10), not read from the table."""
    if p_id is None:
        return ScanResult.unknown  # nobody of this event holds it: say nothing else about the pass
    if revoked_at is not None and revoked_at is not MISSING:
        return ScanResult.revoked  # a revoked pass never opens the door, whoever holds it
    if h_id != BATCH:
        return ScanResult.wrong_batch  # registered elsewhere: even when a check-in here exists
    if c_at is not None:
        return ScanResult.duplicate
    return ScanResult.ok


COMBINATIONS = list(
    itertools.product((None, 7), (MISSING, None, WHEN), (None, BATCH, OTHER_BATCH), (None, WHEN))
)


def _row(p_id: Any, revoked_at: Any, h_id: Any, c_at: Any) -> dict[str, Any]:
    row = {"p_id": p_id, "h_id": h_id, "batch_id": BATCH, "c_at": c_at}
    if revoked_at is not MISSING:
        row["revoked_at"] = revoked_at
    return row


def test_the_classifier_follows_the_door_contract_for_every_combination() -> None:
    for combination in COMBINATIONS:
        assert rules.classify(_row(*combination)) is door_contract(*combination), combination


def test_the_rules_read_only_lookup_columns_and_give_every_result() -> None:
    assert {"p_id", "revoked_at", "h_id", "batch_id", "c_at"} >= rules.COLUMNS
    assert {rule.result for rule in rules.RULES} | {rules.OTHERWISE} == set(ScanResult)


async def test_the_sql_case_follows_the_door_contract_for_every_combination(db_url: str) -> None:
    query = text(
        f"SELECT {rules.case_sql('r')} FROM (SELECT CAST(:p_id AS INTEGER) AS p_id,"
        " CAST(:revoked_at AS TIMESTAMP) AS revoked_at, CAST(:h_id AS INTEGER) AS h_id,"
        " CAST(:batch_id AS INTEGER) AS batch_id, CAST(:c_at AS TIMESTAMP) AS c_at) AS r"
    ).bindparams(
        bindparam("p_id", type_=Integer()),
        bindparam("revoked_at", type_=String()),
        bindparam("h_id", type_=Integer()),
        bindparam("batch_id", type_=Integer()),
        bindparam("c_at", type_=String()),
    )
    async with db_session(db_url) as session:
        conn = await session.connection()
        for combination in COMBINATIONS:
            p_id, revoked_at, h_id, c_at = combination
            if revoked_at is MISSING:  # SQL plans only for pass scans, whose lookup has the column
                continue
            params = {
                "p_id": p_id,
                "revoked_at": None if revoked_at is None else "2023-08-21 00:30:00",
                "h_id": h_id,
                "batch_id": BATCH,
                "c_at": None if c_at is None else "2023-08-21 00:30:00",
            }
            planned = (await conn.execute(query, params)).scalar_one()
            assert planned == door_contract(*combination).value, combination


# --- through the API, on every database --------------------------------------------------------------------


@pytest.fixture
async def door(client: TestClient, tokens: dict[str, str], db_url: str) -> dict[str, str]:
    """The event with its roster seeded; NIP -> pass token."""
    await seed_door(client, tokens["organiser"])
    return await live_passes(db_url)


async def _revoke(client: TestClient, organiser: str, nip: str, slug: str = EVENT["slug"]) -> None:
    resp = await client.post(
        f"/api/v1/events/{slug}/participants/{nip}/pass/revoke",
        json={"reason": "HP hilang"},
        headers=bearer(organiser),
    )
    assert resp.status == 200, await resp.text()


async def _manual(client: TestClient, staff: str, nip: str, code: str = "K1") -> dict[str, Any]:
    resp = await client.post(
        f"/api/v1/events/{EVENT['slug']}/batches/{code}/checkins",
        json={"participant_nip": nip, **door_fields(station="Meja Bantuan")},
        headers=bearer(staff),
    )
    assert resp.status == 200, await resp.text()
    return dict(await resp.json())


async def _results(db_url: str) -> list[str]:
    return [s.result for s in await stored(db_url, Scan)]


async def test_a_revoked_pass_of_someone_of_another_batch_answers_revoked(
    client: TestClient, tokens: dict[str, str], door: dict[str, str], db_url: str
) -> None:
    await _revoke(client, tokens["organiser"], LESTARI)  # registered for K2
    status, answer = await scan(client, tokens["staff"], door[LESTARI], code="K1")
    assert status == 200 and answer["result"] == "revoked" and answer["expected_batch"] is None
    assert await _results(db_url) == ["revoked"] and await stored(db_url, CheckIn) == []


async def test_a_revoked_pass_of_someone_already_checked_in_answers_revoked(
    client: TestClient, tokens: dict[str, str], door: dict[str, str], db_url: str
) -> None:
    _, first = await scan(client, tokens["staff"], door[SUDARMA])
    assert first["result"] == "ok"
    await _revoke(client, tokens["organiser"], SUDARMA)
    status, answer = await scan(client, tokens["staff"], door[SUDARMA])
    assert status == 200 and answer["result"] == "revoked" and answer["checked_in_at"] is None
    assert await _results(db_url) == ["ok", "revoked"] and len(await stored(db_url, CheckIn)) == 1


async def test_someone_moved_to_another_batch_after_checking_in_here_answers_wrong_batch(
    client: TestClient, tokens: dict[str, str], door: dict[str, str], db_url: str
) -> None:
    _, first = await scan(client, tokens["staff"], door[SUDARMA], code="K1")
    assert first["result"] == "ok"
    moved = DOOR_ROSTER.replace("081234567890,K1,", "081234567890,K2,")
    resp = await client.post(
        f"/api/v1/events/{EVENT['slug']}/roster", data=moved.encode(), headers=bearer(tokens["organiser"])
    )
    assert resp.status == 200 and (await resp.json())["updated"] == 1
    status, answer = await scan(client, tokens["staff"], door[SUDARMA], code="K1")
    assert status == 200 and answer["result"] == "wrong_batch" and answer["expected_batch"]["code"] == "K2"
    by_hand = await _manual(client, tokens["staff"], SUDARMA, code="K1")
    assert by_hand["result"] == "wrong_batch" and by_hand["expected_batch"]["code"] == "K2"
    assert await _results(db_url) == ["ok", "wrong_batch", "wrong_batch"]
    assert len(await stored(db_url, CheckIn)) == 1


async def test_an_unknown_token_answers_unknown(
    client: TestClient, tokens: dict[str, str], door: dict[str, str], db_url: str
) -> None:
    status, answer = await scan(client, tokens["staff"], "Z" * 32)
    assert status == 200 and answer["result"] == "unknown" and answer["expected_batch"] is None
    assert await _results(db_url) == ["unknown"]


async def test_a_revoked_pass_of_another_event_answers_unknown(
    client: TestClient, tokens: dict[str, str], door: dict[str, str], db_url: str
) -> None:
    organiser = bearer(tokens["organiser"])
    other = {**EVENT, "slug": "kaltim-2023", "name": "Literasi Digital ASN Kaltim"}
    assert (await client.post("/api/v1/events", json=other, headers=organiser)).status == 201
    url = "/api/v1/events/kaltim-2023"
    for code in ("K1", "K2"):
        resp = await client.post(f"{url}/batches", json=batch_body(code), headers=organiser)
        assert resp.status == 201
    resp = await client.post(f"{url}/roster", data=DOOR_ROSTER.encode(), headers=organiser)
    assert resp.status == 200
    await _revoke(client, tokens["organiser"], SUDARMA, slug="kaltim-2023")
    async with db_session(db_url) as session:
        query = (
            select(Pass.token)
            .join(Participant)
            .join(Event)
            .where(Event.slug == "kaltim-2023", Participant.nip == SUDARMA, col(Pass.revoked_at).is_not(None))
        )
        [elsewhere] = (await session.exec(query)).all()
    status, answer = await scan(client, tokens["staff"], elsewhere, code="K1")
    assert status == 200 and answer["result"] == "unknown" and answer["participant"] is None
    assert await _results(db_url) == ["unknown"]
