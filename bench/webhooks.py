"""Zoom webhook ingestion: signed events acknowledged per second by a running `eventops serve`.

    python -m bench.webhooks [--events 20000] [--clients 64] [--duplicates 0.05] [--pg URL]

Starts `eventops serve` in its own process on a fresh SQLite database (or, with `--pg`, on a PostgreSQL
database it creates and drops) with a known webhook secret and a batch linked to a meeting id. Sends
`--events` distinct signed joined/left events (half the connections' lefts before their joins, as Zoom may
deliver them) plus `--duplicates` redeliveries, from `--clients` concurrent clients; prints events/s
acknowledged and latency percentiles, then waits until the worker has processed everything and checks the
database: every event stored once, one closed session per connection. A bare aiohttp handler under the same
load is measured too, as the ceiling of this machine (DESIGN.md target: ≥ 3,000/s acknowledged).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import asyncpg
import psutil
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from eventops.catalog import events
from eventops.storage.db import create_engine, make_sessionmaker
from eventops.storage.migrations import migrate
from eventops.storage.models import OnlineSession, ZoomEvent
from integrations.zoom.fake import EventMeeting, EventPerson, encode_event, joined_event, left_event
from integrations.zoom.webhooks import sign

SECRET = "bench_webhook_secret"
MEETING_ID = "81234567890"
START = datetime(2023, 8, 21, 0, 0, tzinfo=UTC)
BARE_SERVER = textwrap.dedent(
    """
    import sys
    from aiohttp import web
    async def handle(request):
        await request.read()
        return web.json_response({"status": "stored"})
    app = web.Application()
    app.router.add_post("/webhooks/zoom", handle)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None)
    """
)


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench.webhooks", description=__doc__)
    parser.add_argument("--events", type=int, default=20_000, help="distinct events (half joins, half lefts)")
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--duplicates", type=float, default=0.05, help="fraction redelivered")
    parser.add_argument("--pg", default="", help="a PostgreSQL URL (postgresql+asyncpg://…); SQLite if unset")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--no-ceiling", action="store_true", help="skip the bare aiohttp handler")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args(argv)


def make_bodies(n_events: int, duplicates: float, seed: int) -> tuple[list[bytes], int]:
    """A joined and a left per connection, shuffled, plus redeliveries; (bodies, distinct count)."""
    rng = random.Random(seed)
    meeting = EventMeeting(MEETING_ID, "Vg8IdgluR5WDeWIkpJlElQ==", START)
    distinct = []
    for n in range(n_events // 2):
        person = EventPerson(str(16778240 + 1024 * n), f"Peserta {n}", email=f"peserta{n}@bench.go.id")
        joined = START + timedelta(seconds=rng.uniform(0, 3600))
        distinct.append(encode_event(joined_event(meeting, person, joined)))
        distinct.append(
            encode_event(left_event(meeting, person, joined + timedelta(minutes=rng.uniform(5, 170))))
        )
    bodies = distinct + rng.sample(distinct, round(len(distinct) * duplicates))
    rng.shuffle(bodies)
    return bodies, len(distinct)


async def seed_database(url: str) -> None:
    """Migrate, then the event and batch K1 linked to the bench's meeting id."""
    await asyncio.to_thread(migrate, url)
    engine = create_engine(url)
    try:
        async with make_sessionmaker(engine)() as session:
            event = await events.create_event(session, "bench", "Bench", "Asia/Makassar")
            batch = events.BatchInput(
                "K1", "Kelompok 1", START, START + timedelta(hours=4), zoom_meeting_id=MEETING_ID
            )
            await events.create_batch(session, event, batch)
    finally:
        await engine.dispose()


