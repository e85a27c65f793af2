"""`eventops zoom sync`: a batch's Zoom participant report, reconciled with the webhook sessions."""

from __future__ import annotations

import argparse

from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.catalog import events
from eventops.cli.common import DATABASE, ZOOM_API, Subcommands, command, group, run
from eventops.settings import Settings


def cmd_zoom_sync(args: argparse.Namespace, settings: Settings) -> int:
    """Pull a batch's Zoom participant report and reconcile it with the webhook sessions."""
    import aiohttp

    from eventops.zoom import sync as zoom_sync
    from eventops.zoom.worker import zoom_client

    def say(message: str) -> None:
        print(message, flush=True)

    async def work(session: AsyncSession) -> zoom_sync.SyncResult:
        event = await events.get_event(session, args.event)
        batch = await events.get_batch(session, event, args.code)
        async with aiohttp.ClientSession() as http:
            return await zoom_sync.sync_batch(session, zoom_client(settings, http), batch, progress=say)

    result = run(settings, work)
    print(
        f"{result.report_rows} report rows: {result.sessions_created} sessions created,"
        f" {result.sessions_updated} updated, {result.webhook_only} seen only by webhooks"
    )
    return 0


def add_commands(sub: Subcommands) -> None:
    """`zoom sync`."""
    reads = (*DATABASE, *ZOOM_API)
    zoom = group(sub, "zoom", "Zoom attendance", env=reads)
    p = command(zoom, "sync", cmd_zoom_sync, "pull a batch's participant report and reconcile it", env=reads)
    p.add_argument("event", help="the event's slug")
    p.add_argument("code", help="the batch's code")
