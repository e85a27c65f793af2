"""Scanning passes at the door: every result, retries, bad bodies, manual check-in, counter, scans, search."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from eventops.accounts.auth import Principal, Role, TokenCache
from eventops.storage.models import CheckIn, Scan
from tests.helpers import (
    BUDI,
    EVENT,
    LESTARI,
    SUDARMA,
    batch_body,
    bearer,
    door_fields,
    live_passes,
    scan,
    seed_door,
    stored,
)

SCANS_URL = f"/api/v1/events/{EVENT['slug']}/batches/K1/scans"
CHECKINS_URL = f"/api/v1/events/{EVENT['slug']}/batches/K1/checkins"


@pytest.fixture
async def door(client: TestClient, tokens: dict[str, str], db_url: str) -> dict[str, str]:
    """The event with its roster seeded; NIP -> pass token."""
    await seed_door(client, tokens["organiser"])
    return await live_passes(db_url)


async def test_first_scan_checks_in(
    client: TestClient, tokens: dict[str, str], door: dict[str, str], db_url: str
) -> None:
    status, answer = await scan(client, tokens["staff"], door[SUDARMA], station="Gate 2")
    assert status == 200
    assert answer["result"] == "ok"
    assert answer["participant"] == {
        "name": "I Made Sudarma",
        "agency": "Pemprov Bali",
        "unit": "Diskominfo",
        "batch": "K1",
        "nip_masked": "198503**********03",
        "mode": "offline",
    }
    assert answer["station"] == "Gate 2" and answer["expected_batch"] is None
    assert answer["checked_in_at"].endswith("+08:00")
    assert "I Made Sudarma" in answer["message"] and " · " in answer["message"]
    [checkin] = await stored(db_url, CheckIn)
    [row] = await stored(db_url, Scan)
    assert (checkin.method, checkin.station, checkin.staff) == ("qr", "Gate 2", "test-staff")
    assert checkin.scan_id == row.id
    assert (row.result, row.method, row.staff, row.token) == ("ok", "qr", "test-staff", door[SUDARMA])
    assert row.received_at >= row.scanned_at


async def test_the_pass_of_an_online_participant_checks_in_and_says_they_were_expected_online(
    client: TestClient, tokens: dict[str, str], door: dict[str, str]
) -> None:
    status, answer = await scan(client, tokens["staff"], door[BUDI])
    assert status == 200 and answer["result"] == "ok"
    assert answer["participant"]["mode"] == "online"
    assert "daring" in answer["message"] and "online" in answer["message"]
    _, answer = await scan(client, tokens["staff"], door[SUDARMA])
    assert "daring" not in answer["message"]


async def test_second_scan_is_a_duplicate_naming_the_first_check_in(
    client: TestClient, tokens: dict[str, str], door: dict[str, str], db_url: str
) -> None:
    _, first = await scan(client, tokens["staff"], door[SUDARMA], station="Gate 1")
    status, again = await scan(client, tokens["staff"], door[SUDARMA], station="Gate 2")
    assert status == 200 and again["result"] == "duplicate"
    assert again["checked_in_at"] == first["checked_in_at"] and again["station"] == "Gate 1"
    assert again["participant"]["name"] == "I Made Sudarma"
    assert "Gate 1" in again["message"]
    assert len(await stored(db_url, CheckIn)) == 1
    assert [s.result for s in await stored(db_url, Scan)] == ["ok", "duplicate"]


async def test_scan_for_another_batch_is_wrong_batch_and_admits_nobody(
    client: TestClient, tokens: dict[str, str], door: dict[str, str], db_url: str
) -> None:
    status, answer = await scan(client, tokens["staff"], door[LESTARI], code="K1")
    assert status == 200 and answer["result"] == "wrong_batch"
    assert answer["expected_batch"] == {
        "code": "K2",
        "name": "Kelompok K2",
        "starts_at": "2023-08-22T08:00:00+08:00",
    }
    assert answer["participant"]["batch"] == "K2" and answer["checked_in_at"] is None
    assert "K2" in answer["message"] and "Agustus" in answer["message"]
    assert await stored(db_url, CheckIn) == []
    [row] = await stored(db_url, Scan)
    assert row.result == "wrong_batch" and row.participant_id is not None


async def test_unknown_pass_is_stored_as_unknown(
    client: TestClient, tokens: dict[str, str], door: dict[str, str], db_url: str
) -> None:
    status, answer = await scan(client, tokens["staff"], secrets.token_urlsafe(24))
    assert status == 200 and answer["result"] == "unknown"
    assert answer["participant"] is None and answer["checked_in_at"] is None and answer["station"] is None
    [row] = await stored(db_url, Scan)
    assert row.result == "unknown" and row.participant_id is None and row.pass_id is None


async def test_pass_of_another_event_is_unknown(
    client: TestClient, tokens: dict[str, str], door: dict[str, str]
) -> None:
    other = {**EVENT, "slug": "kaltim-2023", "name": "Literasi Digital ASN Kaltim"}
    resp = await client.post("/api/v1/events", json=other, headers=bearer(tokens["organiser"]))
    assert resp.status == 201
    resp = await client.post(
        "/api/v1/events/kaltim-2023/batches", json=batch_body("K1"), headers=bearer(tokens["organiser"])
    )
    assert resp.status == 201
    resp = await client.post(
        "/api/v1/events/kaltim-2023/batches/K1/scans",
        json={"token": door[SUDARMA], **door_fields()},
        headers=bearer(tokens["staff"]),
    )
    assert resp.status == 200 and (await resp.json())["result"] == "unknown"


async def test_full_pass_url_works_as_the_token(
    client: TestClient, tokens: dict[str, str], door: dict[str, str]
) -> None:
    status, answer = await scan(client, tokens["staff"], f"http://eventops.test/p/{door[BUDI]}")
    assert status == 200 and answer["result"] == "ok" and answer["participant"]["name"] == "Budi Santoso"
    status, answer = await scan(client, tokens["staff"], f"  https://x.example/p/{door[BUDI]}/?utm=wa \n")
    assert status == 200 and answer["result"] == "duplicate"


async def test_retry_with_the_same_scan_id_repeats_the_first_answer_and_stores_nothing(
    client: TestClient, tokens: dict[str, str], door: dict[str, str], db_url: str
) -> None:
    fields = door_fields(station="Gate 1")
    _, first = await scan(client, tokens["staff"], door[SUDARMA], **fields)
    _, second = await scan(client, tokens["staff"], door[SUDARMA], station="Gate 3")
    assert (first["result"], second["result"]) == ("ok", "duplicate")
    for _ in range(2):
        status, again = await scan(client, tokens["staff"], door[SUDARMA], **fields)
        assert status == 200 and again == first
    wrong = door_fields()
    _, first_wrong = await scan(client, tokens["staff"], door[LESTARI], **wrong)
    _, again = await scan(client, tokens["staff"], door[LESTARI], **wrong)
    assert again == first_wrong and again["result"] == "wrong_batch"
    assert len(await stored(db_url, Scan)) == 3 and len(await stored(db_url, CheckIn)) == 1


async def test_a_scan_id_used_in_another_batch_is_a_conflict(
    client: TestClient, tokens: dict[str, str], door: dict[str, str], db_url: str
) -> None:
    fields = door_fields()
    assert (await scan(client, tokens["staff"], door[SUDARMA], code="K1", **fields))[0] == 200
    status, answer = await scan(client, tokens["staff"], door[LESTARI], code="K2", **fields)
    assert status == 409 and answer["error"] == "scan_id_used"
    assert len(await stored(db_url, Scan)) == 1


async def test_a_retried_duplicate_still_names_the_first_check_in(
    client: TestClient, tokens: dict[str, str], door: dict[str, str]
) -> None:
    await scan(client, tokens["staff"], door[SUDARMA], station="Gate 1")
    fields = door_fields(station="Gate 2")
    _, dup = await scan(client, tokens["staff"], door[SUDARMA], **fields)
    _, again = await scan(client, tokens["staff"], door[SUDARMA], **fields)
    assert again == dup and again["station"] == "Gate 1"


def _body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"token": "A" * 32, **door_fields()}
    for key, value in overrides.items():
        if value is None:
            body.pop(key)
        else:
            body[key] = value
    return body


BAD_BODIES: dict[str, tuple[Any, int]] = {
    "missing token": (_body(token=None), 422),
    "missing scan_id": (_body(scan_id=None), 422),
    "missing station": (_body(station=None), 422),
    "missing scanned_at": (_body(scanned_at=None), 422),
    "garbage token": (_body(token="<script>alert(1)</script>"), 422),
    "short token": (_body(token="abc"), 422),
    "blank token": (_body(token="   "), 422),
    "url without a token": (_body(token="https://example.com/"), 422),
    "token is a number": (_body(token=12345678901), 422),
    "station is a list": (_body(station=["Gate 1"]), 422),
    "blank station": (_body(station="  "), 422),
    "station too long": (_body(station="G" * 65), 422),
    "scan_id with spaces": (_body(scan_id="not a uuid at all"), 422),
    "scan_id too short": (_body(scan_id="abc"), 422),
    "scan_id too long": (_body(scan_id="a" * 65), 422),
    "naive scanned_at": (_body(scanned_at="2023-08-21T08:00:00"), 422),
    "scanned_at not a date": (_body(scanned_at="kemarin"), 422),
    "scanned_at too old": (_body(scanned_at=(datetime.now(UTC) - timedelta(days=8)).isoformat()), 422),
    "a list": ([1, 2, 3], 400),
}


@pytest.mark.parametrize("case", list(BAD_BODIES))
async def test_bad_bodies_are_refused_and_store_nothing(
    client: TestClient, tokens: dict[str, str], door: dict[str, str], db_url: str, case: str
) -> None:
    body, status = BAD_BODIES[case]
    resp = await client.post(SCANS_URL, json=body, headers=bearer(tokens["staff"]))
    assert resp.status == status, await resp.text()
    assert (await resp.json())["error"] in {"invalid", "bad_token", "scan_too_old", "bad_json"}
    assert await stored(db_url, Scan) == []


async def test_non_json_and_oversized_bodies_are_refused(
    client: TestClient, tokens: dict[str, str], door: dict[str, str], db_url: str
) -> None:
    headers = {**bearer(tokens["staff"]), "Content-Type": "application/json"}
    resp = await client.post(SCANS_URL, data=b"token=abc&scan_id=1", headers=headers)
    assert resp.status == 400 and (await resp.json())["error"] == "bad_json"
    resp = await client.post(SCANS_URL, data=b"\xff\xfe{}", headers=headers)
    assert resp.status == 400
    big = _body(station="Gate 1", padding="x" * 17_000)
    resp = await client.post(SCANS_URL, json=big, headers=headers)
    assert resp.status == 413 and (await resp.json())["error"] == "too_large"
    assert await stored(db_url, Scan) == []


async def test_unknown_event_or_batch_is_404(
    client: TestClient, tokens: dict[str, str], door: dict[str, str], db_url: str
) -> None:
    body = _body(token=door[SUDARMA])
    staff = bearer(tokens["staff"])
    resp = await client.post("/api/v1/events/nope/batches/K1/scans", json=body, headers=staff)
    assert resp.status == 404 and (await resp.json())["error"] == "event_not_found"
    resp = await client.post(
        f"/api/v1/events/{EVENT['slug']}/batches/K9/scans", json=body, headers=bearer(tokens["staff"])
    )
    assert resp.status == 404 and (await resp.json())["error"] == "batch_not_found"
    assert await stored(db_url, Scan) == []


async def test_staff_can_scan_and_an_anonymous_client_cannot(
    client: TestClient, tokens: dict[str, str], door: dict[str, str], db_url: str
) -> None:
    resp = await client.post(SCANS_URL, json=_body(token=door[SUDARMA]))
    assert resp.status == 401 and (await resp.json())["error"] == "unauthorized"
    resp = await client.post(SCANS_URL, json=_body(token=door[SUDARMA]), headers=bearer("eo_forged"))
    assert resp.status == 401
    assert await stored(db_url, Scan) == []
    for role in ("staff", "moderator", "organiser"):
        status, _ = await scan(client, tokens[role], door[SUDARMA])
        assert status == 200
    assert {s.staff for s in await stored(db_url, Scan)} == {"test-staff", "test-moderator", "test-organiser"}


async def test_a_future_scan_time_is_clamped_to_the_server_clock(
    client: TestClient, tokens: dict[str, str], door: dict[str, str], db_url: str
) -> None:
    future = (datetime.now(UTC) + timedelta(hours=5)).isoformat()
    status, answer = await scan(client, tokens["staff"], door[SUDARMA], scanned_at=future)
    assert status == 200
    checked_in = datetime.fromisoformat(answer["checked_in_at"])
    assert checked_in <= datetime.now(UTC)
    [row] = await stored(db_url, Scan)
    assert row.scanned_at <= row.received_at


async def test_an_offline_scan_keeps_its_client_time(
    client: TestClient, tokens: dict[str, str], door: dict[str, str]
) -> None:
    earlier = datetime.now(UTC) - timedelta(hours=2)
    _, answer = await scan(client, tokens["staff"], door[SUDARMA], scanned_at=earlier.isoformat())
    assert datetime.fromisoformat(answer["checked_in_at"]) == earlier


# --- manual check-in ---------------------------------------------------------------------------------------


async def _manual(client: TestClient, token: str, code: str = "K1", **ref: Any) -> tuple[int, dict[str, Any]]:
    resp = await client.post(
        f"/api/v1/events/{EVENT['slug']}/batches/{code}/checkins",
        json={**ref, **door_fields(station="Meja Bantuan")},
        headers=bearer(token),
    )
    return resp.status, await resp.json()


async def test_manual_check_in_by_nip(
    client: TestClient, tokens: dict[str, str], door: dict[str, str], db_url: str
) -> None:
    status, answer = await _manual(client, tokens["staff"], participant_nip="19850312 201001 1 003")
    assert status == 200 and answer["result"] == "ok"
    assert answer["participant"]["name"] == "I Made Sudarma" and answer["station"] == "Meja Bantuan"
    [checkin] = await stored(db_url, CheckIn)
    assert checkin.method == "manual"
    [row] = await stored(db_url, Scan)
    assert (row.method, row.pass_id, row.token) == ("manual", None, "")
    status, answer = await scan(client, tokens["staff"], door[SUDARMA])
    assert answer["result"] == "duplicate" and answer["station"] == "Meja Bantuan"


async def test_manual_check_in_from_a_search_result(
    client: TestClient, tokens: dict[str, str], door: dict[str, str]
) -> None:
    resp = await client.get(
        f"/api/v1/events/{EVENT['slug']}/participants", params={"q": "budi"}, headers=bearer(tokens["staff"])
    )
    [found] = (await resp.json())["participants"]
    assert found["nip"] == "199001**********04"
    status, answer = await _manual(client, tokens["staff"], participant_id=found["id"])
    assert status == 200 and answer["result"] == "ok" and answer["participant"]["name"] == "Budi Santoso"


async def test_manual_check_in_for_another_batch_is_wrong_batch(
    client: TestClient, tokens: dict[str, str], door: dict[str, str], db_url: str
) -> None:
    status, answer = await _manual(client, tokens["staff"], participant_nip=LESTARI)
    assert status == 200 and answer["result"] == "wrong_batch" and answer["expected_batch"]["code"] == "K2"
    assert await stored(db_url, CheckIn) == []


async def test_manual_check_in_of_nobody_is_404_and_needs_one_reference(
    client: TestClient, tokens: dict[str, str], door: dict[str, str], db_url: str
) -> None:
    status, answer = await _manual(client, tokens["staff"], participant_nip="199912312020121001")
    assert status == 404 and answer["error"] == "participant_not_found"
    status, _ = await _manual(client, tokens["staff"])
    assert status == 422
    status, _ = await _manual(client, tokens["staff"], participant_nip=SUDARMA, participant_id=1)
    assert status == 422
    assert await stored(db_url, Scan) == []


# --- the counter and the latest scans ----------------------------------------------------------------------


async def test_stats_count_check_ins_against_the_roster(
    client: TestClient, tokens: dict[str, str], door: dict[str, str]
) -> None:
    url = f"/api/v1/events/{EVENT['slug']}/batches/K1/checkins/stats"
    resp = await client.get(url, headers=bearer(tokens["staff"]))
    assert resp.status == 200
    assert await resp.json() == {"checked_in": 0, "expected": 2, "expected_offline": 1, "walk_ins": 0}
    await scan(client, tokens["staff"], door[SUDARMA])
    await scan(client, tokens["staff"], door[SUDARMA])
    await scan(client, tokens["staff"], door[LESTARI])  # wrong batch: not counted
    resp = await client.get(url, headers=bearer(tokens["staff"]))
    assert await resp.json() == {"checked_in": 1, "expected": 2, "expected_offline": 1, "walk_ins": 0}


async def test_recent_scans_newest_first_by_station(
    client: TestClient, tokens: dict[str, str], door: dict[str, str]
) -> None:
    await scan(client, tokens["staff"], door[SUDARMA], station="Gate 1")
    await scan(client, tokens["staff"], secrets.token_urlsafe(24), station="Gate 2")
    await scan(client, tokens["staff"], door[SUDARMA], station="Gate 1")
    url = f"/api/v1/events/{EVENT['slug']}/batches/K1/scans"
    resp = await client.get(url, headers=bearer(tokens["staff"]))
    assert resp.status == 200
    scans = (await resp.json())["scans"]
    assert [(s["result"], s["name"], s["station"]) for s in scans] == [
        ("duplicate", "I Made Sudarma", "Gate 1"),
        ("unknown", None, "Gate 2"),
        ("ok", "I Made Sudarma", "Gate 1"),
    ]
    assert all(s["scanned_at"].endswith("+08:00") and s["received_at"] for s in scans)
    resp = await client.get(url, params={"station": "Gate 1", "limit": "1"}, headers=bearer(tokens["staff"]))
    assert [s["result"] for s in (await resp.json())["scans"]] == ["duplicate"]


# --- search at the door ------------------------------------------------------------------------------------


async def _search(client: TestClient, token: str, **query: str) -> list[dict[str, Any]]:
    url = f"/api/v1/events/{EVENT['slug']}/participants"
    resp = await client.get(url, params=query, headers=bearer(token))
    assert resp.status == 200
    return (await resp.json())["participants"]


async def test_search_forgives_a_typo_in_a_name(
    client: TestClient, tokens: dict[str, str], door: dict[str, str]
) -> None:
    assert [p["name"] for p in await _search(client, tokens["staff"], q="sudrma")] == ["I Made Sudarma"]
    found = await _search(client, tokens["staff"], q="ayu lestri", batch="K2")
    assert [p["name"] for p in found] == ["Ni Luh Putu Ayu Lestari"]
    assert await _search(client, tokens["staff"], q="ayu lestri", batch="K1") == []
    assert await _search(client, tokens["staff"], q="xqzvw") == []


async def test_search_marks_people_already_checked_in_at_their_batch(
    client: TestClient, tokens: dict[str, str], door: dict[str, str]
) -> None:
    await scan(client, tokens["staff"], door[SUDARMA])
    await scan(client, tokens["staff"], door[LESTARI])  # K2's pass at K1's door: wrong batch, not checked in
    found = {p["name"]: p for p in await _search(client, tokens["staff"], q="a")}
    assert found["I Made Sudarma"]["checked_in_at"] is not None
    assert found["Budi Santoso"]["checked_in_at"] is None
    assert found["Ni Luh Putu Ayu Lestari"]["checked_in_at"] is None


async def test_search_by_nip_ignores_spaces_and_dots(
    client: TestClient, tokens: dict[str, str], door: dict[str, str]
) -> None:
    [found] = await _search(client, tokens["staff"], q="1985 0312.2010 01 1 003")
    assert found["name"] == "I Made Sudarma" and found["nip"] == "198503**********03"
    [found] = await _search(client, tokens["organiser"], q="1985 0312.2010")
    assert found["nip"] == "198503122010011003"
    assert await _search(client, tokens["staff"], q="1111 2222") == []  # no fuzzy guessing of NIPs


async def test_staff_cannot_recover_a_nip_digit_by_digit(
    client: TestClient, tokens: dict[str, str], door: dict[str, str]
) -> None:
    # The masked NIP shows the first six digits; a prefix search would confirm each next one.
    for known in ("198503", "1985031", "19850312201001100"):
        assert await _search(client, tokens["staff"], q=known) == [], known
        assert await _search(client, tokens["moderator"], q=known) == [], known
        assert [p["name"] for p in await _search(client, tokens["organiser"], q=known)] == ["I Made Sudarma"]
    assert [p["name"] for p in await _search(client, tokens["staff"], q="198503122010011003")] == [
        "I Made Sudarma"
    ]


async def test_exact_matches_come_before_fuzzy_ones(
    client: TestClient, tokens: dict[str, str], door: dict[str, str]
) -> None:
    assert [p["name"] for p in await _search(client, tokens["staff"], q="santoso")] == ["Budi Santoso"]


# --- the bearer-token cache --------------------------------------------------------------------------------


def test_token_cache_forgets_after_its_ttl_and_stays_bounded() -> None:
    now = [1000.0]
    cache = TokenCache(ttl=10, size=2, clock=lambda: now[0])
    alice = Principal(name="alice", role=Role.staff, token_id=1)
    cache.put("eo_a", alice)
    assert cache.get("eo_a") == alice and cache.get("eo_b") is None
    now[0] += 10.5
    assert cache.get("eo_a") is None
    for i in range(3):
        cache.put(f"eo_{i}", alice)
    assert cache.get("eo_0") is None and cache.get("eo_2") == alice
    soon = Principal(
        name="s", role=Role.staff, token_id=2, expires_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    cache.put("eo_expired", soon)
    assert cache.get("eo_expired") is None
