"""The door's first burst at 07:00: a server just started has its connections open and ready on PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import aiohttp
import asyncpg
import pytest
from sqlalchemy.engine import make_url

from tests.helpers import EVENT, bearer, door_fields
from tests.serving import seed_running_batch, serving

BURST = 64


async def _server_backends(db_url: str) -> set[int]:
    """The PostgreSQL backends connected to the test database, this query's own aside."""
    conn = await asyncpg.connect(make_url(db_url).set(drivername="postgresql").render_as_string(False))
    try:
        rows = await conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await conn.close()
    return {row["pid"] for row in rows}


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_the_first_burst_of_scans_opens_no_connection(
    db_url: str, tokens: dict[str, str], tmp_path: Path
) -> None:
    await seed_running_batch(db_url)
    async with serving(db_url, tmp_path / "serve.log") as server, aiohttp.ClientSession() as http:
        before = await _server_backends(db_url)
        url = f"{server.url}/api/v1/events/{EVENT['slug']}/batches/K1/scans"

        async def scan() -> int:
            body = {"token": uuid.uuid4().hex, **door_fields()}  # unknown passes: stored, answered 200
            async with http.post(url, json=body, headers=bearer(tokens["staff"])) as resp:
                return resp.status

        assert await asyncio.gather(*(scan() for _ in range(BURST))) == [200] * BURST
        opened = await _server_backends(db_url) - before
        assert opened == set(), f"{len(opened)} connections opened by the first burst"
