"""The `eventops` command: the same services the web handlers call."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import importlib.metadata
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession
from tqdm import tqdm

from eventops import diagnose
from eventops.accounts import auth
from eventops.catalog import events
from eventops.errors import BadRequest, DomainError, ErrorCode
from eventops.roster import importer as roster
from eventops.roster import passes
from eventops.settings import Settings
from eventops.storage import health
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


def _check_database(settings: Settings) -> None:
    """Connect once, so that a database that is down or missing is reported before anything starts."""

    async def connect(session: AsyncSession) -> None:
        await session.connection()

    _run(settings, connect)


@contextlib.contextmanager
def _progress_bar(what: str, unit: str) -> Iterator[Callable[[int, int], None]]:
    """A tqdm bar (on a terminal only) fed by a service's `progress(done, total)`: a total and time left."""
    with tqdm(desc=what, unit=unit, disable=None) as bar:

        def update(done: int, total: int) -> None:
            if bar.total != total:
                bar.total = total
            bar.update(done - bar.n)

        yield update


def cmd_init(args: argparse.Namespace, settings: Settings) -> int:
    """Create or upgrade the database schema."""
    migrate(settings.database_url)
    print("database ready")
    return 0


def _serve_worker(settings: Settings, host: str, port: int, reuse_port: bool) -> None:
    """One serving process: the app on `host:port` (shared with its siblings through SO_REUSEPORT)."""
    from aiohttp import web

    from eventops.app import configure_logging, create_app, open_pool

    if reuse_port:
        os.setpgrp()  # a terminal's Ctrl-C reaches the parent only, which stops the workers once
    configure_logging(settings.log_level, settings.log_format)
    app = create_app(settings)
    app.on_startup.extend((open_pool, _freeze_startup_objects))
    loop = _event_loop()
    if reuse_port:  # the parent announces the workers
        web.run_app(app, host=host, port=port, access_log=None, reuse_port=True, print=None, loop=loop)
    else:
        # With JSON logs, aiohttp's banner is a log record too: every line of stderr stays one JSON object.
        banner = print if settings.log_format == "text" else logging.getLogger("eventops").info
        web.run_app(app, host=host, port=port, access_log=None, loop=loop, print=banner)


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


def _require_schema(settings: Settings) -> None:
    """Refuse to serve a database that does not answer or whose schema is not at the newest revision."""

    async def check() -> tuple[str, str]:
        engine = create_engine(settings.database_url)
        try:
            return await health.check(engine)
        finally:
            await engine.dispose()

    status, reason = asyncio.run(check())
    if status != "ok":
        raise diagnose.SetupError(reason)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Serve the app; with --workers N, N processes share the port (PostgreSQL only)."""
    if args.workers < 1:
        raise BadRequest("--workers must be at least 1", code=ErrorCode.BAD_WORKERS)
    if args.workers > 1 and is_sqlite(settings.database_url):
        raise BadRequest(
            "--workers > 1 needs PostgreSQL: SQLite has one writer, serve it from one process",
            code=ErrorCode.WORKERS_NEED_POSTGRESQL,
        )
    diagnose.check_port(args.host, args.port)
    _check_database(settings)
    _require_schema(settings)
    if args.workers == 1:
        _serve_worker(settings, args.host, args.port, reuse_port=False)
        return 0
    with _metrics_folder():
        return _serve_workers(settings, args.host, args.port, args.workers)


@contextlib.contextmanager
def _metrics_folder() -> Iterator[None]:
    """A fresh folder where every worker writes its metrics, for /metrics to add them up (the workers inherit
    PROMETHEUS_MULTIPROC_DIR); one the operator set is used as it is (empty it between runs)."""
    import tempfile

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        yield
        return
    with tempfile.TemporaryDirectory(prefix="eventops-metrics-") as folder:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
        try:
            yield
        finally:
            del os.environ["PROMETHEUS_MULTIPROC_DIR"]


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
        if stopping:  # a signal during start-up reached only the workers started before it
            stop()
        pids = ", ".join(str(w.pid) for w in workers)
        print(f"eventops on http://{host}:{port}/: {count} workers (pids {pids})", flush=True)
        # One list per round: polling exit codes twice could see the last worker running, then gone,
        # and wait on no sentinel at all, forever.
        while alive := [w for w in workers if w.exitcode is None]:
            ready = wait([w.sentinel for w in alive])
            for worker in alive:
                if worker.sentinel in ready:
                    worker.join()  # its sentinel closes as it exits, a moment before it can be reaped
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

    if not args.seed_only:
        diagnose.check_port(args.host, args.port)
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


def _password(given: str | None) -> tuple[str, bool]:
    """The password from --password, the terminal (asked) or stdin's first line; generated when empty."""
    import getpass
    import secrets

    password = given
    if password is None:
        if sys.stdin.isatty():
            password = getpass.getpass("password (empty: generate one): ")
        else:
            password = sys.stdin.readline().rstrip("\r\n")  # `echo "$PASSWORD" | eventops user add …`
    if password:
        return password, False
    return secrets.token_urlsafe(12), True


