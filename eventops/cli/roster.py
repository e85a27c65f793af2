"""`eventops roster import` and `eventops passes render`: roster files in, printable badges out."""

from __future__ import annotations

import argparse
from pathlib import Path

from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.catalog import events
from eventops.cli.common import DATABASE, Subcommands, command, group, progress_bar, run
from eventops.roster import importer as roster
from eventops.roster import passes
from eventops.settings import Settings


def cmd_roster_import(args: argparse.Namespace, settings: Settings) -> int:
    """Import a roster file into an event (all or nothing: a file with a bad row stores nothing)."""
    data = Path(args.file).read_bytes()

    async def work(session: AsyncSession) -> roster.ImportResult:
        event = await events.get_event(session, args.event)
        with progress_bar("roster", "row") as progress:
            return await roster.import_roster(
                session, event, data, filename=args.file, dry_run=args.dry_run, progress=progress
            )

    result = run(settings, work)
    verb = "would be" if result.dry_run else "were"
    print(f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged ({verb} stored)")
    for w in result.warnings:
        print(f"  warning row {w['row']} {w['column']}: {w['message']}")
    return 0


def cmd_passes_render(args: argparse.Namespace, settings: Settings) -> int:
    """Write the printable badge sheet (8 badges per A4 page) of an event or a batch."""

    async def work(session: AsyncSession) -> tuple[bytes, int]:
        event = await events.get_event(session, args.event)
        if args.batch is not None:
            await events.get_batch(session, event, args.batch)  # the same "no batch" as every command
        with progress_bar("badges", "badge") as progress:
            return await passes.badges_pdf(session, event, settings.public_url, args.batch, progress)

    pdf, count = run(settings, work)
    Path(args.out).write_bytes(pdf)
    print(f"{count} badges written to {args.out}")
    return 0


def add_commands(sub: Subcommands) -> None:
    """`roster import` and `passes render`."""
    rost = group(sub, "roster", "roster files")
    p = command(rost, "import", cmd_roster_import, "import a CSV or XLSX roster (all or nothing)")
    p.add_argument("event", help="the event's slug")
    p.add_argument("file", help="the CSV (comma or semicolon; UTF-8, BOM or Windows-1252) or XLSX file")
    p.add_argument("--dry-run", action="store_true", help="validate only; store nothing")

    reads = (*DATABASE, "EVENTOPS_PUBLIC_URL")
    pas = group(sub, "passes", "participants' passes", env=reads)
    p = command(pas, "render", cmd_passes_render, "write a print-ready PDF of badges", env=reads)
    p.add_argument("event", help="the event's slug")
    p.add_argument("--batch", metavar="CODE", help="only this batch's badges (default: the whole event)")
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="the PDF file to write")
