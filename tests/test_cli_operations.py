"""The command line as an operator lives with it: --version, one-line errors, user and token management."""

from __future__ import annotations

import argparse
import asyncio
import io
import re
import socket
import subprocess
import sys
import tomllib
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from eventops.cli import build_parser, main
from tests.conftest import PG_URL, _admin
from tests.test_cli import eventops

ROOT = Path(__file__).resolve().parent.parent
needs_postgresql = pytest.mark.skipif(not PG_URL, reason="EVENTOPS_TEST_DATABASE_URL is not set")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> str:
    """The command failed with exit code 1 and exactly one line on stderr holding `words`."""
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def test_version_prints_the_package_version() -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    result = eventops("sqlite+aiosqlite:///unused.db", "--version")
    assert result.returncode == 0 and result.stdout.strip() == f"eventops {version}"


def _subcommands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _subcommands(child, (*path, name))
            return
    yield path


def test_every_command_and_option_is_described_with_its_environment() -> None:
    parser = build_parser()
    commands = list(_subcommands(parser))
    assert ("user", "passwd") in commands and ("token", "revoke") in commands
    for path in commands:
        sub = parser
        for name in path:
            sub = next(a for a in sub._actions if isinstance(a, argparse._SubParsersAction)).choices[name]
        assert sub.description, path
        assert sub.epilog and "EVENTOPS_DATABASE_URL" in sub.epilog, path
        undescribed = [a.dest for a in sub._actions if not a.help and a.dest != "help"]
        assert undescribed == [], (path, undescribed)
    serve_help = eventops("sqlite+aiosqlite:///unused.db", "serve", "--help").stdout
    assert "(default: 8080)" in serve_help and "EVENTOPS_LOG_FORMAT" in serve_help


def _parsers(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every parser of the command line, the root and the groups included, with its path."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _parsers(child, (*path, name))


def test_every_parser_describes_itself_its_arguments_and_its_environment() -> None:
    parsers = dict(_parsers(build_parser()))
    assert {(), ("user",), ("zoom",), ("zoom", "sync")} <= parsers.keys()
    for path, parser in parsers.items():
        assert parser.description, path
        assert parser.epilog and "EVENTOPS_DATABASE_URL" in parser.epilog, path
        undescribed = [a.metavar or a.dest for a in parser._actions if not a.help]
        assert undescribed == [], (path, undescribed)
    settings_source = (ROOT / "eventops" / "settings.py").read_text(encoding="utf-8")
    read = {f"EVENTOPS_{name}" for name in re.findall(r'get\("([A-Z_]+)"', settings_source)}
    root_epilog = parsers[()].epilog or ""
    for name in read:
        short = name.replace("EVENTOPS_ZOOM_", "_") if "CLIENT" in name else name
        assert name in root_epilog or short in root_epilog, name
    assert "PROMETHEUS_MULTIPROC_DIR" in (parsers[("serve",)].epilog or "")


# --- errors an operator can read ----------------------------------------------------------------------------


def test_a_database_that_is_down_is_one_line() -> None:
    port = _free_port()  # nothing listens there
    result = eventops(f"postgresql+asyncpg://eventops@127.0.0.1:{port}/eventops", "init")
    _one_line_error(result, "cannot reach the database", f"127.0.0.1:{port}", "EVENTOPS_DATABASE_URL")


def test_serving_a_database_that_is_down_is_one_line() -> None:
    port = _free_port()
    result = eventops(
        f"postgresql+asyncpg://eventops@127.0.0.1:{port}/eventops", "serve", "--port", str(_free_port())
    )
    _one_line_error(result, "cannot reach the database")


@pytest.mark.parametrize("url", ["postgresql://eventops@127.0.0.1/eventops", "sqlite:///eventops.db"])
def test_a_url_without_the_async_driver_is_one_line(url: str) -> None:
    line = _one_line_error(eventops(url, "init"), "EVENTOPS_DATABASE_URL")
    assert "+asyncpg" in line or "+aiosqlite" in line


def test_a_url_that_is_no_url_is_one_line() -> None:
    _one_line_error(eventops("not a url", "user", "list"), "EVENTOPS_DATABASE_URL is not a database URL")


@needs_postgresql
def test_a_missing_role_is_one_line_saying_how_to_create_it() -> None:
    url = make_url(PG_URL).set(username=f"nobody_{uuid.uuid4().hex[:8]}", password=None)
    result = eventops(url.render_as_string(hide_password=False), "init")
    _one_line_error(result, "does not exist", "createuser")


@needs_postgresql
def test_a_missing_database_is_one_line_saying_how_to_create_it() -> None:
    url = make_url(PG_URL).set(database=f"missing_{uuid.uuid4().hex[:8]}")
    result = eventops(url.render_as_string(hide_password=False), "init")
    _one_line_error(result, "does not exist", "createdb")


def test_a_port_in_use_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = eventops(f"sqlite+aiosqlite:///{tmp_path}/x.db", "serve", "--port", str(port))
    _one_line_error(result, f"port {port}", "in use", "--port")


def test_a_bad_log_level_is_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "eventops.cli", "init"],
        env={"EVENTOPS_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db", "EVENTOPS_LOG_LEVEL": "LOUD"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    _one_line_error(result, "EVENTOPS_LOG_LEVEL", "INFO")


class Run:
    """`eventops ARGS` in this process (the same main() as the console script): exit code, stdout, stderr."""

    def __init__(
        self, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        self.monkeypatch, self.capsys = monkeypatch, capsys
        monkeypatch.setenv("EVENTOPS_DATABASE_URL", db_url)

    def __call__(self, *args: str, stdin: str = "") -> tuple[int, str, str]:
        self.monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))  # not a terminal
        code = main(list(args))
        out, err = self.capsys.readouterr()
        return code, out, err


