"""Live updates: committed changes reach Server-Sent Events subscribers, across processes on PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient
from sqlmodel import select

from eventops.app import create_app
from eventops.keys import LIVE_HUB, SESSIONMAKER
from eventops.live import hub as live
from eventops.settings import Settings
from eventops.storage.models import Batch
from tests.helpers import SUDARMA, bearer, create_event, live_passes, scan, seed_door

URL = "/api/v1/events/bali-2023/batches/K1/live"


async def _next_event(resp: ClientResponse) -> tuple[str, Any]:
    kind, data = "", None
    while True:
        line = (await asyncio.wait_for(resp.content.readline(), 10)).decode().rstrip("\n")
        if line.startswith("event: "):
            kind = line.removeprefix("event: ")
        elif line.startswith("data: "):
            data = json.loads(line.removeprefix("data: "))
        elif line == "" and kind:
            return kind, data


async def _subscribe(client: TestClient, token: str) -> ClientResponse:
    resp = await client.get(URL, headers=bearer(token))
    assert resp.status == 200 and resp.content_type == "text/event-stream"
    assert (await _next_event(resp))[0] == "hello"
    return resp


async def _batch_id(client: TestClient) -> int:
    async with client.app[SESSIONMAKER]() as session:
        batch = (await session.exec(select(Batch).where(Batch.code == "K1"))).one()
    assert batch.id is not None
    return batch.id


async def test_committed_changes_are_streamed_and_rolled_back_ones_are_not(
    client: TestClient, tokens: dict[str, str]
) -> None:
    await create_event(client, tokens["organiser"])
    batch_id = await _batch_id(client)
    resp = await _subscribe(client, tokens["moderator"])
    async with client.app[SESSIONMAKER]() as session:
        await live.notify(session, batch_id, "checkin", {"name": "rolled back"})
        await session.rollback()
        await live.notify(session, batch_id, "checkin", {"name": "I Made Sudarma"})
        await session.commit()
    assert await _next_event(resp) == ("checkin", {"name": "I Made Sudarma"})
    resp.close()


async def test_other_batches_changes_are_not_streamed(client: TestClient, tokens: dict[str, str]) -> None:
    await create_event(client, tokens["organiser"])
    batch_id = await _batch_id(client)
    resp = await _subscribe(client, tokens["moderator"])
    async with client.app[SESSIONMAKER]() as session:
        await live.notify(session, batch_id + 1, "checkin", {"name": "elsewhere"})
        await live.notify(session, batch_id, "zoom_join", {"name": "here"})
        await session.commit()
    assert await _next_event(resp) == ("zoom_join", {"name": "here"})
    resp.close()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_a_change_in_one_process_reaches_a_dashboard_of_another(
    aiohttp_client: Any, client: TestClient, settings: Settings, tokens: dict[str, str]
) -> None:
    await create_event(client, tokens["organiser"])
    batch_id = await _batch_id(client)
    other = await aiohttp_client(create_app(settings))  # its own engine, hub and LISTEN connection
    resp = await _subscribe(other, tokens["moderator"])
    assert other.app[LIVE_HUB].subscriber_count(batch_id) == 1
    async with client.app[SESSIONMAKER]() as session:
        await live.notify(session, batch_id, "checkin", {"station": "Gate 2"})
        await session.commit()
    assert await _next_event(resp) == ("checkin", {"station": "Gate 2"})
    resp.close()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_many_changes_reach_another_process_in_order_and_are_not_echoed_back(
    aiohttp_client: Any, client: TestClient, settings: Settings, tokens: dict[str, str]
) -> None:
    await create_event(client, tokens["organiser"])
    batch_id = await _batch_id(client)
    other = await aiohttp_client(create_app(settings))
    remote = await _subscribe(other, tokens["moderator"])
    local = await _subscribe(client, tokens["moderator"])
    names = [f"Peserta {i:03d} " + "x" * 80 for i in range(300)]  # ~30 kB: several notifications
    async with client.app[SESSIONMAKER]() as session:
        for name in names:
            await live.notify(session, batch_id, "checkin", {"name": name})
        await session.commit()
    assert [(await _next_event(remote))[1]["name"] for _ in names] == names
    assert [(await _next_event(local))[1]["name"] for _ in names] == names
    async with other.app[SESSIONMAKER]() as session:  # committed after the first process's own echo
        await live.notify(session, batch_id, "zoom", {"name": "from the other process"})
        await session.commit()
    assert await _next_event(local) == ("zoom", {"name": "from the other process"})
    remote.close()
    local.close()


def test_changes_are_split_into_notifications_under_the_limit() -> None:
    changes = [live.Change(7, "checkin", {"name": f"Peserta {i}", "pad": "é" * 50}) for i in range(400)]
    huge = live.Change(7, "checkin", {"name": "x" * 9000})
    payloads = live.encode_changes("me", [*changes[:200], huge, *changes[200:]])
    assert len(payloads) > 1
    assert all(len(p.encode()) <= live.NOTIFY_LIMIT for p in payloads)
    decoded = [live.decode_changes(p) for p in payloads]
    assert {origin for origin, _ in decoded} == {"me"}
    assert [c for _, batch in decoded for c in batch] == changes  # in order; the oversized one dropped
    assert live.decode_changes(changes[0].to_json()) == ("", [changes[0]])


async def test_a_scan_is_published_live(client: TestClient, tokens: dict[str, str], db_url: str) -> None:
    await seed_door(client, tokens["organiser"])
    passes = await live_passes(db_url)
    resp = await _subscribe(client, tokens["moderator"])
    staff = tokens["staff"]
    assert (await scan(client, staff, passes[SUDARMA], station="Gate 3"))[1]["result"] == "ok"
    assert (await scan(client, staff, passes[SUDARMA], station="Gate 4"))[1]["result"] == "duplicate"
    assert (await scan(client, staff, "unknownpass01"))[1]["result"] == "unknown"
    first, second, third = [await _next_event(resp) for _ in range(3)]
    ok = {"result": "ok", "name": "I Made Sudarma", "station": "Gate 3", "method": "qr"}
    assert first == ("checkin", ok)
    assert second == ("checkin", {**ok, "result": "duplicate", "station": "Gate 4"})
    assert third == ("checkin", {"result": "unknown", "name": None, "station": "Gate 1", "method": "qr"})
    resp.close()