def cmd_user_add(args: argparse.Namespace, settings: Settings) -> int:
    """Add a user who logs in to the web pages."""
    role = auth.Role.parse(args.role)
    password, generated = _password(args.password)
    _run(settings, lambda s: auth.add_user(s, args.name, role, password))
    print(f"user {args.name} ({role.name}) added" + (f"; password: {password}" if generated else ""))
    return 0


def cmd_user_list(args: argparse.Namespace, settings: Settings) -> int:
    """List the users: name, role, whether they may log in, when they were added."""
    users = _run(settings, auth.list_users)
    print(f"{'NAME':<24} {'ROLE':<10} {'STATE':<9} ADDED")
    for user in users:
        state = "disabled" if user.disabled else "active"
        print(f"{user.name:<24} {user.role:<10} {state:<9} {user.created_at:%Y-%m-%d %H:%M} UTC")
    return 0


def cmd_user_passwd(args: argparse.Namespace, settings: Settings) -> int:
    """Set a user's password; their open login sessions end."""
    password, generated = _password(args.password)
    _run(settings, lambda s: auth.change_password(s, args.name, password))
    print(f"password of {args.name} changed" + (f": {password}" if generated else ""))
    return 0


def cmd_user_disable(args: argparse.Namespace, settings: Settings) -> int:
    """Stop a user from logging in and end their open sessions (`user enable` lets them in again)."""
    _run(settings, lambda s: auth.set_disabled(s, args.name, True))
    print(f"user {args.name} disabled; their sessions have ended")
    return 0


def cmd_user_enable(args: argparse.Namespace, settings: Settings) -> int:
    """Let a disabled user log in again."""
    _run(settings, lambda s: auth.set_disabled(s, args.name, False))
    print(f"user {args.name} enabled")
    return 0


def cmd_token_create(args: argparse.Namespace, settings: Settings) -> int:
    """Create an API token and print it (it is shown only once)."""
    role = auth.Role.parse(args.role)
    print(_run(settings, lambda s: auth.create_token(s, role, args.name)))
    return 0


def cmd_token_list(args: argparse.Namespace, settings: Settings) -> int:
    """List the API tokens by id, name and role (the tokens themselves are stored hashed: never shown)."""
    tokens = _run(settings, auth.list_tokens)
    print(f"{'ID':>5} {'NAME':<24} {'ROLE':<10} {'STATE':<8} CREATED")
    for token in tokens:
        state = "revoked" if token.revoked_at is not None else "active"
        created = f"{token.created_at:%Y-%m-%d %H:%M} UTC"
        print(f"{token.id:>5} {token.name:<24} {token.role:<10} {state:<8} {created}")
    return 0


def cmd_token_revoke(args: argparse.Namespace, settings: Settings) -> int:
    """Revoke an API token by its id or its name (see `token list`)."""
    token = _run(settings, lambda s: auth.revoke_token(s, args.token))
    print(
        f"token {token.id} ({token.name}) revoked; "
        f"running servers refuse it within {auth.TokenCache().ttl:.0f} s"
    )
    return 0


def cmd_roster_import(args: argparse.Namespace, settings: Settings) -> int:
    """Import a roster file into an event (all or nothing: a file with a bad row stores nothing)."""
    data = Path(args.file).read_bytes()

    async def work(session: AsyncSession) -> roster.ImportResult:
        event = await events.get_event(session, args.event)
        with _progress_bar("roster", "row") as progress:
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
    """Write the printable badge sheet (8 badges per A4 page) of an event or a batch."""

    async def work(session: AsyncSession) -> tuple[bytes, int]:
        event = await events.get_event(session, args.event)
        if args.batch is not None:
            await events.get_batch(session, event, args.batch)  # the same "no batch" as every command
        with _progress_bar("badges", "badge") as progress:
            return await passes.badges_pdf(session, event, settings.public_url, args.batch, progress)

    pdf, count = _run(settings, work)
    Path(args.out).write_bytes(pdf)
    print(f"{count} badges written to {args.out}")
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    """Write a batch's attendance as CSV, XLSX or PDF (the files the API downloads)."""
    from eventops.attendance import exports

    async def work(session: AsyncSession) -> exports.ExportFile:
        with _progress_bar(args.format, "record") as progress:
            return await exports.export_batch(session, args.event, args.code, args.format, progress)

    file = _run(settings, work)
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


