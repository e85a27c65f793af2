"""The roster file: bytes in, validated participant rows and every problem (by row and column) out."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from eventops.roster.issues import IssueCode
from eventops.roster.nip import looks_excel_mangled, parse_nip
from eventops.roster.reading import (
    Cell,
    NumberedRow,
    RosterFileError,
    RowIssue,
    clean_text,
    read_table,
    too_many_rows,
)

__all__ = ["ParsedRoster", "RosterFileError", "RosterRow", "RowIssue", "parse_roster"]

Mode = Literal["offline", "online"]

COLUMNS = ("nip", "name", "agency", "unit", "email", "phone", "batch", "mode")
MAX_ROWS = 100_000
MAX_LENGTH = {"name": 200, "agency": 200, "unit": 200, "email": 254, "batch": 50}
# Most participants of a hybrid batch join online; a few hundred sit in the ballroom and are marked offline.
DEFAULT_MODE: Mode = "online"

MODES: dict[str, Mode] = {"offline": "offline", "luring": "offline", "online": "online", "daring": "online"}

_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+$")
_PHONE_NOISE = re.compile(r"[\s\-.()]")

_EXCEL_ADVICE = (
    "NIP tersimpan sebagai angka sehingga Excel memotongnya menjadi 15 digit; format kolom NIP sebagai"
    " Teks lalu ekspor ulang / the NIP was stored as a number, which Excel cuts to 15 digits: format the"
    " NIP column as Text and re-export"
)


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One valid participant row; `row` is the spreadsheet row number."""

    row: int
    nip: str | None
    name: str
    agency: str
    unit: str
    email: str | None
    phone: str | None
    batch: str
    mode: Mode


@dataclass(frozen=True, slots=True)
class ParsedRoster:
    """Valid rows, errors (any error means nothing may be stored) and warnings."""

    rows: tuple[RosterRow, ...]
    errors: tuple[RowIssue, ...]
    warnings: tuple[RowIssue, ...]

    @property
    def ok(self) -> bool:
        """True when the file has no error."""
        return not self.errors


def normalise_phone(text: str) -> tuple[str | None, bool]:
    """An Indonesian number as `+62…` (None if implausible), and whether its leading 0 had been lost."""
    number = _PHONE_NOISE.sub("", text)
    lost_zero = False
    if number.startswith("+62"):
        national, written = number[3:], "62" + number[3:]
    elif number.startswith("62"):
        national, written = number[2:], number
    elif number.startswith("0"):
        national, written = number[1:], number
    elif number.startswith("8"):
        # A phone column kept as a number in Excel loses the leading 0 of `08…`.
        national, written, lost_zero = number, "0" + number, True
    else:
        return None, False
    plausible = national.isascii() and national.isdigit() and not national.startswith("0")
    if not plausible or not 9 <= len(written) <= 15:
        return None, False
    return "+62" + national, lost_zero


