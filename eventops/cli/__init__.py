"""The `eventops` command: the same services the web handlers call.

Wiring, like `demo`: it may import any capability. One module per group of commands (`database`: init,
`serve`, `demo`, `users`: user and token, `roster`: roster and passes, `zoom`, `export`), each with an
`add_commands` that declares its commands' options; `common` holds what they share. This module assembles the
parser and turns what goes wrong into one line and an exit code.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import sys
from collections.abc import Sequence

from eventops import diagnose
from eventops.cli import database, demo, export, roster, serve, users, zoom
from eventops.cli.common import ENVIRONMENT, Help, epilog
from eventops.errors import DomainError, ErrorCode
from eventops.settings import Settings

DESCRIPTION = "The `eventops` command: the same services the web handlers call."
# The command groups, in the order `eventops --help` lists them.
GROUPS = (database, serve, demo, users, roster, zoom, export)


def _version() -> str:
    try:
        return importlib.metadata.version("eventops")
    except importlib.metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    """The command line, with --help on every command: what it does, its options' defaults, its variables."""
    parser = argparse.ArgumentParser(
        prog="eventops", description=DESCRIPTION, formatter_class=Help, epilog=epilog(list(ENVIRONMENT))
    )
    parser.add_argument("--version", action="version", version=f"eventops {_version()}")
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", help="what to do (eventops COMMAND --help)"
    )
    for group in GROUPS:
        group.add_commands(sub)
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