@pytest.fixture
def run(db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """The command line on the test database."""
    return Run(db_url, monkeypatch, capsys)


def _error_line(result: tuple[int, str, str], *words: str) -> str:
    code, _, err = result
    return _one_line_error(subprocess.CompletedProcess([], code, "", err), *words)


def test_a_missing_file_is_one_line(run: Run) -> None:
    _error_line(run("roster", "import", "any", "no-such-file.csv"), "no-such-file.csv")


def test_an_unknown_batch_is_worded_alike_by_every_command(run: Run, tmp_path: Path) -> None:
    assert run("demo", "--seed-only")[0] == 0
    from eventops.demo.seed import SLUG

    out = str(tmp_path / "out")
    lines = {
        _error_line(run(*argv), "no batch 'K7'")
        for argv in (
            ("passes", "render", SLUG, "--batch", "K7", "--out", out),
            ("export", SLUG, "K7", "--format", "csv", "--out", out),
            ("zoom", "sync", SLUG, "K7"),
        )
    }
    assert len(lines) == 1


# --- users and tokens ---------------------------------------------------------------------------------------


def test_users_from_the_command_line(run: Run) -> None:
    code, out, err = run("user", "add", "panitia", "--role", "organiser", stdin="rahasia-dari-stdin\n")
    assert code == 0 and "password" not in out, err  # read from stdin, not generated
    assert run("user", "add", "petugas", "--role", "staff", "--password", "rahasia-sekali")[0] == 0
    assert run("user", "disable", "petugas")[0] == 0
    code, out, _ = run("user", "list")
    listed = out.splitlines()
    assert listed[0].split() == ["NAME", "ROLE", "STATE", "ADDED"]
    assert [line.split()[:3] for line in listed[1:]] == [
        ["panitia", "organiser", "active"],
        ["petugas", "staff", "disabled"],
    ]
    code, out, _ = run("user", "passwd", "panitia")  # stdin empty: a generated one is printed
    assert code == 0 and out.startswith("password of panitia changed: ")
    _error_line(run("user", "disable", "siapa"), "no user 'siapa'")


def test_tokens_from_the_command_line(run: Run) -> None:
    raw = run("token", "create", "--role", "staff", "--name", "gate-1")[1].strip()
    code, out, _ = run("token", "list")
    assert code == 0 and raw not in out
    assert out.splitlines()[1].split()[:4] == ["1", "gate-1", "staff", "active"]
    code, out, _ = run("token", "revoke", "gate-1")
    assert code == 0 and out.startswith("token 1 (gate-1) revoked")
    assert run("token", "list")[1].splitlines()[1].split()[3] == "revoked"
    _error_line(run("token", "revoke", "gate-9"), "no API token 'gate-9'")


# --- init ---------------------------------------------------------------------------------------------------


def _new_database(backend: str, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/new.db"
        return
    name = f"eventops_init_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(PG_URL, f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=needs_postgresql)])
def test_two_inits_at_once_on_a_new_database_both_succeed(backend: str, tmp_path: Path) -> None:
    import os

    for url in _new_database(backend, tmp_path):
        env = {**os.environ, "EVENTOPS_DATABASE_URL": url}
        argv = [sys.executable, "-m", "eventops.cli", "init"]
        procs = [
            subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in "ab"
        ]
        results = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], [err for _, err in results]
        assert eventops(url, "user", "list").returncode == 0  # the schema is there
