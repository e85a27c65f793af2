"""What every command shares: a unit of work on a fresh engine, a progress bar, and the --help layout (each
command's description, its options' defaults and the environment variables it reads)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable, Collection, Iterator, Mapping, Sequence
from datetime import datetime
from typing import TypeAlias, TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession
from tqdm import tqdm

from eventops.settings import Settings
from eventops.storage.db import create_engine, make_sessionmaker

T = TypeVar("T")
Command = Callable[[argparse.Namespace, Settings], int]
# argparse names no public type for what add_subparsers returns
Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def run(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run one unit of work in a session on a fresh engine."""

    async def main() -> T:
        engine = create_engine(settings.database_url)
        try:
            async with make_sessionmaker(engine)() as session:
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(main())


@contextlib.contextmanager
def progress_bar(what: str, unit: str) -> Iterator[Callable[[int, int], None]]:
    """A tqdm bar (on a terminal only) fed by a service's `progress(done, total)`: a total and time left."""
    with tqdm(desc=what, unit=unit, disable=None) as bar:

        def update(done: int, total: int) -> None:
            if bar.total != total:
                bar.total = total
            bar.update(done - bar.n)

        yield update


def show(
    records: Sequence[Mapping[str, object]],
    columns: Mapping[str, str],
    *,
    as_json: bool,
    right: Collection[str] = (),
) -> None:
    """A list for people, as a table of `columns` (field → header) each as wide as its widest cell (`right`:
    right-aligned); or, for scripts (--json), a JSON array of the records, times in ISO 8601."""
    if as_json:
        print(
            json.dumps([{k: _json(v) for k, v in r.items()} for r in records], ensure_ascii=False, indent=2)
        )
        return
    lines = [list(columns.values()), *([_cell(r[field]) for field in columns] for r in records)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(columns))]
    for line in lines:
        cells = zip(line, widths, columns, strict=True)
        print("  ".join(c.rjust(w) if f in right else c.ljust(w) for c, w, f in cells).rstrip())


def _cell(value: object) -> str:
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M} UTC"
    return "-" if value is None else str(value)


def _json(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value


def json_option(p: argparse.ArgumentParser) -> None:
    """--json, for a list command."""
    p.add_argument(
        "--json", action="store_true", help="print a JSON array (for scripts) instead of the table"
    )


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
    "EVENTOPS_MATCH_BY_PRESENCE": "1: presence (checked in, on Zoom) decides between namesakes (default: 0)",
    "EVENTOPS_ZOOM_ACCOUNT_ID, _CLIENT_ID, _CLIENT_SECRET": "the Zoom Server-to-Server OAuth app",
    "EVENTOPS_ZOOM_WEBHOOK_SECRET": "the Zoom app's secret token, to verify webhooks",
    "EVENTOPS_ZOOM_API_BASE, EVENTOPS_ZOOM_OAUTH_URL": "Zoom's addresses (default https://api.zoom.us/v2, "
    "https://zoom.us/oauth/token)",
    "EVENTOPS_YOUTUBE_API_KEY": "the YouTube Data API key (see docs/operations.md for its quota)",
    "EVENTOPS_YOUTUBE_API_BASE": "YouTube's address (default: the client library's own)",
    "PROMETHEUS_MULTIPROC_DIR": "with --workers: the folder where the workers add up /metrics "
    "(default: a fresh temporary one)",
}
DATABASE = ("EVENTOPS_DATABASE_URL",)
ZOOM_API = (
    "EVENTOPS_ZOOM_ACCOUNT_ID, _CLIENT_ID, _CLIENT_SECRET",
    "EVENTOPS_ZOOM_API_BASE, EVENTOPS_ZOOM_OAUTH_URL",
)
LOGS = ("EVENTOPS_LOG_LEVEL", "EVENTOPS_LOG_FORMAT")


class Help(argparse.RawDescriptionHelpFormatter):
    """--help as written (the environment section keeps its lines), with each option's default shown."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if action.option_strings and action.default not in (None, False, argparse.SUPPRESS):
            text += " (default: %(default)s)"
        return text


def epilog(names: Sequence[str]) -> str:
    """The "environment" section of a command's --help: the variables it reads and what each does."""
    width = max(len(n) for n in names)
    lines = [f"  {name:<{width}}  {ENVIRONMENT[name]}" for name in names]
    return "environment:\n" + "\n".join(lines)


def command(
    group: Subcommands, name: str, func: Command, help_text: str, env: Sequence[str] = DATABASE
) -> argparse.ArgumentParser:
    """A command under `group`: `help_text` in its group's list, `func`'s docstring atop its own --help."""
    p: argparse.ArgumentParser = group.add_parser(
        name, help=help_text, description=func.__doc__, epilog=epilog(env), formatter_class=Help
    )
    p.set_defaults(func=func)
    return p


def group(sub: Subcommands, name: str, help_text: str, env: Sequence[str] = DATABASE) -> Subcommands:
    """A group of commands (`eventops user …`), with the variables its commands read."""
    p = sub.add_parser(name, help=help_text, description=help_text, epilog=epilog(env), formatter_class=Help)
    actions: Subcommands = p.add_subparsers(
        dest="action", required=True, metavar="ACTION", help=f"what to do (eventops {name} ACTION --help)"
    )
    return actions
