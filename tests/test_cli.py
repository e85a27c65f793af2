"""The eventops command, run as a user runs it: a real process on a real database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.rosters import make_rows, to_csv

COMMANDS = [
    [],
    ["init"],
    ["serve"],
    ["demo"],
    ["user", "add"],
    ["user", "list"],
    ["user", "passwd"],
    ["user", "disable"],
    ["user", "enable"],
    ["token", "create"],
    ["token", "list"],
    ["token", "revoke"],
    ["roster", "import"],
    ["passes", "render"],
    ["zoom", "sync"],
    ["export"],
]


def eventops(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the command against a database."""
    env = {**os.environ, "EVENTOPS_DATABASE_URL": db_url, "EVENTOPS_PUBLIC_URL": "http://eventops.test"}
    return subprocess.run(
        [sys.executable, "-m", "eventops.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "eventops")
def test_help(command: list[str]) -> None:
    result = eventops("sqlite+aiosqlite:///unused.db", *command, "--help")
    assert result.returncode == 0 and "usage: eventops" in result.stdout


def test_roster_and_badges_from_the_command_line(db_url: str, tmp_path: Path) -> None:
    assert eventops(db_url, "init").returncode == 0
    org = eventops(db_url, "user", "add", "panitia", "--role", "organiser", "--password", "rahasia-sekali")
    assert org.returncode == 0, org.stderr
    again = eventops(db_url, "user", "add", "panitia", "--role", "staff", "--password", "rahasia-sekali")
    assert again.returncode == 1 and "exists" in again.stderr
    token = eventops(db_url, "token", "create", "--role", "staff", "--name", "gate-1")
    assert token.returncode == 0 and token.stdout.strip().startswith("eo_")

    from eventops.demo import seed as demo  # the demo's own event is a convenient fixture for the CLI

    assert demo.SLUG
    seeded = eventops(db_url, "demo", "--seed-only")
    assert seeded.returncode == 0, seeded.stderr
    assert "panitia" in seeded.stdout

    roster = tmp_path / "peserta.csv"
    roster.write_bytes(to_csv(make_rows(20, batches=("K1", "K2"), seed=9)))
    dry = eventops(db_url, "roster", "import", demo.SLUG, str(roster), "--dry-run")
    assert dry.returncode == 0 and "20 created" in dry.stdout, dry.stderr
    done = eventops(db_url, "roster", "import", demo.SLUG, str(roster))
    assert done.returncode == 0 and "20 created" in done.stdout

    bad = tmp_path / "bad.csv"
    bad.write_text("nip,nama,instansi,kelompok\n123,Budi,Pemprov Bali,K1\n")
    failed = eventops(db_url, "roster", "import", demo.SLUG, str(bad))
    assert failed.returncode == 2 and "row 2 nip" in failed.stderr

    out = tmp_path / "badges.pdf"
    rendered = eventops(db_url, "passes", "render", demo.SLUG, "--batch", "K2", "--out", str(out))
    assert rendered.returncode == 0, rendered.stderr
    count = int(rendered.stdout.split()[0])
    assert count >= 10
    reader = PdfReader(out)
    assert len(reader.pages) == -(-count // 8)
    assert "Kelompok K2" in reader.pages[0].extract_text() or "K2" in reader.pages[0].extract_text()

    missing = eventops(db_url, "passes", "render", "no-such-event", "--out", str(out))
    assert missing.returncode == 1 and "no event" in missing.stderr