# What each variable does, for the "environment" section of --help (README has the full table).
ENVIRONMENT = {
    "EVENTOPS_DATABASE_URL": "the database (default sqlite+aiosqlite:///./eventops.db; on PostgreSQL "
    "postgresql+asyncpg://USER:PASSWORD@HOST:5432/DATABASE)",
    "EVENTOPS_PUBLIC_URL": "the address in passes' QR codes and links (default http://127.0.0.1:8080)",
    "EVENTOPS_SECRET_KEY": "set it in production (default: random per process)",
    "EVENTOPS_MAX_UPLOAD_BYTES": "the largest roster upload (default 20971520)",
    "EVENTOPS_COOKIE_SECURE": "1 behind HTTPS: login cookies travel over HTTPS only (default 0)",
    "EVENTOPS_TRUSTED_PROXIES": "your reverse proxies' addresses, comma-separated (default none)",
    "EVENTOPS_LOG_LEVEL": "DEBUG, INFO, WARNING or ERROR (default INFO; access lines are INFO)",
    "EVENTOPS_LOG_FORMAT": "text, or json for one JSON object per line (default text)",
    "EVENTOPS_METRICS_TOKEN": "when set, GET /metrics needs 'Authorization: Bearer TOKEN' (default: open)",
    "EVENTOPS_ZOOM_ACCOUNT_ID, _CLIENT_ID, _CLIENT_SECRET": "the Zoom Server-to-Server OAuth app",
    "EVENTOPS_ZOOM_WEBHOOK_SECRET": "the Zoom app's secret token, to verify webhooks",
    "EVENTOPS_ZOOM_API_BASE, EVENTOPS_ZOOM_OAUTH_URL": "Zoom's addresses (default https://api.zoom.us/v2, "
    "https://zoom.us/oauth/token)",
    "EVENTOPS_YOUTUBE_API_KEY": "the YouTube Data API key (see docs/operations.md for its quota)",
    "EVENTOPS_YOUTUBE_API_BASE": "YouTube's address (default: the client library's own)",
}
DATABASE = ("EVENTOPS_DATABASE_URL",)
ZOOM_API = (
    "EVENTOPS_ZOOM_ACCOUNT_ID, _CLIENT_ID, _CLIENT_SECRET",
    "EVENTOPS_ZOOM_API_BASE, EVENTOPS_ZOOM_OAUTH_URL",
)
LOGS = ("EVENTOPS_LOG_LEVEL", "EVENTOPS_LOG_FORMAT")


