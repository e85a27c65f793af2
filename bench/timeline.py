"""Time the dashboard's chart (`attendance.timeline`) for a batch of 5,000 people with 20,000 Zoom rows.

    .venv/bin/python -m bench.timeline [--people 5000] [--zoom 20000] [--pg postgresql+asyncpg://…/test]

Each run creates a database of its own, imports the roster, stores a check-in per person, the Zoom sessions
and a viewer sample a minute, then computes the chart 20 times (automatic step and one point a minute) and
prints the median and the worst.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from bench.common import database
from eventops.attendance.timeline import batch_timeline
from eventops.catalog import events
from eventops.demo.sample import make_rows, to_csv
from eventops.roster import importer as roster
from eventops.storage.db import create_engine, make_sessionmaker
from eventops.storage.models import CheckIn, OnlineSession, Participant, ViewerSample

START = datetime(2023, 8, 21, tzinfo=UTC)
ROUNDS = 20


def _rows(batch_id: int, ids: list[int], zoom: int, rng: random.Random) -> dict[str, list[dict[str, object]]]:
    """A check-in per person, `zoom` sessions (a quarter still open) and a viewer sample a minute."""
    minutes = lambda lo, hi: START + timedelta(minutes=rng.uniform(lo, hi))  # noqa: E731
    checkins = [
        {
            "batch_id": batch_id,
            "participant_id": pid,
            "checked_in_at": minutes(-60, 240),
            "station": "G1",
            "staff": "b",
        }
        for pid in ids
    ]
    sessions = []
    for i in range(zoom):
        joined = minutes(-30, 240)
        left = None if i % 4 == 0 else joined + timedelta(minutes=rng.uniform(1, 120))
        sessions.append(
            {"batch_id": batch_id, "connection_key": f"c{i}", "joined_at": joined, "left_at": left}
            | {"updated_at": START}
        )
    samples = [
        {"batch_id": batch_id, "sampled_at": START + timedelta(minutes=m), "viewers": rng.randint(0, 900)}
        for m in range(0, 240)
    ]
    return {"checkins": checkins, "sessions": sessions, "samples": samples}


async def run(label: str, pg_url: str | None, people: int, zoom: int) -> None:
    """Seed one batch, then time the chart."""
    rng = random.Random(11)
    async with database(pg_url) as url:
        engine = create_engine(url)
        sessions = make_sessionmaker(engine)
        async with sessions() as session:
            event = await events.create_event(session, "bench", "Bench", "Asia/Makassar")
            batch = await events.create_batch(
                session, event, events.BatchInput("K1", "K1", START, START + timedelta(hours=4))
            )
            await roster.import_roster(session, event, to_csv(make_rows(people, batches=("K1",), seed=3)))
            conn = await session.connection()
            ids = list((await conn.execute(select(Participant.__table__.c.id))).scalars())  # type: ignore[attr-defined]
            assert batch.id is not None
            rows = _rows(batch.id, ids, zoom, rng)
            for model, key in ((CheckIn, "checkins"), (OnlineSession, "sessions"), (ViewerSample, "samples")):
                for i in range(0, len(rows[key]), 2000):
                    await conn.execute(insert(model.__table__), rows[key][i : i + 2000])  # type: ignore[attr-defined]
            await session.commit()
        now = START + timedelta(hours=6)
        for step in (None, 60):
            times = []
            for _ in range(ROUNDS):
                async with sessions() as session:
                    began = time.perf_counter()
                    chart = await batch_timeline(session, batch, step=step, now=now)
                    times.append(time.perf_counter() - began)
            last = chart.points[-1]
            print(
                f"{label:<10} step {chart.step:>4} s  {len(chart.points):>4} points  "
                f"median {statistics.median(times) * 1000:6.1f} ms  worst {max(times) * 1000:6.1f} ms  "
                f"(venue {last.venue}, zoom at the end {last.zoom})"
            )
        await engine.dispose()


def main() -> None:
    """Parse arguments and run on each database."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--zoom", type=int, default=20000)
    parser.add_argument("--pg", help="a PostgreSQL URL whose server may create a benchmark database")
    args = parser.parse_args()
    asyncio.run(run("sqlite", None, args.people, args.zoom))
    if args.pg:
        asyncio.run(run("postgresql", args.pg, args.people, args.zoom))


if __name__ == "__main__":
    main()
