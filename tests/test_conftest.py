"""The test database fixtures themselves: an unreachable PostgreSQL fails CI and is skipped elsewhere."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# A small test run on both databases; any test taking `db_url` would do.
TARGET = "tests/accounts/test_auth.py::test_bad_or_revoked_tokens_are_refused"


def _closed_port() -> int:
    """A port nothing listens on: bound, then released."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pytest(ci: bool) -> subprocess.CompletedProcess[str]:
    """Run TARGET in a fresh pytest against a PostgreSQL URL whose server is down."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "CI"))}
    env["EVENTOPS_TEST_DATABASE_URL"] = f"postgresql+asyncpg://postgres@127.0.0.1:{_closed_port()}/test"
    if ci:
        env["CI"] = "true"
    argv = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "-rA", TARGET]
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("ci", [True, False], ids=["ci", "local"])
def test_an_unreachable_postgresql_fails_ci_and_is_skipped_locally(ci: bool) -> None:
    done = _pytest(ci)
    out = done.stdout
    assert "PASSED tests/accounts/test_auth.py::test_bad_or_revoked_tokens_are_refused[sqlite]" in out, out
    assert "PostgreSQL could not be reached at postgresql+asyncpg://postgres@127.0.0.1:" in out, out
    if ci:
        assert done.returncode == 1, out
        assert "ERROR tests/accounts/test_auth.py::test_bad_or_revoked_tokens_are_refused[postgresql]" in out
        assert "CI must run the PostgreSQL tests" in out
    else:
        assert done.returncode == 0, out
        assert "1 passed, 1 skipped" in out, out