class _Help(argparse.RawDescriptionHelpFormatter):
    """--help as written (the environment section keeps its lines), with each option's default shown."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if action.option_strings and action.default not in (None, False, argparse.SUPPRESS):
            text += " (default: %(default)s)"
        return text


def _epilog(names: Sequence[str]) -> str:
    width = max(len(n) for n in names)
    lines = [f"  {name:<{width}}  {ENVIRONMENT[name]}" for name in names]
    return "environment:\n" + "\n".join(lines)


def _version() -> str:
    try:
        return importlib.metadata.version("eventops")
    except importlib.metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    """The command line, with --help on every command: what it does, its options' defaults, its variables."""
    parser = argparse.ArgumentParser(
        prog="eventops", description=__doc__, formatter_class=_Help, epilog=_epilog(list(ENVIRONMENT))
    )
    parser.add_argument("--version", action="version", version=f"eventops {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(
        group: argparse._SubParsersAction[argparse.ArgumentParser],
        name: str,
        func: Callable[[argparse.Namespace, Settings], int],
        help_text: str,
        env: Sequence[str] = DATABASE,
    ) -> argparse.ArgumentParser:
        p = group.add_parser(
            name, help=help_text, description=func.__doc__, epilog=_epilog(env), formatter_class=_Help
        )
        p.set_defaults(func=func)
        return p

    def group(name: str, help_text: str) -> argparse._SubParsersAction[argparse.ArgumentParser]:
        p = sub.add_parser(name, help=help_text, description=help_text, formatter_class=_Help)
        return p.add_subparsers(dest="action", required=True, metavar="ACTION")

    def role(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--role", required=True, choices=[r.name for r in auth.Role], help="organiser ⊃ moderator ⊃ staff"
        )

    command(sub, "init", cmd_init, "create or upgrade the database schema")

    serve = command(sub, "serve", cmd_serve, "serve the web app and API", env=list(ENVIRONMENT))
    demo = command(
        sub,
        "demo",
        cmd_demo,
        "seed a demo event and run it with the local Zoom/YouTube fakes",
        env=(*DATABASE, "EVENTOPS_PUBLIC_URL", *LOGS),
    )
    for p in (serve, demo):
        p.add_argument("--host", default="127.0.0.1", help="the address to listen on (0.0.0.0: every one)")
        p.add_argument("--port", type=int, default=8080, help="the TCP port to listen on")
        p.set_defaults(workers=1)
    serve.add_argument(
        "--workers", type=int, default=1, help="processes sharing the port (more than 1: PostgreSQL only)"
    )
    demo.add_argument("--seed-only", action="store_true", help="seed and print the logins, do not serve")

    user = group("user", "manage the users who log in to the pages")
    p = command(user, "add", cmd_user_add, "add a user who logs in to the pages")
    p.add_argument("name", help="the login name (1 to 64 characters)")
    role(p)
    p.add_argument(
        "--password",
        help="the password, at least 8 characters (default: asked on a terminal, else read from stdin's "
        "first line; empty: one is generated and printed)",
    )
    command(user, "list", cmd_user_list, "list the users, their roles and whether they may log in")
    p = command(user, "passwd", cmd_user_passwd, "set a user's password (their sessions end)")
    p.add_argument("name", help="the login name")
    p.add_argument(
        "--password", help="the new password (default: asked, or stdin's first line, or generated)"
    )
    p = command(user, "disable", cmd_user_disable, "stop a user from logging in (their sessions end)")
    p.add_argument("name", help="the login name")
    p = command(user, "enable", cmd_user_enable, "let a disabled user log in again")
    p.add_argument("name", help="the login name")

    token = group("token", "manage the API's bearer tokens")
    p = command(token, "create", cmd_token_create, "create a bearer token and print it (shown once)")
    role(p)
    p.add_argument(
        "--name", required=True, help="what the token is for, e.g. gate-1 (shown in logs and lists)"
    )
    command(token, "list", cmd_token_list, "list the API tokens (never the tokens themselves)")
    p = command(token, "revoke", cmd_token_revoke, "revoke a bearer token")
    p.add_argument("token", metavar="ID_OR_NAME", help="the token's id or name, as `token list` shows them")

    rost = group("roster", "roster files")
    p = command(rost, "import", cmd_roster_import, "import a CSV or XLSX roster (all or nothing)")
    p.add_argument("event", help="the event's slug")
    p.add_argument("file", help="the CSV (comma or semicolon; UTF-8, BOM or Windows-1252) or XLSX file")
    p.add_argument("--dry-run", action="store_true", help="validate only; store nothing")

    pas = group("passes", "participants' passes")
    p = command(
        pas,
        "render",
        cmd_passes_render,
        "write a print-ready PDF of badges",
        env=(*DATABASE, "EVENTOPS_PUBLIC_URL"),
    )
    p.add_argument("event", help="the event's slug")
    p.add_argument("--batch", metavar="CODE", help="only this batch's badges (default: the whole event)")
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="the PDF file to write")

    zoom = group("zoom", "Zoom attendance")
    p = command(
        zoom,
        "sync",
        cmd_zoom_sync,
        "pull a batch's participant report and reconcile it",
        env=(*DATABASE, *ZOOM_API),
    )
    p.add_argument("event", help="the event's slug")
    p.add_argument("code", help="the batch's code")

    p = command(sub, "export", cmd_export, "write a batch's attendance as CSV, XLSX or PDF")
    p.add_argument("event", help="the event's slug")
    p.add_argument("code", help="the batch's code")
    p.add_argument("--format", required=True, choices=("csv", "xlsx", "pdf"), help="the file's format")
    p.add_argument("--out", required=True, metavar="FILE", help="the file to write")
    return parser


def _report(exc: DomainError) -> int:
    """Print a domain error and its details; 2 for input that is wrong, 1 for anything else."""
    print(f"error: {exc.message}", file=sys.stderr)
    for item in exc.details:
        if isinstance(item, dict) and "row" in item:
            print(f"  row {item['row']} {item['column']}: {item['message']}", file=sys.stderr)
        else:
            print(f"  {item}", file=sys.stderr)
    return 2 if exc.code in {ErrorCode.INVALID, ErrorCode.ROSTER_INVALID} else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: parse, run; domain errors and a wrong environment give one line and exit code 1 (2 for
    bad input), never a traceback."""
    args = build_parser().parse_args(argv)
    raw_url = os.environ.get("EVENTOPS_DATABASE_URL", "")
    try:
        settings = Settings.from_env()
        diagnose.database_url(settings.database_url)
        return int(args.func(args, settings))
    except DomainError as exc:
        return _report(exc)
    except diagnose.SetupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        print(f"error: {exc.filename}: {(exc.strerror or str(exc)).lower()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        message = diagnose.explain(exc, raw_url or Settings().database_url)
        if message is None:
            raise  # a bug: the traceback is what a report needs
        print(f"error: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
