"""The `eventops` command: the same services the web handlers call."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession
from tqdm import tqdm

from eventops.accounts import auth
from eventops.catalog import events
from eventops.errors import BadRequest, DomainError, ErrorCode
from eventops.roster import importer as roster
from eventops.roster import passes
from eventops.settings import Settings
from eventops.storage.db import create_engine, is_sqlite, make_sessionmaker
from eventops.storage.migrations import migrate

T = TypeVar("T")


def _run(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run one unit of work in a session on a fresh engine."""

    async def main() -> T:
        engine = create_engine(settings.database_url)
        try:
            async with make_sessionmaker(engine)() as session:
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(main())


def cmd_init(args: argparse.Namespace, settings: Settings) -> int:
    """Create or upgrade the database schema."""
    migrate(settings.database_url)
    print("database ready")
    return 0


def _serve_worker(settings: Settings, host: str, port: int, reuse_port: bool) -> None:
    """One serving process: the app on `host:port` (shared with its siblings through SO_REUSEPORT)."""
    from aiohttp import web

    from eventops.app import configure_logging, create_app

    if reuse_port:
        os.setpgrp()  # a terminal's Ctrl-C reaches the parent only, which stops the workers once
    configure_logging()
    app = create_app(settings)
    app.on_startup.append(_freeze_startup_objects)
    loop = _event_loop()
    if reuse_port:  # the parent announces the workers
        web.run_app(app, host=host, port=port, access_log=None, reuse_port=True, print=None, loop=loop)
    else:
        web.run_app(app, host=host, port=port, access_log=None, loop=loop)


async def _freeze_startup_objects(_app: object) -> None:
    """Move what start-up built out of the collector's sight: a full collection of it paused scans ~70 ms."""
    gc.collect()
    gc.freeze()


def _event_loop() -> asyncio.AbstractEventLoop:
    """uvloop's event loop when it is installed (less CPU per request), else asyncio's."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Serve the app; with --workers N, N processes share the port (PostgreSQL only)."""
    if args.workers < 1:
        raise BadRequest("--workers must be at least 1", code=ErrorCode.BAD_WORKERS)
    if args.workers == 1:
        _serve_worker(settings, args.host, args.port, reuse_port=False)
        return 0
    if is_sqlite(settings.database_url):
        raise BadRequest(
            "--workers > 1 needs PostgreSQL: SQLite has one writer, serve it from one process",
            code=ErrorCode.WORKERS_NEED_POSTGRESQL,
        )
    return _serve_workers(settings, args.host, args.port, args.workers)


def _serve_workers(settings: Settings, host: str, port: int, count: int) -> int:
    """Start `count` workers, forward SIGINT/SIGTERM to them, wait; if one dies, stop the others."""
    import multiprocessing
    import signal
    from multiprocessing.connection import wait

    spawn = multiprocessing.get_context("spawn")
    workers = [
        spawn.Process(target=_serve_worker, args=(settings, host, port, True), name=f"eventops-worker-{i}")
        for i in range(count)
    ]
    stopping = False

    def stop(_signum: int = 0, _frame: object = None) -> None:
        nonlocal stopping
        stopping = True
        for worker in workers:
            if worker.pid is not None and worker.exitcode is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(worker.pid, signal.SIGTERM)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for worker in workers:
            worker.start()
        pids = ", ".join(str(w.pid) for w in workers)
        print(f"eventops on http://{host}:{port}/: {count} workers (pids {pids})", flush=True)
        while any(w.exitcode is None for w in workers):
            wait([w.sentinel for w in workers if w.exitcode is None])
            if not stopping and any(w.exitcode is not None for w in workers):
                print("error: a worker stopped; stopping the others", file=sys.stderr, flush=True)
                stop()
        for worker in workers:
            worker.join()
    finally:
        stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0 if all(w.exitcode == 0 for w in workers) else 1


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    """Create the schema, seed the demo event, and serve it live with the local Zoom and YouTube fakes."""
    from eventops.demo import live as demo_live
    from eventops.demo import seed as demo

    migrate(settings.database_url)
    if not args.seed_only:
        return demo_live.serve(settings, demo_live.LiveOptions(host=args.host, port=args.port))

    async def seed(session: AsyncSession) -> list[tuple[str, str, str]]:
        logins = await demo.seed(session, public_url=settings.public_url)
        await demo.prepare_live(session)
        return logins

    logins = _run(settings, seed)
    print(f"\n  eventops demo — http://{args.host}:{args.port}/")
    for name, role, password in logins:
        print(f"  login {role:<10} {name} / {password}")
    print()
    return 0


def cmd_user_add(args: argparse.Namespace, settings: Settings) -> int:
    """Add a user who logs in to the web pages."""
    import getpass
    import secrets

    role = auth.Role.parse(args.role)
    password = args.password
    generated = False
    if password is None and sys.stdin.isatty():
        password = getpass.getpass("password (empty: generate one): ")
    if not password:
        password, generated = secrets.token_urlsafe(12), True
    _run(settings, lambda s: auth.add_user(s, args.name, role, password))
    print(f"user {args.name} ({role.name}) added" + (f"; password: {password}" if generated else ""))
    return 0


def cmd_token_create(args: argparse.Namespace, settings: Settings) -> int:
    """Create an API token and print it (it is shown only once)."""
    role = auth.Role.parse(args.role)
    print(_run(settings, lambda s: auth.create_token(s, role, args.name)))
    return 0


