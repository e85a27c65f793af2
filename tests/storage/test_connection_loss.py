"""PostgreSQL drops the server's connections or goes away: requests go on, or get 503 with Retry-After."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import replace
from typing import Any

import asyncpg
import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy.engine import make_url

from eventops.app import create_app
from eventops.settings import Settings
from tests.helpers import EVENT, bearer, door_fields, scan, seed_door

pytestmark = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)

STATS = f"/api/v1/events/{EVENT['slug']}/batches/K1/checkins/stats"
SCANS = f"/api/v1/events/{EVENT['slug']}/batches/K1/scans"


def _dsn(db_url: str) -> str:
    return make_url(db_url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _terminate_backends(db_url: str) -> int:
    """pg_terminate_backend on every connection to the test database (this one aside), and wait until they
    are gone; how many there were."""
    conn = await asyncpg.connect(_dsn(db_url))
    try:
        others = "datname = current_database() AND pid <> pg_backend_pid()"
        pids = [r["pid"] for r in await conn.fetch(f"SELECT pid FROM pg_stat_activity WHERE {others}")]
        await conn.execute("SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid", pids)
        for _ in range(200):
            if not await conn.fetchval("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY($1)", pids):
                return len(pids)
            await asyncio.sleep(0.05)  # polling PostgreSQL's processes as they exit
    finally:
        await conn.close()
    raise AssertionError("the terminated backends did not exit")


async def _busy(client: TestClient, staff: str, n: int) -> None:
    """n scans and n staff requests at once: the pool opens many connections."""
    scans = (scan(client, staff, f"unknown-pass-{i:04d}") for i in range(n))
    stats = (client.get(STATS, headers=bearer(staff)) for _ in range(n))
    await asyncio.gather(*scans, *stats)


async def test_requests_after_postgresql_terminated_every_connection_succeed(
    client: TestClient, tokens: dict[str, str], db_url: str
) -> None:
    await seed_door(client, tokens["organiser"])
    staff = tokens["staff"]
    await _busy(client, staff, 40)
    assert await _terminate_backends(db_url) >= 10
    statuses = []
    for i in range(25):  # more than the pool holds: each dead connection would have failed one request
        statuses.append((await scan(client, staff, f"unknown-after-{i:04d}"))[0])
        statuses.append((await client.get(STATS, headers=bearer(staff))).status)
    assert statuses == [200] * 50


class Relay:
    """A TCP relay between the app and PostgreSQL that the test cuts: what it carries drops, and new
    connections are refused, as when the database host goes away."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        """Accept connections (on the same port as before, after a cut)."""
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        """Refuse new connections and drop every open one."""
        assert self._server is not None
        self._server.close()
        for writer in self._writers:
            writer.transport.abort()
        self._writers.clear()
        await self._server.wait_closed()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        self._writers |= {writer, up_writer}

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


async def _unavailable(resp: Any) -> None:
    assert resp.status == 503
    assert int(resp.headers["Retry-After"]) > 0
    assert (await resp.json())["error"] == "database_unavailable"


async def test_503_with_retry_after_while_the_database_is_away_and_back_to_200_after(
    aiohttp_client: Any, settings: Settings, tokens: dict[str, str]
) -> None:
    url = make_url(settings.database_url)
    relay = Relay(url.host or "127.0.0.1", url.port or 5432)
    await relay.start()
    relayed = url.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False)
    client = await aiohttp_client(create_app(replace(settings, database_url=relayed)))
    await seed_door(client, tokens["organiser"])
    staff, moderator = tokens["staff"], tokens["moderator"]
    assert (await scan(client, staff, "unknown-pass"))[0] == 200

    await relay.cut()
    body = {"token": "unknown-pass", **door_fields()}
    await _unavailable(await client.post(SCANS, json=body, headers=bearer(staff)))
    await _unavailable(await client.get(STATS, headers=bearer(staff)))
    await _unavailable(await client.get(STATS, headers=bearer(moderator)))  # its token is looked up: no 401

    await relay.start()
    assert (await scan(client, staff, "unknown-pass"))[0] == 200
    assert (await client.get(STATS, headers=bearer(moderator))).status == 200
    await relay.cut()
