"""Load the scan API the way a busy door does, and print scans/s and latency beside a bare aiohttp ceiling.

    .venv/bin/python -m bench.scan_load [--clients 64] [--participants 5000] [--duplicates 0.1]
                                        [--pg postgresql+asyncpg://postgres@127.0.0.1:5432/test]
                                        [--workers 2] [--no-sqlite]

For each database (a temporary SQLite file always; PostgreSQL too with --pg or EVENTOPS_BENCH_DATABASE_URL, in
a database `eventops_bench_<random>` of its own, dropped afterwards) it seeds an event with N participants
through the roster import, creates a staff token, starts `eventops serve` in its own process (with
`--workers` processes sharing the port on PostgreSQL; the CPU figure sums them), and drives
`--clients` concurrent HTTP clients through a fixed set of distinct scans: every pass once plus a share of
repeats, shuffled. A bare aiohttp JSON handler in another process gets the same load, as the ceiling. Then it
checks the database: one check-in per distinct pass scanned, none lost and none doubled.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import psutil
from sqlalchemy import func, select

from bench.common import database
from eventops.accounts import auth
from eventops.accounts.auth import Role
from eventops.catalog import events
from eventops.demo.sample import make_rows, to_csv
from eventops.roster import importer as roster
from eventops.storage.db import create_engine, make_sessionmaker
from eventops.storage.models import CheckIn, Participant, Pass, Scan

SLUG, CODE = "bench-2023", "K1"
CEILING_APP = """
import sys
from aiohttp import web

async def handle(request):
    body = await request.json()
    return web.json_response({"result": "ok", "participant": None, "echo": body.get("scan_id")})

app = web.Application()
app.router.add_post("/api/v1/events/{event}/batches/{code}/scans", handle)
app.router.add_get("/healthz", lambda request: web.json_response({"status": "ok"}))
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None)
"""


@dataclass(frozen=True)
class Figures:
    """One load run: how many requests, how long, and their latencies (seconds)."""

    requests: int
    seconds: float
    latencies: list[float]
    statuses: Counter[int]
    results: Counter[str]
    server_cpu: float = 0.0  # seconds of CPU the server process used for these requests

    def line(self, label: str) -> str:
        """One printed line: rate, percentiles and the server's CPU per request, in milliseconds."""
        q = statistics.quantiles(self.latencies, n=100, method="inclusive")
        return (
            f"{label:<24} {self.requests / self.seconds:6.0f} req/s  p50 {q[49] * 1000:6.1f} ms  "
            f"p95 {q[94] * 1000:6.1f} ms  p99 {q[98] * 1000:6.1f} ms  "
            f"server CPU {self.server_cpu / self.requests * 1000:5.2f} ms/req"
        )


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def seed(url: str, participants: int) -> tuple[str, list[str]]:
    """The event, its batch and roster (each participant gets a pass); a staff token and the pass tokens."""
    engine = create_engine(url)
    try:
        async with make_sessionmaker(engine)() as session:
            event = await events.create_event(session, SLUG, "Literasi Digital ASN (bench)", "Asia/Makassar")
            now = datetime.now(UTC)
            batch = events.BatchInput(
                code=CODE,
                name="Kelompok 1",
                starts_at=now - timedelta(hours=1),
                ends_at=now + timedelta(hours=3),
            )
            await events.create_batch(session, event, batch)
            rows = make_rows(participants, batches=(CODE,), seed=11)
            await roster.import_roster(session, event, to_csv(rows), filename="roster.csv")
            token = await auth.create_token(session, Role.staff, "bench-staff")
            found = await session.exec(select(Pass.token).join(Participant))  # type: ignore[call-overload]
            return token, [t for (t,) in found.all()]
    finally:
        await engine.dispose()


@asynccontextmanager
async def server(argv: list[str], port: int, env: dict[str, str]) -> AsyncIterator[psutil.Process]:
    """A server process on `port`, up once /healthz answers, stopped afterwards."""
    # Its log goes to a file: the access log writes a line per scan, and an unread pipe would stall it.
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=log)
        try:
            async with aiohttp.ClientSession() as http:
                for _ in range(600):  # up to 30 s
                    if proc.poll() is not None:
                        log.seek(0)
                        raise RuntimeError(f"server exited: {log.read().decode()[-2000:]}")
                    try:
                        async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                            if resp.status == 200:
                                break
                    except aiohttp.ClientConnectionError:
                        pass
                    await asyncio.sleep(0.05)
                else:
                    raise RuntimeError("server did not come up")
            yield psutil.Process(proc.pid)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def scan_bodies(tokens: list[str], duplicates: float, seed: int = 5) -> list[dict[str, str]]:
    """Every pass once plus a share of repeats, shuffled; each with its own scan_id."""
    rng = random.Random(seed)
    chosen = tokens + rng.choices(tokens, k=int(len(tokens) * duplicates))
    rng.shuffle(chosen)
    now = datetime.now(UTC).isoformat()
    return [
        {"token": t, "scan_id": str(uuid.uuid4()), "station": f"Gate {i % 8}", "scanned_at": now}
        for i, t in enumerate(chosen)
    ]


