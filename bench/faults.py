"""A bad day on PostgreSQL: what a running `eventops serve` loses, fails or takes when things go wrong.

    .venv/bin/python -m bench.faults --pg postgresql+asyncpg://postgres@127.0.0.1:5432/test
                                     [--participants 3000] [--clients 32] [--only kill terminate ...]

In a database `eventops_bench_<random>` of its own (dropped afterwards), with the door's roster seeded as in
bench.scan_load, it prints:

1. kill -9 mid-load and a restart: `--clients` scanners send every pass once; once a third is acknowledged the
   server is killed with SIGKILL and started again on the same port. A scanner resends what got no answer with
   the same scan_id (as the scanner page's offline queue does). Then the database is checked: scans
   acknowledged, lost (acknowledged but not stored) and doubled (a pass checked in twice).
2. failed requests after PostgreSQL terminated every pooled connection (pg_terminate_backend).
3. shutdown time (SIGTERM until the process exits) with 10 live dashboards open, with 1 and 2 workers.
4. a staff request's p50 alone and while 8 clients flood `POST /login` with wrong passwords.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field

import aiohttp
import asyncpg
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bench.common import database
from bench.scan_load import CODE, SLUG, free_port, scan_bodies, seed
from eventops.accounts import auth
from eventops.accounts.auth import Role
from eventops.storage.db import create_engine, make_sessionmaker
from eventops.storage.models import CheckIn, Scan

SCANS = f"/api/v1/events/{SLUG}/batches/{CODE}/scans"
STATS = f"/api/v1/events/{SLUG}/batches/{CODE}/checkins/stats"
LIVE = f"/api/v1/events/{SLUG}/batches/{CODE}/live"
FAULTS = ["kill", "terminate", "shutdown", "login"]


@dataclass
class Server:
    """`eventops serve` in its own process, which the bench kills, restarts and stops."""

    url: str
    workers: int = 1
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        """Start it and wait until /healthz answers 200 (every worker listening)."""
        argv = [sys.executable, "-m", "eventops.cli", "serve", "--port", str(self.port)]
        env = {**os.environ, "EVENTOPS_DATABASE_URL": self.url}
        argv += ["--workers", str(self.workers)]
        self.process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        async with aiohttp.ClientSession() as http:
            for _ in range(600):
                if self.process.poll() is not None:
                    raise RuntimeError("the server exited at start-up")
                with suppress(aiohttp.ClientError):
                    async with http.get(f"{self.base}/healthz") as resp:
                        if resp.status == 200:
                            await asyncio.sleep(1 if self.workers > 1 else 0)  # the other workers bind too
                            return
                await asyncio.sleep(0.1)
        raise RuntimeError("the server did not come up")

    @property
    def base(self) -> str:
        """Its address."""
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        """SIGKILL: no goodbye."""
        assert self.process is not None
        self.process.kill()
        self.process.wait()

    async def stop(self) -> float:
        """SIGTERM; the seconds until it exited (killed after 120 s)."""
        assert self.process is not None
        started = time.perf_counter()
        self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.to_thread(self.process.wait, 120)
        except subprocess.TimeoutExpired:
            self.kill()
        return time.perf_counter() - started


@asynccontextmanager
async def serving(url: str, workers: int = 1) -> AsyncIterator[Server]:
    """A started server, stopped (or killed) afterwards."""
    server = Server(url, workers)
    await server.start()
    try:
        yield server
    finally:
        if server.process is not None and server.process.poll() is None:
            await server.stop()


async def kill_and_restart(url: str, staff: str, passes: list[str], clients: int) -> str:
    """Scans across a kill -9 and a restart: acknowledged, lost and doubled."""
    bodies = scan_bodies(passes, 0.0)
    acknowledged: dict[str, str] = {}  # scan_id → result
    unanswered = 0
    queue = iter(bodies)
    async with serving(url) as server:

        async def scanner(http: aiohttp.ClientSession) -> None:
            nonlocal unanswered
            for body in queue:
                for _ in range(600):  # resend until answered, for at most ~60 s
                    try:
                        async with http.post(server.base + SCANS, json=body, headers=bearer(staff)) as resp:
                            if resp.status == 200:
                                acknowledged[body["scan_id"]] = (await resp.json())["result"]
                                break
                    except (TimeoutError, aiohttp.ClientError):
                        pass
                    unanswered += 1
                    await asyncio.sleep(0.1)  # the scanner's offline queue waits before resending

        async def killer() -> None:
            while len(acknowledged) < len(bodies) // 3:
                await asyncio.sleep(0.01)
            server.kill()
            await server.start()

        timeout = aiohttp.ClientTimeout(total=10)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            await asyncio.gather(killer(), *(scanner(http) for _ in range(clients)))
    stored, checkins, twice = await _stored(url)
    lost = sum(1 for scan_id in acknowledged if scan_id not in stored)
    welcomed = sum(1 for result in acknowledged.values() if result == "ok")  # each pass is scanned once
    return (
        f"kill -9 mid-load, restart: {len(acknowledged):,} of {len(bodies):,} scans acknowledged "
        f"({welcomed:,} ok), {lost + max(0, welcomed - checkins)} lost, {twice} doubled; "
        f"{unanswered} sends went unanswered and were resent"
    )


async def _stored(url: str) -> tuple[set[str], int, int]:
    """The scan_ids stored, the check-ins, and the passes checked in more than once."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            stored = set((await conn.scalars(select(Scan.scan_id))).all())
            checkins = await conn.scalar(select(func.count()).select_from(CheckIn)) or 0
            per_pass = (
                select(func.count()).select_from(CheckIn).group_by(CheckIn.participant_id, CheckIn.batch_id)
            )
            twice = sum(1 for n in (await conn.scalars(per_pass)).all() if n > 1)
    finally:
        await engine.dispose()
    return stored, checkins, twice


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for a token."""
    return {"Authorization": f"Bearer {token}"}


async def _terminate(url: str) -> int:
    """pg_terminate_backend on every connection to the database; how many; waits until they are gone."""
    conn = await asyncpg.connect(make_url(url).set(drivername="postgresql").render_as_string(False))
    try:
        others = "datname = current_database() AND pid <> pg_backend_pid()"
        pids = [r["pid"] for r in await conn.fetch(f"SELECT pid FROM pg_stat_activity WHERE {others}")]
        await conn.execute("SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid", pids)
        while await conn.fetchval("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY($1)", pids):
            await asyncio.sleep(0.05)
        return len(pids)
    finally:
        await conn.close()


async def terminated_connections(url: str, staff: str, clients: int) -> str:
    """Requests that fail after PostgreSQL terminated every connection of the server."""
    async with serving(url) as server, aiohttp.ClientSession() as http:

        async def burst(n: int) -> Counter[int]:
            async def one(i: int) -> int:
                if i % 2:
                    async with http.get(server.base + STATS, headers=bearer(staff)) as resp:
                        return resp.status
                body = {"token": f"unknown-{uuid.uuid4().hex}", "scan_id": str(uuid.uuid4()), "station": "G"}
                body["scanned_at"] = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
                async with http.post(server.base + SCANS, json=body, headers=bearer(staff)) as resp:
                    return resp.status

            statuses: Counter[int] = Counter()
            for start in range(0, n, clients):
                statuses.update(
                    await asyncio.gather(*(one(i) for i in range(start, min(n, start + clients))))
                )
            return statuses

        await burst(4 * clients)  # the pool holds its connections
        count = await _terminate(url)
        statuses = await burst(400)
    failed = sum(n for status, n in statuses.items() if status != 200)
    return (
        f"pg_terminate_backend of the server's {count} connections: {failed} of 400 requests failed after "
        f"(scans and staff requests, {clients} at a time; statuses {dict(statuses)})"
    )


async def shutdown_with_streams(url: str, moderator: str, workers: int, streams: int = 10) -> str:
    """Seconds from SIGTERM to exit with live dashboards open."""
    server = Server(url, workers)
    await server.start()
    async with aiohttp.ClientSession() as http:
        responses = []
        for _ in range(streams):
            resp = await http.get(server.base + LIVE, headers=bearer(moderator))
            await resp.content.readline()  # `event: hello`: the handler is streaming
            responses.append(resp)
        seconds = await server.stop()
        for resp in responses:
            resp.close()
    return (
        f"shutdown with {streams} live streams open, {workers} worker(s): {seconds:.1f} s from SIGTERM to end"
    )


async def login_flood(url: str, staff: str, flooders: int = 8, requests: int = 200) -> str:
    """A staff request's p50 alone and while `flooders` clients send wrong passwords to POST /login."""
    engine = create_engine(url)
    try:
        async with make_sessionmaker(engine)() as session:
            await auth.add_user(session, "panitia-bench", Role.organiser, "the-right-password")
    finally:
        await engine.dispose()
    async with serving(url) as server, aiohttp.ClientSession() as http:

        async def staff_p50() -> float:
            latencies = []
            for _ in range(requests):
                started = time.perf_counter()
                async with http.get(server.base + STATS, headers=bearer(staff)) as resp:
                    await resp.read()
                latencies.append(time.perf_counter() - started)
            return statistics.median(latencies) * 1000

        alone = await staff_p50()
        done = asyncio.Event()
        logins: Counter[int] = Counter()

        async def flooder() -> None:
            jar = aiohttp.CookieJar(unsafe=True)  # keeps the CSRF cookie of an address like 127.0.0.1
            async with aiohttp.ClientSession(cookie_jar=jar) as own:
                page = await (await own.get(server.base + "/login")).text()
                match = re.search(r'name="csrf" value="([^"]+)"', page)
                csrf = match.group(1) if match else ""
                while not done.is_set():
                    form = {"name": "panitia-bench", "password": "wrong-guess", "csrf": csrf, "next": "/"}
                    async with own.post(server.base + "/login", data=form, allow_redirects=False) as resp:
                        logins[resp.status] += 1

        tasks = [asyncio.create_task(flooder()) for _ in range(flooders)]
        try:
            flooded = await staff_p50()
        finally:
            done.set()
            await asyncio.gather(*tasks)
    return (
        f"staff request p50 {alone:.1f} ms alone, {flooded:.1f} ms while {flooders} clients flood the login "
        f"(login answers {dict(logins)})"
    )


async def main() -> None:
    """Parse the arguments and print each figure."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pg", default=os.environ.get("EVENTOPS_BENCH_DATABASE_URL"), help="PostgreSQL URL")
    parser.add_argument("--participants", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument(
        "--only", nargs="+", default=FAULTS, choices=FAULTS, metavar="FAULT", help=" ".join(FAULTS)
    )
    args = parser.parse_args()
    if not args.pg:
        parser.error("--pg is required: these faults are PostgreSQL's")
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    async with database(args.pg) as url:
        staff, passes = await seed(url, args.participants)
        engine = create_engine(url)
        try:
            async with make_sessionmaker(engine)() as session:
                moderator = await auth.create_token(session, Role.moderator, "bench-moderator")
        finally:
            await engine.dispose()
        if "kill" in args.only:
            print(await kill_and_restart(url, staff, passes, args.clients), flush=True)
        if "terminate" in args.only:
            print(await terminated_connections(url, staff, args.clients), flush=True)
        if "shutdown" in args.only:
            for workers in (1, 2):
                print(await shutdown_with_streams(url, moderator, workers), flush=True)
        if "login" in args.only:
            print(await login_flood(url, staff), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
