"""`eventops serve --workers N`: N processes share one port on PostgreSQL; SQLite is refused (one writer)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import aiohttp
import psutil
import pytest

SERVE = [sys.executable, "-m", "eventops.cli", "serve", "--host", "127.0.0.1"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(db_url: str) -> dict[str, str]:
    return {**os.environ, "EVENTOPS_DATABASE_URL": db_url, "EVENTOPS_SECRET_KEY": "test-secret"}


async def _healthy(proc: subprocess.Popen[str], port: int) -> None:
    """Wait (up to 60 s) until /healthz answers 200; fail if the server exits first."""
    async with aiohttp.ClientSession() as http:
        for _ in range(600):
            assert proc.poll() is None, "the server exited"
            try:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.1)  # polling a starting process, not synchronising test steps
    pytest.fail("the workers did not come up")


def _listening(pid: int, port: int) -> bool:
    return any(
        c.status == psutil.CONN_LISTEN and c.laddr.port == port
        for c in psutil.Process(pid).net_connections(kind="tcp")
    )


async def _all_listening(pids: list[int], port: int) -> bool:
    """Wait (up to 60 s) until every worker listens on the port; False if one never does."""
    for _ in range(600):
        if all(_listening(pid, port) for pid in pids):
            return True
        await asyncio.sleep(0.1)  # polling starting processes, not synchronising test steps
    return False


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_two_workers_share_the_port_and_stop_with_the_parent(db_url: str, tmp_path: Path) -> None:
    port = _free_port()
    argv = [*SERVE, "--port", str(port), "--workers", "2"]
    path = tmp_path / "serve.log"
    log = path.open("w")  # a file: workers never block on a full pipe
    pids: list[int] = []
    with log, subprocess.Popen(argv, env=_env(db_url), stdout=subprocess.PIPE, stderr=log, text=True) as proc:
        try:
            assert proc.stdout is not None
            banner = await asyncio.to_thread(proc.stdout.readline)
            match = re.search(r"2 workers \(pids (\d+), (\d+)\)", banner)
            assert match, banner
            pids += [int(p) for p in match.groups()]
            await _healthy(proc, port)
            workers = [psutil.Process(pid) for pid in pids]
            assert all(w.is_running() and w.ppid() == proc.pid for w in workers)
            assert await _all_listening(pids, port), path.read_text()[-3000:]  # SO_REUSEPORT: both bound it
            proc.send_signal(signal.SIGTERM)
            code = await asyncio.to_thread(proc.wait, 60)
            assert code == 0, path.read_text()[-3000:]  # 0: every worker exited cleanly
            assert not any(w.is_running() for w in workers)
        finally:
            for pid in [proc.pid, *pids]:  # never leave a server behind
                with contextlib.suppress(psutil.NoSuchProcess):
                    psutil.Process(pid).kill()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_several_workers_on_sqlite_are_refused(db_url: str) -> None:
    argv = [*SERVE, "--port", str(_free_port()), "--workers", "2"]
    done = subprocess.run(argv, env=_env(db_url), capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "needs PostgreSQL" in done.stderr and "one writer" in done.stderr
