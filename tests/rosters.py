"""Roster fixtures for tests: realistic generated rosters and hand-made tables, as CSV or XLSX bytes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from eventops.demo.sample import (
    ENGLISH,
    INDONESIAN,
    Layout,
    RosterRecord,
    csv_bytes,
    make_rows,
    to_csv,
    to_table,
    to_xlsx,
    xlsx_bytes,
)

__all__ = [
    "ENGLISH",
    "HEADER",
    "INDONESIAN",
    "Layout",
    "RosterRecord",
    "changed",
    "csv_bytes",
    "make_rows",
    "roster_csv",
    "to_csv",
    "to_table",
    "to_xlsx",
    "xlsx_bytes",
]

HEADER = ("nip", "name", "agency", "unit", "email", "phone", "batch", "mode")


def changed(rows: Sequence[RosterRecord], index: int, **fields: str) -> list[RosterRecord]:
    """A copy of the rows with fields of one row replaced (row `index` is spreadsheet row `index + 2`)."""
    copy = list(rows)
    copy[index] = replace(copy[index], **fields)
    return copy


def roster_csv(*rows: Sequence[str], header: Sequence[str] = HEADER, sep: str = ",") -> bytes:
    """A hand-made CSV roster: the header, then the given rows as written."""
    return csv_bytes([list(header), *(list(row) for row in rows)], sep=sep)
