"""NIP, the 18-digit civil-servant number: validation, masking and Excel-damage detection."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from eventops.roster.issues import IssueCode

EARLIEST_BIRTH_YEAR = 1940
EARLIEST_APPOINTMENT_YEAR = 1960
# ASN are appointed as adults; an appointment year closer than this to the birth year is implausible.
MIN_APPOINTMENT_AGE = 14

# People write NIPs grouped with spaces, dots or dashes (any Unicode dash), sometimes behind the apostrophe
# that forces a spreadsheet cell to text.
_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2015\u2212]+")
_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d*)?[eE][+-]?\d+$")
_FLOAT_RENDERING = re.compile(r"^\d{15,19}[.,]0+$")
_ASCII_DIGITS = frozenset("0123456789")

Sex = Literal["male", "female"]


@dataclass(frozen=True, slots=True)
class NipIssue:
    """One problem with a NIP: a stable code, a bilingual message and the values it names (`params`)."""

    code: IssueCode
    message: str
    params: Mapping[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class NipResult:
    """The outcome of parsing a NIP: the normalised digits, or the error; warnings either way."""

    nip: str | None
    error: NipIssue | None = None
    warnings: tuple[NipIssue, ...] = ()
    birth_date: date | None = None
    sex: Sex | None = None

    @property
    def ok(self) -> bool:
        """True when the NIP is valid (warnings allowed)."""
        return self.error is None


def normalise_nip(raw: str) -> str:
    """Strip whitespace, dots, dashes and a leading text-forcing apostrophe; no validation."""
    text = raw.strip()
    if text.startswith("'"):
        text = text[1:]
    return _SEPARATORS.sub("", text)


def _fail(code: IssueCode, message: str, **params: str) -> NipResult:
    return NipResult(nip=None, error=NipIssue(code, message, params))


def _real_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _appointment_warning(digits: str, born: date, today: date) -> NipIssue | None:
    year, month = int(digits[8:12]), int(digits[12:14])
    plausible = (
        1 <= month <= 12
        and EARLIEST_APPOINTMENT_YEAR <= year <= today.year + 1
        and year >= born.year + MIN_APPOINTMENT_AGE
    )
    if plausible:
        return None
    return NipIssue(
        IssueCode.NIP_APPOINTMENT,
        f"bagian TMT pengangkatan {digits[8:14]} bukan tahun/bulan yang wajar (NIP PPPK memakai kode"
        f" lain) / appointment part {digits[8:14]} is not a plausible year and month (PPPK numbers use"
        " other codes)",
        {"digits": digits[8:14]},
    )


def parse_nip(raw: str, *, today: date | None = None) -> NipResult:
    """Validate a NIP as written: 18 digits, a real birth date, sex digit 1 or 2; never raises."""
    digits = normalise_nip(raw)
    if not set(digits) <= _ASCII_DIGITS:
        return _fail(IssueCode.NIP_DIGITS, "NIP hanya boleh berisi angka / NIP must contain digits only")
    if len(digits) != 18:
        return _fail(
            IssueCode.NIP_LENGTH,
            f"NIP harus 18 digit (ada {len(digits)}) / NIP must have 18 digits (got {len(digits)})",
            length=str(len(digits)),
        )
    today = today or date.today()
    born = _real_date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    if born is None or not date(EARLIEST_BIRTH_YEAR, 1, 1) <= born <= today:
        return _fail(
            IssueCode.NIP_BIRTH_DATE,
            f"8 digit pertama NIP ({digits[:8]}) bukan tanggal lahir yang sah"
            f" / the first 8 digits of the NIP ({digits[:8]}) are not a valid birth date",
            digits=digits[:8],
        )
    if digits[14] not in "12":
        return _fail(
            IssueCode.NIP_SEX,
            f"digit ke-15 NIP harus 1 atau 2, bukan {digits[14]}"
            f" / NIP digit 15 must be 1 or 2, not {digits[14]}",
            digit=digits[14],
        )
    warning = _appointment_warning(digits, born, today)
    return NipResult(
        nip=digits,
        warnings=(warning,) if warning else (),
        birth_date=born,
        sex="male" if digits[14] == "1" else "female",
    )


def mask_nip(nip: str) -> str:
    """Hide a NIP for public pages: `198503**********03`; other text keeps at most its last 2 characters."""
    digits = normalise_nip(nip)
    if len(digits) == 18:
        return digits[:6] + "*" * 10 + digits[-2:]
    if len(digits) <= 4:
        return "*" * len(digits)
    return "*" * (len(digits) - 2) + digits[-2:]


def looks_excel_mangled(raw: str, *, numeric_cell: bool = False) -> bool:
    """True when the value is what Excel leaves of a NIP kept as a number (15 significant digits)."""
    text = raw.strip().replace(" ", "")
    if _SCIENTIFIC.match(text) or _FLOAT_RENDERING.match(text):
        return True
    digits = normalise_nip(text)
    return (
        numeric_cell
        and len(digits) == 18
        and digits.isascii()
        and digits.isdigit()
        and digits.endswith("000")
    )
