"""Time `finalize` for batches of 5,000, 20,000 and 50,000 participants, and the downloads of 5,000.

    .venv/bin/python -m bench.reconcile [--sizes 5000,20000,50000] [--pg postgresql+asyncpg://postgres@127.0.0.1:5432/test]

Each size gets a database of its own (a temporary SQLite file, and with --pg `eventops_bench_<random>` on that
server, dropped afterwards), filled with bulk inserts: the roster, 4 Zoom session rows per participant (5 %
unmatched, under names people type for roster names, so finalize's matcher has real work; 2 % still open,
many overlapping), check-ins for ~5 % (and a few at the other batch), three
checkpoints with submissions from ~20 %. Seeding and finalizing run in separate processes, so the peak RSS
printed is that of a process that only finalizes (interpreter and imports included). Targets (DESIGN.md):
50,000 in <= 20 s and <= 500 MB; XLSX and PDF of 5,000 in <= 3 s each.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import insert, select

from bench.roster_import import database
from eventops.attendance import exports
from eventops.attendance import records as attendance
from eventops.catalog import events
from eventops.demo.sample import make_rows
from eventops.identity.states import ReviewState
from eventops.storage.chunks import execute_rows
from eventops.storage.db import create_engine, make_sessionmaker
from eventops.storage.models import CheckIn, Checkpoint, CheckpointSubmission, OnlineSession, Participant

START = datetime(2023, 8, 21, 0, 0, tzinfo=UTC)  # 08.00 WITA
END = START + timedelta(hours=4)
SLUG = "bench"


async def _insert(conn: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    await execute_rows(conn, insert(table), rows)


def _typed(rng: random.Random, name: str, unit: str) -> str:
    """A display name as people type it for a roster name: titles left out, in one case, with the unit, a
    letter slipped, or a device's own name (the matcher's real work inside finalize)."""
    plain = name.split(",")[0].removeprefix("Drs. ").removeprefix("Dra. ").removeprefix("Ir. ")
    how = rng.random()
    if how < 0.3:
        return plain
    if how < 0.45:
        return plain.lower()
    if how < 0.7:
        return f"K1_{plain}_{unit}"
    if how < 0.85:
        i = rng.randrange(1, max(2, len(plain) - 1))
        return plain[:i] + plain[i + 1 :]
    return rng.choice(["iPhone", "Galaxy A12", "Zoom user", plain.split()[-1]])


def _sessions(
    rng: random.Random, ids: list[int], count: int, names: list[tuple[str, str]]
) -> list[dict[str, Any]]:
    rows = []
    for n in range(count):
        matched = rng.random() >= 0.05
        joined = START + timedelta(minutes=rng.uniform(-15, 220))
        left = joined + timedelta(minutes=rng.uniform(1, 240))
        rows.append(
            {
                "batch_id": 1,
                "connection_key": f"conn-{n}",
                "joined_at": joined,
                "left_at": None if rng.random() < 0.02 else left,
                "display_name": _typed(rng, *names[n % len(names)]) if not matched else f"Peserta {n % 997}",
                "participant_id": rng.choice(ids) if matched else None,
                "match_method": "email" if matched else None,
                "review_state": ReviewState.MATCHED if matched else ReviewState.PENDING,
                "seen_by_webhook": True,
                "seen_in_report": True,
                "updated_at": START,
            }
        )
    return rows


async def seed(url: str, size: int) -> None:
    """Fill a migrated database with one event, batches K1 and K2, and a K1 roster of `size`."""
    rng = random.Random(size)
    engine = create_engine(url)
    async with make_sessionmaker(engine)() as session:
        event = await events.create_event(session, SLUG, "Bench", "Asia/Makassar")
        for code, day in (("K1", 0), ("K2", 1)):
            at = START + timedelta(days=day)
            await events.create_batch(
                session, event, events.BatchInput(code, code, at, at + timedelta(hours=4))
            )
        conn = await session.connection()
        people = [
            {
                "event_id": event.id,
                "batch_id": 1,
                "nip": row.nip,
                "name": row.name,
                "agency": row.agency,
                "unit": row.unit,
                "email": row.email or None,
                "phone": None,
                "mode": row.mode,
                "walk_in": False,
                "created_at": START,
                "updated_at": START,
            }
            for row in make_rows(size, batches=("K1",), seed=size)
        ]
        await _insert(conn, Participant.__table__, people)  # type: ignore[attr-defined]
        ids = list((await conn.execute(select(Participant.__table__.c.id))).scalars())  # type: ignore[attr-defined]
        names = [(p["name"], p["unit"]) for p in people]
        sessions = _sessions(rng, ids, 4 * size, names)
        await _insert(conn, OnlineSession.__table__, sessions)  # type: ignore[attr-defined]
        door = rng.sample(ids, size // 20)
        checkins = [
            {
                "batch_id": 2 if n % 40 == 0 else 1,
                "participant_id": pid,
                "checked_in_at": START - timedelta(minutes=rng.uniform(0, 90)),
                "station": f"Gate {n % 4 + 1}",
                "staff": "bench",
                "method": "qr",
            }
            for n, pid in enumerate(door)
        ]
        await _insert(conn, CheckIn.__table__, checkins)  # type: ignore[attr-defined]
        windows = [(START + timedelta(minutes=m), START + timedelta(minutes=m + 15)) for m in (30, 110, 200)]
        cps = [
            {"batch_id": 1, "code": f"CP{n}", "opens_at": o, "closes_at": c, "created_at": START}
            for n, (o, c) in enumerate(windows)
        ]
        await _insert(conn, Checkpoint.__table__, cps)  # type: ignore[attr-defined]
        submissions = [
            {
                "checkpoint_id": cp + 1,
                "participant_id": pid,
                "channel": rng.choice(("youtube", "form")),
                "submitted_at": windows[cp][0] + timedelta(minutes=rng.uniform(-2, 16)),
            }
            for pid in rng.sample(ids, size // 5)
            for cp in sorted(rng.sample(range(3), rng.randint(1, 3)))
        ]
        await _insert(conn, CheckpointSubmission.__table__, submissions)  # type: ignore[attr-defined]
        await session.commit()
    await engine.dispose()


async def finalize(url: str, with_exports: bool) -> dict[str, Any]:
    """Finalize K1 on a fresh engine; time it, count statements, and optionally time the downloads."""
    engine = create_engine(url)
    statements: list[str] = []
    sa_event.listen(engine.sync_engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    figures: dict[str, Any] = {}
    async with make_sessionmaker(engine)() as session:
        began, cpu = time.perf_counter(), time.process_time()
        done = await attendance.finalize(session, SLUG, "K1", "bench")
        figures["finalize_s"] = time.perf_counter() - began
        figures["finalize_cpu_s"] = time.process_time() - cpu
        figures["records"] = len(done.records)
        figures["selects"] = sum(s.lstrip().upper().startswith("SELECT") for s in statements)
        figures["by_status"] = dict(done.summary().by_status)
        if with_exports:
            began = time.perf_counter()
            frozen = await attendance.batch_attendance(session, SLUG, "K1")
            figures["load_frozen_s"] = time.perf_counter() - began
            for fmt in ("csv", "xlsx", "pdf"):
                began, cpu = time.perf_counter(), time.process_time()
                file = exports.render(frozen, fmt)
                figures[f"{fmt}_s"] = time.perf_counter() - began
                figures[f"{fmt}_cpu_s"] = time.process_time() - cpu
                figures[f"{fmt}_kb"] = len(file.data) // 1024
    await engine.dispose()
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def _child(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "bench.reconcile", *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return done.stdout


async def run(label: str, pg_url: str | None, size: int) -> None:
    """Seed one database in a child process, finalize in another, print the figures."""
    async with database(pg_url) as url:
        began = time.perf_counter()
        await asyncio.to_thread(_child, "--seed", url, str(size))
        seeded = time.perf_counter() - began
        out = await asyncio.to_thread(_child, "--finalize", url, *(["--exports"] if size <= 5000 else []))
    f = json.loads(out.strip().splitlines()[-1])
    print(
        f"{label:<10} {size:>6} participants {4 * size:>7} zoom rows  finalize {f['finalize_s']:6.2f} s"
        f" (CPU {f['finalize_cpu_s']:5.2f} s, {f['finalize_cpu_s'] / size * 1e6:3.0f} µs/participant)"
        f"  peak RSS {f['peak_rss_mb']:4.0f} MB"
        f"  {f['selects']} SELECTs  {f['records']} records {f['by_status']}  (seeded in {seeded:.1f} s)",
        flush=True,
    )
    if "xlsx_s" in f:
        print(
            f"{label:<10} {size:>6} exports: load frozen {f['load_frozen_s']:.2f} s, CSV {f['csv_s']:.2f} s"
            f" ({f['csv_kb']} KB), XLSX {f['xlsx_s']:.2f} s (CPU {f['xlsx_cpu_s']:.2f} s, {f['xlsx_kb']} KB),"
            f" PDF {f['pdf_s']:.2f} s (CPU {f['pdf_cpu_s']:.2f} s, {f['pdf_kb']} KB)",
            flush=True,
        )


def main() -> None:
    """Parse arguments; the parent runs every size on each database, children seed or finalize one."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="5000,20000,50000")
    parser.add_argument("--pg", help="a PostgreSQL URL whose server may create a benchmark database")
    parser.add_argument("--sqlite", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--seed", nargs=2, metavar=("URL", "SIZE"), help=argparse.SUPPRESS)
    parser.add_argument("--finalize", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--exports", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed:
        asyncio.run(seed(args.seed[0], int(args.seed[1])))
        return
    if args.finalize:
        print(json.dumps(asyncio.run(finalize(args.finalize, args.exports))))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    targets = ([("sqlite", None)] if args.sqlite else []) + ([("postgresql", args.pg)] if args.pg else [])
    for label, url in targets:
        for size in sizes:
            asyncio.run(run(label, url, size))


if __name__ == "__main__":
    main()