class _RowChecker:
    """Validates data rows one by one, remembering NIPs already seen in the file."""

    def __init__(self, index: dict[str, int]) -> None:
        self.index = index
        self.first_row_of: dict[str, int] = {}
        self.errors: list[RowIssue] = []
        self.warnings: list[RowIssue] = []

    def _error(self, row: int, column: str, code: IssueCode, message: str, **params: str) -> None:
        self.errors.append(RowIssue(row, column, code, message, params))

    def _warn(self, row: int, column: str, code: IssueCode, message: str, **params: str) -> None:
        self.warnings.append(RowIssue(row, column, code, message, params))

    def _text(self, row: int, column: str, value: str, *, required: bool = False) -> str:
        if required and not value:
            self._error(row, column, IssueCode.REQUIRED, f"{column} wajib diisi / {column} is required")
        limit = MAX_LENGTH.get(column)
        if limit is not None and len(value) > limit:
            self._error(
                row,
                column,
                IssueCode.TOO_LONG,
                f"{column} terlalu panjang ({len(value)} > {limit} karakter)"
                f" / {column} is too long ({len(value)} > {limit} characters)",
                length=str(len(value)),
                limit=str(limit),
            )
        return value

    def _nip(self, row: int, cell: Cell, text: str) -> str | None:
        if isinstance(cell, int | float) or looks_excel_mangled(text):
            self._error(row, "nip", IssueCode.NIP_EXCEL_NUMBER, _EXCEL_ADVICE)
            return None
        if not text:
            self._error(row, "nip", IssueCode.REQUIRED, "NIP wajib diisi / NIP is required")
            return None
        result = parse_nip(text)
        for warning in result.warnings:
            self._warn(row, "nip", warning.code, warning.message, **warning.params)
        nip = result.nip
        if nip is None:
            if result.error is not None:
                self._error(row, "nip", result.error.code, result.error.message, **result.error.params)
            return None
        first = self.first_row_of.setdefault(nip, row)
        if first != row:
            self._error(
                row,
                "nip",
                IssueCode.NIP_DUPLICATE,
                f"NIP sama dengan baris {first} / same NIP as row {first}",
                first=str(first),
            )
            return None
        if nip.endswith("000"):
            self._warn(
                row,
                "nip",
                IssueCode.NIP_SERIAL_ZERO,
                "nomor urut NIP 000: jika kolom NIP pernah berformat angka di Excel, 3 digit terakhir"
                " hilang / NIP serial 000: if the NIP column was ever a number in Excel, the last 3 digits"
                " were lost",
            )
        return nip

    def _email(self, row: int, text: str) -> str | None:
        email = self._text(row, "email", text.lower())
        if not email:
            return None
        if not _EMAIL.match(email):
            self._error(
                row,
                "email",
                IssueCode.EMAIL_INVALID,
                f"email {text!r} tidak sah / email {text!r} is not valid",
                value=text,
            )
        return email

    def _phone(self, row: int, text: str) -> str | None:
        if not text:
            return None
        phone, lost_zero = normalise_phone(text)
        if phone is None:
            self._error(
                row,
                "phone",
                IssueCode.PHONE_INVALID,
                f"nomor HP {text!r} tidak sah (contoh 0812-3456-7890 atau +62 812 3456 7890)"
                f" / phone {text!r} is not a valid Indonesian number",
                value=text,
            )
        elif lost_zero:
            self._warn(
                row,
                "phone",
                IssueCode.PHONE_MISSING_ZERO,
                f"nomor HP {text!r} tanpa 0 di depan, dibaca sebagai {phone}"
                f" / phone {text!r} lacks its leading 0, read as {phone}",
                value=text,
                phone=phone,
            )
        return phone

    def _mode(self, row: int, text: str) -> Mode:
        if not text:
            return DEFAULT_MODE
        mode = MODES.get(text.lower())
        if mode is None:
            self._error(
                row,
                "mode",
                IssueCode.MODE_INVALID,
                f"moda {text!r} tidak dikenal (offline/luring atau online/daring)"
                f" / mode {text!r} is unknown (offline/luring or online/daring)",
                value=text,
            )
            return DEFAULT_MODE
        return mode

    def check(self, row: int, cells: Sequence[Cell], texts: dict[str, str]) -> RosterRow | None:
        """Validate one non-blank row; the row if it has no error, else None (errors recorded)."""
        errors_before = len(self.errors)
        nip_at = self.index["nip"]
        nip = self._nip(row, cells[nip_at] if nip_at < len(cells) else None, texts["nip"])
        name = self._text(row, "name", texts["name"], required=True)
        agency = self._text(row, "agency", texts["agency"], required=True)
        unit = self._text(row, "unit", texts["unit"])
        email = self._email(row, texts["email"])
        phone = self._phone(row, texts["phone"])
        batch = self._text(row, "batch", texts["batch"], required=True)
        mode = self._mode(row, texts["mode"])
        if len(self.errors) > errors_before:
            return None
        return RosterRow(row, nip, name, agency, unit, email, phone, batch, mode)


def _texts(cells: Sequence[Cell], index: dict[str, int]) -> dict[str, str]:
    width = len(cells)
    return {
        column: clean_text(cells[at]) if (at := index.get(column, width)) < width else ""
        for column in COLUMNS
    }


def _data_rows(
    rows: Iterable[NumberedRow], index: dict[str, int], max_rows: int
) -> Iterator[tuple[int, tuple[Cell, ...], dict[str, str]]]:
    """Non-blank data rows with their column texts; refuses more than `max_rows` of them."""
    count = 0
    for number, cells in rows:
        texts = _texts(cells, index)
        # A row is blank when no roster column has anything: templates often number rows they never fill.
        if not any(texts.values()):
            continue
        count += 1
        if count > max_rows:
            raise too_many_rows(max_rows)
        yield number, cells, texts


def parse_roster(
    data: bytes, filename: str | None = None, content_type: str | None = None, *, max_rows: int = MAX_ROWS
) -> ParsedRoster:
    """Parse a CSV or XLSX roster, told apart by content; raises only RosterFileError (an unreadable file,
    more than `max_rows` rows under the header, blank ones included). CPU-bound: run it off the event loop."""
    del content_type  # the content decides the format: uploads are often mislabelled
    table = read_table(data, filename, max_rows)
    if table.problems:
        return ParsedRoster(rows=(), errors=table.problems, warnings=())
    checker = _RowChecker(table.columns)
    valid = [
        row
        for number, cells, texts in _data_rows(table.rows, table.columns, max_rows)
        if (row := checker.check(number, cells, texts)) is not None
    ]
    warnings = list(checker.warnings)
    if not valid and not checker.errors:
        warnings.append(
            RowIssue(
                table.header_row,
                "",
                IssueCode.NO_ROWS,
                "tidak ada baris peserta / the file has no participant rows",
            )
        )
    return ParsedRoster(rows=tuple(valid), errors=tuple(checker.errors), warnings=tuple(warnings))
