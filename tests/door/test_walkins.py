"""Walk-ins: registered at the door, checked in, given a pass, and listed for the organisers."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from eventops.storage.models import CheckIn, Participant, Scan
from tests.helpers import EVENT, SUDARMA, bearer, door_fields, live_passes, scan, seed_door, stored

WALKINS_URL = f"/api/v1/events/{EVENT['slug']}/batches/K1/walkins"
WALK_IN = {"name": "Kadek Wirawan", "agency": "Pemkab Badung", "unit": "Dinas Pariwisata"}


@pytest.fixture
async def door(client: TestClient, tokens: dict[str, str], db_url: str) -> dict[str, str]:
    """The event with its roster seeded; NIP -> pass token."""
    await seed_door(client, tokens["organiser"])
    return await live_passes(db_url)


async def _register(
    client: TestClient, token: str, body: dict[str, Any], **fields: str
) -> tuple[int, dict[str, Any]]:
    resp = await client.post(
        WALKINS_URL, json={**body, **door_fields(station="Meja Tamu", **fields)}, headers=bearer(token)
    )
    return resp.status, await resp.json()


async def test_walk_in_is_registered_checked_in_and_given_a_pass(
    client: TestClient, tokens: dict[str, str], door: dict[str, str], db_url: str
) -> None:
    status, answer = await _register(client, tokens["staff"], WALK_IN)
    assert status == 200, answer
    assert answer["result"] == "ok" and answer["station"] == "Meja Tamu"
    assert answer["participant"] == {
        "name": "Kadek Wirawan",
        "agency": "Pemkab Badung",
        "unit": "Dinas Pariwisata",
        "batch": "K1",
        "nip_masked": None,
        "mode": "offline",
    }
    assert answer["pass_url"].startswith("http://eventops.test/p/")
    [person] = [p for p in await stored(db_url, Participant) if p.walk_in]
    assert (person.mode, person.nip, person.name) == ("offline", None, "Kadek Wirawan")
    [checkin] = await stored(db_url, CheckIn)
    assert (checkin.participant_id, checkin.method, checkin.staff) == (person.id, "walk_in", "test-staff")
    # the new pass works at the door like any other
    status, again = await scan(client, tokens["staff"], answer["pass_url"])
    assert (status, again["result"], again["station"]) == (200, "duplicate", "Meja Tamu")
    page = await client.get(answer["pass_url"].removeprefix("http://eventops.test"))
    assert page.status == 200 and "Kadek Wirawan" in await page.text()


async def test_walk_in_with_a_nip_is_validated_and_masked(
    client: TestClient, tokens: dict[str, str], door: dict[str, str], db_url: str
) -> None:
    status, answer = await _register(client, tokens["staff"], {**WALK_IN, "nip": "19920315 201903 1 007"})
    assert status == 200 and answer["participant"]["nip_masked"] == "199203**********07"
    [person] = [p for p in await stored(db_url, Participant) if p.walk_in]
    assert person.nip == "199203152019031007"
    status, answer = await _register(client, tokens["staff"], {**WALK_IN, "nip": "199213322019031007"})
    assert status == 422 and [e["field"] for e in answer["errors"]] == ["nip"]


async def test_a_nip_on_the_roster_is_sent_to_manual_check_in(
    client: TestClient, tokens: dict[str, str], door: dict[str, str], db_url: str
) -> None:
    status, answer = await _register(client, tokens["staff"], {**WALK_IN, "nip": SUDARMA})
    assert status == 409 and answer["error"] == "nip_on_roster"
    assert "manual" in answer["message"]
    assert await stored(db_url, Scan) == [] and await stored(db_url, CheckIn) == []
    assert len(await stored(db_url, Participant)) == 3


async def test_bad_walk_ins_are_refused_and_store_nothing(
    client: TestClient, tokens: dict[str, str], door: dict[str, str], db_url: str
) -> None:
    for body, fields in (
        ({"agency": "Pemkab Badung"}, {"name"}),
        ({"name": "  ", "agency": "Pemkab Badung"}, {"name"}),
        ({**WALK_IN, "email": "kadek@"}, {"email"}),
        ({**WALK_IN, "phone": "12ab"}, {"phone"}),
        ({**WALK_IN, "name": "x" * 201}, {"name"}),
    ):
        status, answer = await _register(client, tokens["staff"], body)
        assert status == 422, body
        assert {e["field"] for e in answer["errors"]} == fields, answer
    assert await stored(db_url, Scan) == [] and len(await stored(db_url, Participant)) == 3


async def test_a_retried_walk_in_registers_nobody_new(
    client: TestClient, tokens: dict[str, str], door: dict[str, str], db_url: str
) -> None:
    fields = door_fields()
    _, first = await _register(client, tokens["staff"], WALK_IN, scan_id=fields["scan_id"])
    status, again = await _register(client, tokens["staff"], WALK_IN, scan_id=fields["scan_id"])
    assert status == 200 and again == first
    assert len([p for p in await stored(db_url, Participant) if p.walk_in]) == 1
    assert len(await stored(db_url, Scan)) == 1


async def test_organisers_review_walk_ins_and_the_counter_shows_them(
    client: TestClient, tokens: dict[str, str], door: dict[str, str]
) -> None:
    await _register(
        client, tokens["staff"], {**WALK_IN, "email": "Kadek@Example.com", "phone": "0812 3456 7890"}
    )
    url = f"/api/v1/events/{EVENT['slug']}/walkins"
    assert (await client.get(url, headers=bearer(tokens["staff"]))).status == 403
    resp = await client.get(url, headers=bearer(tokens["organiser"]))
    assert resp.status == 200
    [walk_in] = (await resp.json())["walk_ins"]
    assert walk_in["name"] == "Kadek Wirawan" and walk_in["batch"] == "K1"
    assert (walk_in["email"], walk_in["phone"]) == ("kadek@example.com", "+6281234567890")
    assert walk_in["registered_by"] == "test-staff" and walk_in["station"] == "Meja Tamu"
    assert walk_in["checked_in_at"].endswith("+08:00") and walk_in["pass_url"]
    stats = await client.get(
        f"/api/v1/events/{EVENT['slug']}/batches/K1/checkins/stats", headers=bearer(tokens["staff"])
    )
    assert await stats.json() == {"checked_in": 1, "expected": 2, "expected_offline": 1, "walk_ins": 1}


async def test_walk_ins_are_found_by_search_and_flagged(
    client: TestClient, tokens: dict[str, str], door: dict[str, str]
) -> None:
    await _register(client, tokens["staff"], WALK_IN)
    resp = await client.get(
        f"/api/v1/events/{EVENT['slug']}/participants",
        params={"q": "wirawan"},
        headers=bearer(tokens["staff"]),
    )
    [found] = (await resp.json())["participants"]
    assert found["walk_in"] is True and found["mode"] == "offline"
