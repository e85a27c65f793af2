"""Who is online and who is not: states, minutes as a union, search, paging, masking and roles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlmodel import select

from eventops.attendance.online import OnlinePage, online_list
from eventops.catalog import events
from eventops.errors import BadRequest
from eventops.roster import importer as roster
from eventops.roster.nip import mask_nip
from eventops.storage.models import Batch, Participant
from tests.helpers import EVENT, add_connections, bearer, checkin, connection, db_session, wita
from tests.rosters import roster_csv

URL = "/api/v1/events/bali-2023/batches/K1/zoom/participants"
PEOPLE = {
    # label: (nip, name, email, phone, batch, mode)
    "sudarma": ("198503122010011003", "I Made Sudarma", "made@bali.go.id", "081234567890", "K1", "daring"),
    "budi": ("199001022015031004", "Budi Santoso", "", "", "K1", "daring"),
    "wirawan": ("197901152005011001", "Ketut Wirawan", "", "", "K1", "daring"),
    "lestari": ("198807142012122001", "Ni Luh Putu Ayu Lestari", "", "", "K1", "daring"),
    "agung": ("199212302019032003", "Anak Agung Venue", "", "", "K1", "luring"),
    "dewi": ("198601012010012004", "Dewi Anggraini", "", "", "K2", "daring"),
}


@dataclass(frozen=True)
class World:
    """K1 (21 August) and K2 (22 August), 08.00-12.00 WITA; participant ids by label."""

    k1: int
    k2: int
    ids: dict[str, int]


@pytest.fixture
async def world(db_url: str) -> World:
    """The event, its batches, the roster (one venue participant in K1) and K1's Zoom sessions."""
    rows = [
        (nip, name, "Pemprov Bali", "Diskominfo", email, phone, batch, mode)
        for nip, name, email, phone, batch, mode in PEOPLE.values()
    ]
    async with db_session(db_url) as session:
        event = await events.create_event(session, EVENT["slug"], EVENT["name"], EVENT["timezone"])
        k1 = await events.create_batch(
            session, event, events.BatchInput("K1", "Kelompok K1", wita(21, 8), wita(21, 12), "The Stones")
        )
        k2 = await events.create_batch(
            session, event, events.BatchInput("K2", "Kelompok K2", wita(22, 8), wita(22, 12), "The Stones")
        )
        await roster.import_roster(session, event, roster_csv(*rows), filename="peserta.csv")
        found = (await session.exec(select(Participant).where(Participant.event_id == event.id))).all()
    assert k1.id is not None and k2.id is not None
    by_nip = {p.nip: p.id for p in found if p.id is not None}
    ids = {label: by_nip[nip] for label, (nip, *_) in PEOPLE.items()}
    await add_connections(
        db_url,
        # Sudarma: laptop 08.00-10.00 and phone 09.00-11.00 overlap: 180 minutes, not 240; still on at 10.30.
        connection(k1.id, "s1", "Made", wita(21, 8), 120, participant_id=ids["sudarma"], state="matched"),
        connection(k1.id, "s2", "iPhone", wita(21, 9), 120, participant_id=ids["sudarma"], state="matched"),
        connection(k1.id, "s3", "Made", wita(21, 10), None, participant_id=ids["sudarma"], state="matched"),
        # Budi: 07.30-08.30 is clipped to the window: 30 minutes, left.
        connection(k1.id, "b1", "Budi", wita(21, 7, 30), 60, participant_id=ids["budi"], state="matched"),
        # Wirawan: open since 11.00.
        connection(k1.id, "w1", "Ketut", wita(21, 11), None, participant_id=ids["wirawan"], state="matched"),
        # Unmatched, and Dewi's session in K2: neither counts for anyone in K1.
        connection(k1.id, "x1", "Galaxy A12", wita(21, 8), None),
        connection(k2.id, "d1", "Dewi", wita(22, 8), None, participant_id=ids["dewi"], state="matched"),
    )
    return World(k1.id, k2.id, ids)


async def _list(db_url: str, world: World, **kw: Any) -> OnlinePage:
    async with db_session(db_url) as session:
        batch = (await session.exec(select(Batch).where(Batch.id == world.k1))).one()
        return await online_list(session, batch, **kw)


def _names(page: OnlinePage) -> list[str]:
    return [p.name for p in page.people]


async def test_states_minutes_and_order(db_url: str, world: World) -> None:
    page = await _list(db_url, world, now=wita(21, 11, 30))
    assert page.total == 5
    # online mode first, by name; the venue participant last; Dewi (K2) absent
    assert _names(page) == [
        "Budi Santoso",
        "I Made Sudarma",
        "Ketut Wirawan",
        "Ni Luh Putu Ayu Lestari",
        "Anak Agung Venue",
    ]
    got = {p.name: (p.online_now, p.minutes, p.connections) for p in page.people}
    # Sudarma: union of 08.00-11.00 and the open 10.00-now(11.30) = 08.00-11.30
    assert got["I Made Sudarma"] == (True, 210, 3)
    assert got["Budi Santoso"] == (False, 30, 1)
    assert got["Ketut Wirawan"] == (True, 30, 1)
    assert got["Ni Luh Putu Ayu Lestari"] == (False, 0, 0)


