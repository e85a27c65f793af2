"""`eventops serve` as an operator runs it: a real process on a real database, for tests that signal it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import psutil

from eventops.catalog import events
from tests.helpers import EVENT, db_session

SERVE = [sys.executable, "-m", "eventops.cli", "serve", "--host", "127.0.0.1"]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_env(db_url: str) -> dict[str, str]:
    """The environment of a server on `db_url`."""
    return {**os.environ, "EVENTOPS_DATABASE_URL": db_url, "EVENTOPS_SECRET_KEY": "test-secret"}


async def seed_running_batch(db_url: str) -> None:
    """The Bali event with batch K1, running now, straight into the database."""
    async with db_session(db_url) as session:
        event = await events.create_event(session, EVENT["slug"], EVENT["name"], EVENT["timezone"])
        now = datetime.now(UTC)
        await events.create_batch(
            session, event, events.BatchInput("K1", "Kelompok 1", now, now + timedelta(hours=4))
        )


@dataclass(frozen=True)
class Server:
    """A running `eventops serve`: its process, its address and the file its log goes to."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def log_tail(self) -> str:
        """The end of the server's log, for assertion messages."""
        return self.log.read_text(errors="replace")[-3000:]


async def wait_healthy(server: Server, timeout: float = 60) -> None:
    """Poll /healthz until it answers 200; raise if the process exits first or `timeout` passes."""
    async with aiohttp.ClientSession() as http:
        for _ in range(int(timeout * 10)):
            if server.process.poll() is not None:
                raise AssertionError(f"the server exited: {server.log_tail()}")
            with contextlib.suppress(aiohttp.ClientConnectionError):
                async with http.get(f"{server.url}/healthz") as resp:
                    if resp.status == 200:
                        return
            await asyncio.sleep(0.1)  # polling a starting process, not synchronising test steps
    raise AssertionError(f"the server did not come up: {server.log_tail()}")


def _listeners(server: Server) -> int:
    """How many of the server's processes listen on its port."""
    port = int(server.url.rsplit(":", 1)[1])
    count = 0
    for proc in [psutil.Process(server.process.pid), *psutil.Process(server.process.pid).children()]:
        with contextlib.suppress(psutil.NoSuchProcess):
            connections = proc.net_connections(kind="tcp")
            count += any(c.status == psutil.CONN_LISTEN and c.laddr.port == port for c in connections)
    return count


async def wait_listening(server: Server, processes: int, timeout: float = 60) -> None:
    """Poll until `processes` of the server's processes listen (every worker is up, its signals handled)."""
    for _ in range(int(timeout * 10)):
        if _listeners(server) >= processes:
            return
        await asyncio.sleep(0.1)  # polling starting processes, not synchronising test steps
    raise AssertionError(f"fewer than {processes} processes listen: {server.log_tail()}")


@asynccontextmanager
async def serving(db_url: str, log: Path, *args: str) -> AsyncIterator[Server]:
    """`eventops serve [args]` on a free port, once healthy; killed afterwards (with its workers) if alive."""
    port = free_port()
    with log.open("wb") as out:  # a file: a server never blocks on a full pipe
        process = subprocess.Popen(
            [*SERVE, "--port", str(port), *args], env=serve_env(db_url), stdout=out, stderr=out
        )
    server = Server(process, f"http://127.0.0.1:{port}", log)
    try:
        await wait_healthy(server)
        if "--workers" in args:
            await wait_listening(server, int(args[args.index("--workers") + 1]))
        yield server
    finally:
        with contextlib.suppress(psutil.NoSuchProcess):
            for proc in [*psutil.Process(process.pid).children(recursive=True), psutil.Process(process.pid)]:
                with contextlib.suppress(psutil.NoSuchProcess):
                    proc.kill()
        process.wait()