def cmd_roster_import(args: argparse.Namespace, settings: Settings) -> int:
    """Import a roster file into an event."""
    data = Path(args.file).read_bytes()

    async def work(session: AsyncSession) -> roster.ImportResult:
        event = await events.get_event(session, args.event)
        with tqdm(desc="roster", unit="row", disable=None) as bar:

            def progress(done: int) -> None:
                bar.update(done - bar.n)

            return await roster.import_roster(
                session, event, data, filename=args.file, dry_run=args.dry_run, progress=progress
            )

    result = _run(settings, work)
    verb = "would be" if result.dry_run else "were"
    print(f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged ({verb} stored)")
    for w in result.warnings:
        print(f"  warning row {w['row']} {w['column']}: {w['message']}")
    return 0


def cmd_passes_render(args: argparse.Namespace, settings: Settings) -> int:
    """Write the printable badge sheet of an event or a batch."""

    async def work(session: AsyncSession) -> tuple[bytes, int]:
        event = await events.get_event(session, args.event)
        with tqdm(desc="badges", unit="badge", disable=None) as bar:

            def progress(done: int) -> None:
                bar.update(done - bar.n)

            return await passes.badges_pdf(session, event, settings.public_url, args.batch, progress)

    pdf, count = _run(settings, work)
    Path(args.out).write_bytes(pdf)
    print(f"{count} badges written to {args.out}")
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    """Write a batch's attendance as CSV, XLSX or PDF (the files the API downloads)."""
    from eventops.attendance import exports

    file = _run(settings, lambda s: exports.export_batch(s, args.event, args.code, args.format))
    Path(args.out).write_bytes(file.data)
    print(f"{file.filename}: {len(file.data):,} bytes written to {args.out}")
    return 0


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

    result = _run(settings, work)
    print(
        f"{result.report_rows} report rows: {result.sessions_created} sessions created,"
        f" {result.sessions_updated} updated, {result.webhook_only} seen only by webhooks"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command line, with --help on every command."""
    parser = argparse.ArgumentParser(prog="eventops", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("init", help="create or upgrade the database schema")
    p.set_defaults(func=cmd_init)

    for name, func, help_text in (
        ("serve", cmd_serve, "serve the web app and API"),
        ("demo", cmd_demo, "seed a demo event and run it with the local Zoom/YouTube fakes"),
    ):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=8080)
        p.set_defaults(func=func, workers=1)
        if name == "serve":
            p.add_argument(
                "--workers", type=int, default=1, help="processes sharing the port (PostgreSQL only)"
            )
        if name == "demo":
            p.add_argument("--seed-only", action="store_true", help="seed and print the logins, do not serve")

    user = sub.add_parser("user", help="manage users").add_subparsers(dest="action", required=True)
    p = user.add_parser("add", help="add a user who logs in to the pages")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=[r.name for r in auth.Role])
    p.add_argument("--password", help="the password (default: asked, or generated and printed)")
    p.set_defaults(func=cmd_user_add)

    token = sub.add_parser("token", help="manage API tokens").add_subparsers(dest="action", required=True)
    p = token.add_parser("create", help="create a bearer token and print it")
    p.add_argument("--role", required=True, choices=[r.name for r in auth.Role])
    p.add_argument("--name", required=True)
    p.set_defaults(func=cmd_token_create)

    rost = sub.add_parser("roster", help="roster files").add_subparsers(dest="action", required=True)
    p = rost.add_parser("import", help="import a CSV or XLSX roster (all or nothing)")
    p.add_argument("event", help="the event's slug")
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="validate only; store nothing")
    p.set_defaults(func=cmd_roster_import)

    pas = sub.add_parser("passes", help="participants' passes").add_subparsers(dest="action", required=True)
    p = pas.add_parser("render", help="write a print-ready PDF of badges")
    p.add_argument("event", help="the event's slug")
    p.add_argument("--batch", help="only this batch's code")
    p.add_argument("--out", required=True, help="the PDF file to write")
    p.set_defaults(func=cmd_passes_render)

    zoom = sub.add_parser("zoom", help="Zoom attendance").add_subparsers(dest="action", required=True)
    p = zoom.add_parser("sync", help="pull a batch's participant report and reconcile it")
    p.add_argument("event", help="the event's slug")
    p.add_argument("code", help="the batch's code")
    p.set_defaults(func=cmd_zoom_sync)

    p = sub.add_parser("export", help="write a batch's attendance as CSV, XLSX or PDF")
    p.add_argument("event", help="the event's slug")
    p.add_argument("code", help="the batch's code")
    p.add_argument("--format", required=True, choices=("csv", "xlsx", "pdf"))
    p.add_argument("--out", required=True, help="the file to write")
    p.set_defaults(func=cmd_export)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: parse, run, turn domain errors into a message and exit code 1 (2 for bad input)."""
    args = build_parser().parse_args(argv)
    settings = Settings.from_env()
    try:
        return int(args.func(args, settings))
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        for item in exc.details:
            if isinstance(item, dict) and "row" in item:
                print(f"  row {item['row']} {item['column']}: {item['message']}", file=sys.stderr)
            else:
                print(f"  {item}", file=sys.stderr)
        return 2 if exc.code in {ErrorCode.INVALID, ErrorCode.ROSTER_INVALID} else 1
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