def cpu_seconds(process: psutil.Process) -> float:
    """User and system CPU a server has used so far (with its worker processes)."""
    total = 0.0
    for proc in (process, *process.children(recursive=True)):
        try:
            times = proc.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


async def drive(
    port: int, staff: str, bodies: list[dict[str, str]], clients: int, process: psutil.Process
) -> Figures:
    """Send every body once over `clients` concurrent connections; time each request."""
    url = f"http://127.0.0.1:{port}/api/v1/events/{SLUG}/batches/{CODE}/scans"
    headers = {"Authorization": f"Bearer {staff}"}
    queue = iter(bodies)
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    results: Counter[str] = Counter()
    connector = aiohttp.TCPConnector(limit=clients, force_close=False)

    async def worker(http: aiohttp.ClientSession) -> None:
        for body in queue:
            started = time.perf_counter()
            async with http.post(url, json=body, headers=headers) as resp:
                answer: dict[str, Any] = await resp.json()
            latencies.append(time.perf_counter() - started)
            statuses[resp.status] += 1
            results[str(answer.get("result", answer.get("error")))] += 1

    async with aiohttp.ClientSession(connector=connector) as http:
        cpu = cpu_seconds(process)
        started = time.perf_counter()
        await asyncio.gather(*(worker(http) for _ in range(clients)))
        seconds = time.perf_counter() - started
        cpu = cpu_seconds(process) - cpu
    return Figures(len(bodies), seconds, latencies, statuses, results, cpu)


async def check(url: str, distinct: int, scanned: int) -> str:
    """No lost and no doubled check-in: one per distinct pass, and every scan stored."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            checkins = await conn.scalar(select(func.count()).select_from(CheckIn))
            scans = await conn.scalar(select(func.count()).select_from(Scan))
    finally:
        await engine.dispose()
    verdict = "OK" if (checkins, scans) == (distinct, scanned) else "MISMATCH"
    return f"check-ins {checkins} for {distinct} passes; scans stored {scans} of {scanned} sent: {verdict}"


async def run(label: str, pg_url: str | None, args: argparse.Namespace, workers: int = 1) -> None:
    """Seed, serve (with `workers` processes), load, check, print."""
    async with database(pg_url) as url:
        staff, tokens = await seed(url, args.participants)
        bodies = scan_bodies(tokens, args.duplicates)
        warmup = [
            {**b, "token": f"warmup{i:06d}", "scan_id": str(uuid.uuid4())} for i, b in enumerate(bodies[:500])
        ]
        port = free_port()
        env = {**os.environ, "EVENTOPS_DATABASE_URL": url}
        argv = [sys.executable, "-m", "eventops.cli", "serve", "--port", str(port), "--workers", str(workers)]
        async with server(argv, port, env) as process:
            await drive(port, staff, warmup, args.clients, process)  # pool and caches; `unknown` scans
            figures = await drive(port, staff, bodies, args.clients, process)
        label = f"{label}, {workers} worker{'s' if workers > 1 else ''}"
        print(figures.line(f"eventops on {label}"))
        print(f"{'':<24} statuses {dict(figures.statuses)}   results {dict(figures.results)}")
        print(f"{'':<24} {await check(url, len(set(tokens)), len(bodies) + len(warmup))}")


async def ceiling(args: argparse.Namespace) -> None:
    """The same load on a bare aiohttp JSON handler: the most this machine and client could do."""
    port = free_port()
    bodies = scan_bodies([uuid.uuid4().hex for _ in range(args.participants)], args.duplicates)
    async with server([sys.executable, "-c", CEILING_APP, str(port)], port, dict(os.environ)) as process:
        await drive(port, "x", bodies[:500], args.clients, process)
        figures = await drive(port, "x", bodies, args.clients, process)
    print(figures.line("bare aiohttp (ceiling)"))


async def main() -> None:
    """Parse the arguments and run each database, then the ceiling."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--participants", type=int, default=5000)
    parser.add_argument("--duplicates", type=float, default=0.1, help="share of repeated scans (0.1 = 10 %%)")
    parser.add_argument(
        "--pg", default=os.environ.get("EVENTOPS_BENCH_DATABASE_URL"), help="PostgreSQL admin URL"
    )
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite run")
    parser.add_argument(
        "--workers", type=int, default=1, help="server processes on PostgreSQL (SQLite always has one)"
    )
    args = parser.parse_args()
    print(
        f"{args.clients} clients, {args.participants} passes + {args.duplicates:.0%} repeats,"
        f" {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    if not args.no_sqlite:
        await run("SQLite", None, args)
    if args.pg:
        await run("PostgreSQL", args.pg, args, args.workers)
    await ceiling(args)


if __name__ == "__main__":
    asyncio.run(main())
