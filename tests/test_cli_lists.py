"""`user list` and `token list`: an aligned table for people, `--json` for scripts."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from tests.test_cli_operations import Run

LONG_NAME = "petugas-pintu-gerbang-utara-gedung-b"  # longer than any fixed column would be


def _columns_line_up(table: str, header: list[str]) -> list[list[str]]:
    """Each header starts its column: in every row a cell starts there, after a blank; the rows, split."""
    lines = table.splitlines()
    assert lines[0].split() == header
    starts = [lines[0].index(word) for word in header]
    for line in lines[1:]:
        for start in starts[1:]:
            assert line[start - 1] == " " and line[start] != " ", (line, start)
    return [line.split() for line in lines[1:]]


@pytest.fixture
def run(db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """The command line on the test database."""
    return Run(db_url, monkeypatch, capsys)


def test_user_list_is_an_aligned_table_or_json(run: Run) -> None:
    for name, role in ((LONG_NAME, "staff"), ("budi", "organiser")):
        assert run("user", "add", name, "--role", role, "--password", "rahasia-sekali")[0] == 0
    assert run("user", "disable", "budi")[0] == 0
    code, out, _ = run("user", "list")
    assert code == 0
    rows = _columns_line_up(out, ["NAME", "ROLE", "STATE", "ADDED"])
    assert [row[:3] for row in rows] == [["budi", "organiser", "disabled"], [LONG_NAME, "staff", "active"]]

    code, out, _ = run("user", "list", "--json")
    assert code == 0
    listed = json.loads(out)
    assert [(u["name"], u["role"], u["state"]) for u in listed] == [
        ("budi", "organiser", "disabled"),
        (LONG_NAME, "staff", "active"),
    ]
    assert all(datetime.fromisoformat(u["created_at"]).utcoffset() is not None for u in listed)


def test_token_list_is_an_aligned_table_or_json(run: Run) -> None:
    for name in ("gate-1", LONG_NAME):
        assert run("token", "create", "--role", "staff", "--name", name)[0] == 0
    assert run("token", "revoke", "gate-1")[0] == 0
    code, out, _ = run("token", "list")
    assert code == 0
    rows = _columns_line_up(out, ["ID", "NAME", "ROLE", "STATE", "CREATED"])
    assert [row[:4] for row in rows] == [
        ["1", "gate-1", "staff", "revoked"],
        ["2", LONG_NAME, "staff", "active"],
    ]

    code, out, _ = run("token", "list", "--json")
    assert code == 0
    listed = json.loads(out)
    assert [(t["id"], t["name"], t["state"]) for t in listed] == [
        (1, "gate-1", "revoked"),
        (2, LONG_NAME, "active"),
    ]
    assert listed[0]["revoked_at"] is not None and listed[1]["revoked_at"] is None
    assert "eo_" not in out  # never the token itself


def test_an_empty_list_is_a_header_or_an_empty_array(run: Run) -> None:
    assert run("user", "list")[1].split() == ["NAME", "ROLE", "STATE", "ADDED"]
    assert json.loads(run("token", "list", "--json")[1]) == []
