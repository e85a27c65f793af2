"""Live updates: committed changes reach Server-Sent Events subscribers, across processes on PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient
from sqlmodel import select

from eventops import live
from eventops.app import create_app
from eventops.keys import LIVE_HUB, SESSIONMAKER
from eventops.models import Batch
from eventops.settings import Settings
from tests.helpers import bearer, create_event

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
