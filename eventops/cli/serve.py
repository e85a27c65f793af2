"""`eventops serve`: check the port and the database, then serve the app from one process or several."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import os
import sys
from collections.abc import Iterator

from eventops import diagnose
from eventops.cli.common import ENVIRONMENT, Subcommands, command
from eventops.cli.database import check_database
from eventops.errors import BadRequest, ErrorCode
from eventops.settings import Settings
from eventops.storage.db import is_sqlite


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
    check_database(settings)
    if args.workers == 1:
        _serve_worker(settings, args.host, args.port, reuse_port=False)
        return 0
    with _metrics_folder():
        return _serve_workers(settings, args.host, args.port, args.workers)


def listen_options(p: argparse.ArgumentParser) -> None:
    """--host and --port, for every command that serves."""
    p.add_argument("--host", default="127.0.0.1", help="the address to listen on (0.0.0.0: every one)")
    p.add_argument("--port", type=int, default=8080, help="the TCP port to listen on")
    p.set_defaults(workers=1)


def add_commands(sub: Subcommands) -> None:
    """`serve`."""
    serve = command(sub, "serve", cmd_serve, "serve the web app and API", env=list(ENVIRONMENT))
    listen_options(serve)
    serve.add_argument(
        "--workers", type=int, default=1, help="processes sharing the port (more than 1: PostgreSQL only)"
    )


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