async def test_overlapping_devices_count_once(db_url: str, world: World) -> None:
    page = await _list(db_url, world, q="sudarma", now=wita(21, 10))
    [made] = page.people
    # 08.00-10.00 and 09.00-10.00 (the phone so far) and 10.00-10.00: 120 minutes, not 180
    assert (made.minutes, made.connections, made.online_now) == (120, 3, True)


async def test_open_sessions_stop_at_batch_end(db_url: str, world: World) -> None:
    page = await _list(db_url, world, q="wirawan", now=wita(21, 18))
    assert [p.minutes for p in page.people] == [60]


async def test_filter_by_state(db_url: str, world: World) -> None:
    now = wita(21, 11, 30)
    assert _names(await _list(db_url, world, state="online", now=now)) == ["I Made Sudarma", "Ketut Wirawan"]
    assert _names(await _list(db_url, world, state="offline_now", now=now)) == ["Budi Santoso"]
    never = await _list(db_url, world, state="never", now=now)
    assert (never.total, _names(never)) == (2, ["Ni Luh Putu Ayu Lestari", "Anak Agung Venue"])
    with pytest.raises(BadRequest):
        await _list(db_url, world, state="sometimes")


async def test_never_joined_leaves_out_people_checked_in_at_the_venue(db_url: str, world: World) -> None:
    async with db_session(db_url) as session:
        session.add(checkin(world.k1, world.ids["agung"], wita(21, 7, 50)))
        session.add(checkin(world.k2, world.ids["lestari"], wita(22, 7, 50)))  # at K2's door: not here
        await session.commit()
    never = await _list(db_url, world, state="never", now=wita(21, 11, 30))
    assert (never.total, _names(never)) == (1, ["Ni Luh Putu Ayu Lestari"])


async def test_search_is_case_insensitive_and_literal(db_url: str, world: World) -> None:
    assert _names(await _list(db_url, world, q="  wIrAwAn ")) == ["Ketut Wirawan"]
    assert _names(await _list(db_url, world, q="a", state="never")) == [
        "Ni Luh Putu Ayu Lestari",
        "Anak Agung Venue",
    ]
    assert (await _list(db_url, world, q="%")).total == 0
    assert (await _list(db_url, world, q="_")).total == 0


async def test_paging(db_url: str, world: World) -> None:
    first = await _list(db_url, world, limit=2)
    second = await _list(db_url, world, limit=2, offset=2)
    rest = await _list(db_url, world, limit=2, offset=4)
    assert (first.total, second.total, rest.total) == (5, 5, 5)
    assert _names(first) + _names(second) + _names(rest) == _names(await _list(db_url, world))
    assert len(_names(rest)) == 1
    with pytest.raises(BadRequest):
        await _list(db_url, world, limit=501)


async def test_api_masks_nip_and_hides_contacts(
    client: TestClient, tokens: dict[str, str], world: World
) -> None:
    resp = await client.get(URL, params={"q": "sudarma"}, headers=bearer(tokens["moderator"]))
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert body["total"] == 1
    [made] = body["participants"]
    assert made["nip"] == mask_nip(PEOPLE["sudarma"][0]) != PEOPLE["sudarma"][0]
    assert made["online_now"] is True and made["connections"] == 3
    # the batch is over (2023): open sessions count up to its end, 08.00-12.00
    assert made["minutes"] == 240
    text = await resp.text()
    assert "made@bali.go.id" not in text and "081234567890" not in text and PEOPLE["sudarma"][0] not in text
    assert set(made) == {"id", "name", "nip", "agency", "mode", "online_now", "minutes", "connections"}


async def test_api_filters_pages_and_refuses_bad_input(
    client: TestClient, tokens: dict[str, str], world: World
) -> None:
    mod = bearer(tokens["moderator"])
    resp = await client.get(URL, params={"state": "never", "limit": "1", "offset": "1"}, headers=mod)
    assert resp.status == 200
    assert [p["name"] for p in (await resp.json())["participants"]] == ["Anak Agung Venue"]
    resp = await client.get(URL, params={"limit": "100000"}, headers=mod)
    assert resp.status == 200 and (await resp.json())["total"] == 5
    resp = await client.get(URL, params={"state": "maybe"}, headers=mod)
    assert resp.status == 400 and (await resp.json())["error"] == "bad_state"
    resp = await client.get(URL, params={"limit": "many"}, headers=mod)
    assert resp.status == 400
    resp = await client.get(URL.replace("K1", "K9"), headers=mod)
    assert resp.status == 404


async def test_staff_is_refused(client: TestClient, tokens: dict[str, str], world: World) -> None:
    resp = await client.get(URL, headers=bearer(tokens["staff"]))
    assert resp.status == 403
    resp = await client.get(URL)
    assert resp.status == 401
    resp = await client.get(URL, headers=bearer(tokens["organiser"]))
    assert resp.status == 200


async def test_dashboard_has_the_section(client: TestClient, tokens: dict[str, str], world: World) -> None:
    resp = await client.get("/dashboard/bali-2023/K1", headers=bearer(tokens["moderator"]))
    assert resp.status == 200, await resp.text()
    html = await resp.text()
    assert 'id="people-list"' in html and "Belum pernah masuk" in html and 'id="people-q"' in html
    script = await client.get("/static/dashboard.js")
    assert "/zoom/participants?" in await script.text()
