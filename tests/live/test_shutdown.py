"""Stopping the server while dashboards follow a batch live: SIGTERM ends their streams and the process."""

from __future__ import annotations

import asyncio
import signal
import subprocess
from pathlib import Path

import aiohttp
import pytest

from tests.helpers import EVENT, bearer
from tests.serving import Server, seed_running_batch, serving

LIVE = f"/api/v1/events/{EVENT['slug']}/batches/K1/live"


async def _open_dashboards(http: aiohttp.ClientSession, server: Server, token: str, count: int) -> None:
    """`count` live streams, each past its `hello` (so each handler is streaming)."""
    for _ in range(count):
        resp = await http.get(server.url + LIVE, headers=bearer(token))
        assert resp.status == 200
        assert await asyncio.wait_for(resp.content.readline(), 10) == b"event: hello\n"


async def _stops_within(server: Server, seconds: float) -> int:
    server.process.send_signal(signal.SIGTERM)
    try:
        return await asyncio.to_thread(server.process.wait, seconds)
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running {seconds} s after SIGTERM with live streams open")


async def test_sigterm_stops_the_server_within_5_s_while_dashboards_are_connected(
    db_url: str, tokens: dict[str, str], tmp_path: Path
) -> None:
    await seed_running_batch(db_url)
    async with serving(db_url, tmp_path / "serve.log") as server, aiohttp.ClientSession() as http:
        await _open_dashboards(http, server, tokens["moderator"], 2)
        assert await _stops_within(server, 5) == 0, server.log_tail()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_sigterm_stops_two_workers_within_5_s_while_dashboards_are_connected(
    db_url: str, tokens: dict[str, str], tmp_path: Path
) -> None:
    await seed_running_batch(db_url)
    async with (
        serving(db_url, tmp_path / "serve.log", "--workers", "2") as server,
        aiohttp.ClientSession() as http,
    ):
        await _open_dashboards(http, server, tokens["moderator"], 6)  # the kernel spreads them over both
        assert await _stops_within(server, 5) == 0, server.log_tail()
