"""`eventops export`: a batch's attendance as the CSV, XLSX or PDF file the API downloads."""

from __future__ import annotations

import argparse
from pathlib import Path

from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.cli.common import Subcommands, command, progress_bar, run
from eventops.settings import Settings


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    """Write a batch's attendance as CSV, XLSX or PDF (the files the API downloads)."""
    from eventops.attendance import exports

    async def work(session: AsyncSession) -> exports.ExportFile:
        with progress_bar(args.format, "record") as progress:
            return await exports.export_batch(session, args.event, args.code, args.format, progress)

    file = run(settings, work)
    Path(args.out).write_bytes(file.data)
    print(f"{file.filename}: {len(file.data):,} bytes written to {args.out}")
    return 0


def add_commands(sub: Subcommands) -> None:
    """`export`."""
    p = command(sub, "export", cmd_export, "write a batch's attendance as CSV, XLSX or PDF")
    p.add_argument("event", help="the event's slug")
    p.add_argument("code", help="the batch's code")
    p.add_argument("--format", required=True, choices=("csv", "xlsx", "pdf"), help="the file's format")
    p.add_argument("--out", required=True, metavar="FILE", help="the file to write")
