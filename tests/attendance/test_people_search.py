"""The moderators' roster-wide search: each person's status over every channel, by name, NIP and agency."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlmodel import select

from eventops.catalog import events
from eventops.storage.models import Event
from eventops.timeutil import utcnow
from tests.helpers import AttendanceWorld, bearer, db_session, seed_attendance

BATCH = "/api/v1/events/bali-2023/batches/K1"


@pytest.fixture
async def world(db_url: str) -> AttendanceWorld:
    """The seeded Bali event."""
    return await seed_attendance(db_url)


async def _people(client: TestClient, token: str, **query: str) -> tuple[int, Any]:
    resp = await client.get(BATCH + "/people", params=query, headers=bearer(token))
    return resp.status, await resp.json()


async def test_everyone_is_listed_with_the_status_of_every_channel(
    client: TestClient, tokens: dict[str, str], world: AttendanceWorld
) -> None:
    status, body = await _people(client, tokens["moderator"], limit="200")
    assert status == 200 and body["total"] == 11 and len(body["people"]) == 11 and body["phase"] == "after"
    by_nip = {p["nip"]: p for p in body["people"]}
    assert world.nips["venue"] not in by_nip  # moderators see NIPs masked
    _, found = await _people(client, tokens["moderator"], q=world.nips["hybrid"])
    [hybrid] = found["people"]
    assert hybrid["status"] == "present" and {"offline", "zoom"} <= set(hybrid["sources"])
    assert hybrid["checked_in_at"] == "2023-08-21T07:50:00+08:00" and hybrid["online_minutes"] > 0


async def test_search_by_name_nip_and_agency_with_paging(
    client: TestClient, tokens: dict[str, str], world: AttendanceWorld
) -> None:
    _, everyone = await _people(client, tokens["moderator"], limit="200")
    first = everyone["people"][0]
    _, by_name = await _people(client, tokens["moderator"], q=first["name"].upper())
    assert first["name"] in [p["name"] for p in by_name["people"]]
    nip = world.nips["stream"]
    _, by_nip = await _people(client, tokens["moderator"], q=f"{nip[:8]} {nip[8:14]}")
    assert by_nip["total"] >= 1 and all(p["nip"].startswith(nip[:6]) for p in by_nip["people"])
    agency = first["agency"] or "(tanpa instansi)"
    _, of_agency = await _people(client, tokens["moderator"], agency=agency, limit="200")
    expected = sum(1 for p in everyone["people"] if (p["agency"] or "(tanpa instansi)") == agency)
    assert of_agency["total"] == expected and {
        p["agency"] or "(tanpa instansi)" for p in of_agency["people"]
    } == {agency}
    _, page = await _people(client, tokens["moderator"], limit="3", offset="9")
    assert page["total"] == 11 and [p["name"] for p in page["people"]] == [
        p["name"] for p in everyone["people"][9:]
    ]


async def test_staff_may_not_search_and_bad_numbers_are_400(
    client: TestClient, tokens: dict[str, str], world: AttendanceWorld
) -> None:
    assert (await _people(client, tokens["staff"]))[0] == 403
    status, body = await _people(client, tokens["moderator"], limit="many")
    assert status == 400 and body["error"] == "bad_query"


async def test_before_a_batch_starts_its_summary_says_so(
    client: TestClient, tokens: dict[str, str], world: AttendanceWorld, db_url: str
) -> None:
    start = utcnow() + timedelta(days=2)
    async with db_session(db_url) as session:
        event = (await session.exec(select(Event))).one()
        await events.create_batch(
            session,
            event,
            events.BatchInput("K3", "Kelompok K3", start, start + timedelta(hours=4), "The Stones"),
        )
    resp = await client.get(
        "/api/v1/events/bali-2023/batches/K3/summary", headers=bearer(tokens["moderator"])
    )
    assert resp.status == 200 and (await resp.json())["phase"] == "before"
    resp = await client.get(BATCH + "/summary", headers=bearer(tokens["moderator"]))
    assert (await resp.json())["phase"] == "after"
