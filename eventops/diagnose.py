"""What the operator is told when the machine around eventops is wrong: one line, what and what to do.

The command line turns a bad database URL, a database that is down or missing, and a port in use into one of
these lines (exit code 1) instead of a traceback.
"""

from __future__ import annotations

import errno
import socket
import sqlite3
from collections.abc import Iterator

import asyncpg
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

EXAMPLES = "sqlite+aiosqlite:///./eventops.db or postgresql+asyncpg://USER:PASSWORD@HOST:5432/DATABASE"
DRIVERS = {"postgresql": "asyncpg", "sqlite": "aiosqlite"}


class SetupError(Exception):
    """The environment is wrong; the message is the one line to print."""


def database_url(raw: str) -> URL:
    """The parsed EVENTOPS_DATABASE_URL; SetupError when it is not one eventops can use."""
    try:
        url = make_url(raw)
    except ArgumentError:
        raise SetupError(f"EVENTOPS_DATABASE_URL is not a database URL: use {EXAMPLES}") from None
    backend, driver = url.get_backend_name(), url.get_driver_name()
    if backend not in DRIVERS:
        raise SetupError(f"EVENTOPS_DATABASE_URL names {backend!r}: eventops runs on SQLite or PostgreSQL")
    wanted = DRIVERS[backend]
    if driver != wanted:
        raise SetupError(
            f"EVENTOPS_DATABASE_URL uses the driver {url.drivername!r}: write {backend}+{wanted}:// "
            f"(e.g. {url.set(drivername=f'{backend}+{wanted}').render_as_string(hide_password=True)})"
        )
    return url


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception and everything it was raised from (SQLAlchemy's wrapped driver errors included)."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)
        todo += [orig if isinstance(orig, BaseException) else None, current.__cause__, current.__context__]


def _where(url: URL) -> str:
    return f"{url.host or 'localhost'}:{url.port or 5432}"


def explain(exc: BaseException, raw_url: str) -> str | None:
    """The one line for an exception caused by the environment, or None when it is a bug (let it raise)."""
    try:
        url = make_url(raw_url)
    except ArgumentError:
        return None
    for cause in _causes(exc):
        if isinstance(cause, asyncpg.InvalidAuthorizationSpecificationError):  # the role does not exist
            return (
                f"the database server at {_where(url)} says: {cause}. Create the role "
                f"(sudo -u postgres createuser --pwprompt {url.username or 'USER'}) "
                "or fix the user in EVENTOPS_DATABASE_URL"
            )
        if isinstance(cause, asyncpg.InvalidCatalogNameError):
            return (
                f"the database server at {_where(url)} says: {cause}. Create it "
                f"(sudo -u postgres createdb --owner {url.username or 'USER'} {url.database or 'DATABASE'}) "
                "or fix the database name in EVENTOPS_DATABASE_URL"
            )
        if isinstance(cause, asyncpg.InvalidPasswordError):
            return f"the database at {_where(url)} says: {cause}. Fix the password in EVENTOPS_DATABASE_URL"
        if isinstance(cause, socket.gaierror):
            return f"cannot find the database host {url.host!r}: check the host in EVENTOPS_DATABASE_URL"
        if isinstance(cause, ConnectionRefusedError) or (
            isinstance(cause, OSError) and "Connect call failed" in str(cause)
        ):
            return (
                f"cannot reach the database at {_where(url)} (connection refused): is PostgreSQL running "
                "and listening there? Start it, or fix the host and port in EVENTOPS_DATABASE_URL"
            )
        if isinstance(cause, TimeoutError) and url.get_backend_name() == "postgresql":
            return (
                f"the database at {_where(url)} did not answer in time: check that it runs and is reachable"
            )
        if isinstance(cause, sqlite3.OperationalError) and "unable to open database file" in str(cause):
            return (
                f"cannot open the SQLite file {url.database!r}: does its folder exist and may this user "
                "write there? Fix the path in EVENTOPS_DATABASE_URL"
            )
        if isinstance(cause, OSError) and cause.errno == errno.EADDRINUSE:
            return f"{cause.strerror}: another program holds the address; stop it or choose another --port"
    return None


def check_port(host: str, port: int) -> None:
    """SetupError when `host:port` cannot be served: the port is taken, not our address, or needs root."""
    not_ours = f"cannot serve on {host!r}: not an address of this machine (try 127.0.0.1 or 0.0.0.0)"
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        raise SetupError(not_ours) from None
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds: TIME_WAIT is fine
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise SetupError(
                    f"port {port} on {host} is in use by another program: stop it, or serve on another --port"
                ) from None
            if exc.errno == errno.EACCES:
                raise SetupError(
                    f"port {port} needs root: serve on a port above 1023 behind a reverse proxy "
                    "(docs/operations.md)"
                ) from None
            if exc.errno == errno.EADDRNOTAVAIL:
                raise SetupError(not_ours) from None
            raise
