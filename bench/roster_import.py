"""Time a roster import of N rows (default 5,000) on SQLite and, with --pg, on PostgreSQL; print the figures.

    .venv/bin/python -m bench.roster_import [--rows 5000] [--pg postgresql+asyncpg://postgres@127.0.0.1/test]

Each run creates a database of its own (a temporary SQLite file, or `eventops_bench_<random>` on the
PostgreSQL server, dropped afterwards), imports the file once (all new) and again with every row changed
(all updates), then the original as XLSX (all updated back).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bench.common import database
from eventops.catalog import events
from eventops.demo.sample import make_rows, to_csv, to_xlsx
from eventops.roster import importer as roster
from eventops.storage.db import create_engine, make_sessionmaker


async def run(label: str, pg_url: str | None, rows: int) -> None:
    """Import, then re-import with changes, and print both times."""
    people = make_rows(rows, batches=("K1", "K2"), seed=7)
    files = {"csv": to_csv(people), "xlsx": to_xlsx(people)}
    changed = to_csv([replace(p, unit=p.unit + " (baru)") for p in people])
    async with database(pg_url) as url:
        engine = create_engine(url)
        sessions = make_sessionmaker(engine)
        async with sessions() as session:
            event = await events.create_event(session, "bench", "Bench", "Asia/Makassar")
            start = datetime(2023, 8, 21, tzinfo=UTC)
            for i, code in enumerate(("K1", "K2")):
                s = start + timedelta(days=i)
                await events.create_batch(
                    session, event, events.BatchInput(code, code, s, s + timedelta(hours=4))
                )
        figures = []
        for what, data in (
            ("create csv", files["csv"]),
            ("update csv", changed),
            ("revert xlsx", files["xlsx"]),
        ):
            async with sessions() as session:
                began = time.perf_counter()
                result = await roster.import_roster(session, event, data, filename=f"bench.{what[-3:]}")
                figures.append((what, time.perf_counter() - began, result))
        await engine.dispose()
    for what, seconds, result in figures:
        print(
            f"{label:<10} {what:<15} {rows:>6} rows  {seconds:6.2f} s  "
            f"(created {result.created}, updated {result.updated}, unchanged {result.unchanged})"
        )


def main() -> None:
    """Parse arguments and run on each database."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--pg", help="a PostgreSQL URL whose server may create a benchmark database")
    args = parser.parse_args()
    asyncio.run(run("sqlite", None, args.rows))
    if args.pg:
        asyncio.run(run("postgresql", args.pg, args.rows))


if __name__ == "__main__":
    main()