@contextmanager
def serve(command: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A server process for the duration of the block."""
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Poll until the server answers (a bench may poll: nothing here is a test)."""
    async with aiohttp.ClientSession() as session:
        for _ in range(300):
            if process.poll() is not None:
                raise SystemExit(f"server exited:\n{log.read_text()[-3000:]}")
            try:
                async with session.get(url) as resp:
                    if resp.status < 500:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise SystemExit(f"server did not start:\n{log.read_text()[-3000:]}")


async def load(url: str, bodies: list[bytes], clients: int) -> tuple[float, list[float], dict[int, int]]:
    """POST every body from `clients` concurrent workers; (seconds, latencies in ms, statuses)."""
    stamp = int(time.time())
    signed = [
        (body, {"x-zm-request-timestamp": str(stamp), "x-zm-signature": sign(SECRET, stamp, body)})
        for body in bodies
    ]
    pending = iter(signed)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            for body, headers in pending:
                began = time.perf_counter()
                async with session.post(
                    url, data=body, headers={**headers, "content-type": "application/json"}
                ) as resp:
                    await resp.read()
                latencies.append((time.perf_counter() - began) * 1000)
                statuses[resp.status] = statuses.get(resp.status, 0) + 1

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        return time.perf_counter() - began, latencies, statuses


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used (the machine may be busy with other work)."""
    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


def report(label: str, seconds: float, latencies: list[float], statuses: dict[int, int]) -> None:
    """Print one load run."""
    cuts = statistics.quantiles(latencies, n=100)
    print(
        f"{label}: {len(latencies):,} requests in {seconds:.2f} s = {len(latencies) / seconds:,.0f}/s;"
        f" p50 {cuts[49]:.1f} ms, p95 {cuts[94]:.1f} ms, p99 {cuts[98]:.1f} ms; statuses {statuses}",
        flush=True,
    )


async def counts(url: str) -> tuple[int, int, int, int, int]:
    """(events stored, unprocessed, waiting, sessions, sessions still open)."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            e, s = ZoomEvent.__table__.c, OnlineSession.__table__.c  # type: ignore[attr-defined]
            row = (
                await conn.execute(
                    select(
                        select(func.count()).select_from(ZoomEvent.__table__).scalar_subquery(),  # type: ignore[attr-defined]
                        select(func.count())
                        .where(e.processed_at.is_(None), e.error.is_(None))
                        .scalar_subquery(),
                        select(func.count()).where(e.error == "waiting_for_join").scalar_subquery(),
                        select(func.count()).select_from(OnlineSession.__table__).scalar_subquery(),  # type: ignore[attr-defined]
                        select(func.count()).where(s.left_at.is_(None)).scalar_subquery(),
                    )
                )
            ).one()
            return tuple(int(v) for v in row)  # type: ignore[return-value]
    finally:
        await engine.dispose()


async def run(options: argparse.Namespace, url: str, workdir: Path) -> bool:
    """Seed, serve, load, wait for the worker, check; True when nothing was lost or doubled."""
    await seed_database(url)
    bodies, distinct = make_bodies(options.events, options.duplicates, options.seed)
    env = {
        **os.environ,
        "EVENTOPS_DATABASE_URL": url,
        "EVENTOPS_ZOOM_WEBHOOK_SECRET": SECRET,
        "EVENTOPS_SECRET_KEY": "bench",
    }
    root = f"http://127.0.0.1:{options.port}"
    command = [
        sys.executable,
        "-m",
        "eventops.cli",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(options.port),
    ]
    print(
        f"{distinct:,} distinct events + {len(bodies) - distinct:,} redeliveries, {options.clients} clients"
    )
    with serve(command, env, workdir / "server.log") as process:
        await wait_until_up(root + "/healthz", process, workdir / "server.log")
        began, cpu = time.perf_counter(), cpu_seconds(process.pid)
        seconds, latencies, statuses = await load(root + "/webhooks/zoom", bodies, options.clients)
        used = cpu_seconds(process.pid) - cpu
        report("eventops serve, POST /webhooks/zoom (acknowledged = stored)", seconds, latencies, statuses)
        print(
            f"server CPU during the load: {used:.2f} s = {used / len(bodies) * 1e6:.0f} µs per request"
            f" (worker included); one free core would acknowledge ~{len(bodies) / used:,.0f}/s",
            flush=True,
        )
        while True:
            stored, unprocessed, waiting, sessions, still_open = await counts(url)
            if unprocessed == 0 and waiting == 0:
                break
            await asyncio.sleep(0.2)
        processed_in = time.perf_counter() - began
    print(f"worker: all {stored:,} events processed {processed_in:.1f} s after the first was sent")
    ok = stored == distinct and sessions == distinct // 2 and still_open == 0
    print(
        f"check: {stored:,} events stored (expected {distinct:,}), {sessions:,} sessions (expected"
        f" {distinct // 2:,}), {still_open} still open -> {'OK' if ok else 'FAILED'}"
    )
    if not options.no_ceiling:
        bare = [sys.executable, "-c", BARE_SERVER, str(options.port + 1)]
        with serve(bare, dict(os.environ), workdir / "bare.log") as process:
            await wait_until_up(f"http://127.0.0.1:{options.port + 1}/", process, workdir / "bare.log")
            cpu = cpu_seconds(process.pid)
            seconds, latencies, statuses = await load(
                f"http://127.0.0.1:{options.port + 1}/webhooks/zoom", bodies, options.clients
            )
            used = cpu_seconds(process.pid) - cpu
            report("ceiling, bare aiohttp handler", seconds, latencies, statuses)
            print(f"bare handler CPU: {used / len(bodies) * 1e6:.0f} µs per request", flush=True)
    return ok


async def _admin(url: str, statement: str) -> None:
    conn = await asyncpg.connect(
        make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    )
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


async def main_async(options: argparse.Namespace) -> bool:
    """Run on SQLite, or on a PostgreSQL database of its own."""
    with tempfile.TemporaryDirectory(prefix="bench-webhooks-") as tmp:
        workdir = Path(tmp)
        if not options.pg:
            print("database: SQLite (WAL)")
            return await run(options, f"sqlite+aiosqlite:///{workdir / 'bench.db'}", workdir)
        name = f"eventops_bench_{uuid.uuid4().hex[:10]}"
        await _admin(options.pg, f'CREATE DATABASE "{name}"')
        try:
            print(f"database: PostgreSQL ({name})")
            url = make_url(options.pg).set(database=name).render_as_string(hide_password=False)
            return await run(options, url, workdir)
        finally:
            await _admin(options.pg, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: 0 when no event was lost or doubled."""
    return 0 if asyncio.run(main_async(parse_arguments(argv))) else 1


if __name__ == "__main__":
    raise SystemExit(main())
