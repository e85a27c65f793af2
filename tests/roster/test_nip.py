"""Tests for NIP validation, masking and detection of NIPs damaged by Excel."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventops.roster.issues import IssueCode
from eventops.roster.nip import looks_excel_mangled, mask_nip, parse_nip

TODAY = date(2024, 6, 1)
VALID = "198503122010011003"
ERROR_CODES = {IssueCode.NIP_LENGTH, IssueCode.NIP_DIGITS, IssueCode.NIP_BIRTH_DATE, IssueCode.NIP_SEX}


@pytest.mark.parametrize(
    "written",
    [
        VALID,
        "19850312 201001 1 003",
        "19850312.201001.1.003",
        "19850312-201001-1-003",
        "19850312\u2013201001\u20131\u2013003",
        "  19850312\u00a0201001\u00a01\u00a0003\t",
        "'198503122010011003",
    ],
)
def test_separators_are_stripped(written: str) -> None:
    result = parse_nip(written, today=TODAY)
    assert result.ok and result.nip == VALID and result.warnings == ()


def test_birth_date_and_sex_are_read() -> None:
    result = parse_nip("19920229 201503 2 017", today=TODAY)
    assert result.birth_date == date(1992, 2, 29)
    assert result.sex == "female"
    assert parse_nip(VALID, today=TODAY).sex == "male"


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("", IssueCode.NIP_LENGTH),
        ("19850312201001100", IssueCode.NIP_LENGTH),
        ("1985031220100110033", IssueCode.NIP_LENGTH),
        ("19850312201001100A", IssueCode.NIP_DIGITS),
        ("NIP 198503122010011003", IssueCode.NIP_DIGITS),
        ("198503122010011003/", IssueCode.NIP_DIGITS),
        ("١٩٨٥٠٣١٢٢٠١٠٠١١٠٠٣", IssueCode.NIP_DIGITS),
        ("1.98503E+17", IssueCode.NIP_DIGITS),
        ("198513122010011003", IssueCode.NIP_BIRTH_DATE),
        ("198502302010011003", IssueCode.NIP_BIRTH_DATE),
        ("199102292015031003", IssueCode.NIP_BIRTH_DATE),
        ("193912312010011003", IssueCode.NIP_BIRTH_DATE),
        ("202406022010011003", IssueCode.NIP_BIRTH_DATE),
        ("198503122010013003", IssueCode.NIP_SEX),
        ("198503122010010003", IssueCode.NIP_SEX),
    ],
)
def test_invalid_nip_gives_its_code(written: str, code: str) -> None:
    result = parse_nip(written, today=TODAY)
    assert not result.ok
    assert result.nip is None
    assert result.error is not None and result.error.code == code
    assert " / " in result.error.message  # Indonesian, then English


def test_birth_date_up_to_today_is_accepted() -> None:
    born_today = f"{TODAY:%Y%m%d}2010011003"
    tomorrow = f"{TODAY + timedelta(days=1):%Y%m%d}2010011003"
    assert parse_nip(born_today, today=TODAY).ok
    assert parse_nip(tomorrow, today=TODAY).error is not None


@pytest.mark.parametrize(
    "nip",
    [
        "198503122023211003",  # a PPPK number: appointment year then code 21, not a month
        "198503122010001003",  # month 00
        "198503121959011003",  # before 1960
        "198503121990011003",  # appointed at 5 years old
        "198503122031011003",  # years in the future
    ],
)
def test_implausible_appointment_is_only_a_warning(nip: str) -> None:
    result = parse_nip(nip, today=TODAY)
    assert result.ok and result.nip == nip
    assert [w.code for w in result.warnings] == [IssueCode.NIP_APPOINTMENT]


def test_mask_shows_first_six_and_last_two() -> None:
    assert mask_nip(VALID) == "198503**********03"
    assert mask_nip("19850312 201001 1 003") == "198503**********03"


@pytest.mark.parametrize(("value", "masked"), [("", ""), ("1234", "****"), ("12345678", "******78")])
def test_mask_of_other_values_keeps_at_most_two(value: str, masked: str) -> None:
    assert mask_nip(value) == masked


@pytest.mark.parametrize(
    "value",
    [
        "1.98503E+17",
        "1,98503E+17",
        "1.98503122010011E+17",
        "1.98503122010011e+17",
        "198503122010011000.0",
        "2E17",
    ],
)
def test_scientific_and_float_renderings_look_mangled(value: str) -> None:
    assert looks_excel_mangled(value)


def test_trailing_zeros_look_mangled_only_from_a_numeric_cell() -> None:
    assert looks_excel_mangled("198503122010011000", numeric_cell=True)
    assert not looks_excel_mangled("198503122010011000")
    assert not looks_excel_mangled(VALID, numeric_cell=True)


@pytest.mark.parametrize("value", [VALID, "19850312 201001 1 003", "", "Budi", "E17"])
def test_ordinary_values_do_not_look_mangled(value: str) -> None:
    assert not looks_excel_mangled(value)


@st.composite
def valid_nips(draw: st.DrawFn) -> str:
    """NIPs with a real birth date, a plausible appointment, a sex digit and a serial."""
    born = draw(st.dates(min_value=date(1940, 1, 1), max_value=date(2000, 12, 31)))
    year = draw(st.integers(min_value=max(1960, born.year + 18), max_value=2024))
    month = draw(st.integers(min_value=1, max_value=12))
    sex = draw(st.sampled_from("12"))
    serial = draw(st.integers(min_value=0, max_value=999))
    return f"{born:%Y%m%d}{year}{month:02d}{sex}{serial:03d}"


@given(valid_nips(), st.lists(st.sampled_from(["", " ", ".", "-", " - "]), min_size=17, max_size=17))
def test_valid_nips_parse_however_they_are_grouped(nip: str, separators: list[str]) -> None:
    written = nip[0] + "".join(sep + digit for sep, digit in zip(separators, nip[1:], strict=True))
    result = parse_nip(written, today=TODAY)
    assert result.ok and result.nip == nip and result.warnings == ()
    assert mask_nip(written) == nip[:6] + "*" * 10 + nip[-2:]


@given(st.text())
def test_parse_never_raises_and_is_consistent(raw: str) -> None:
    result = parse_nip(raw, today=TODAY)
    if result.ok:
        assert (
            result.nip is not None and len(result.nip) == 18 and result.nip.isascii() and result.nip.isdigit()
        )
        assert result.birth_date is not None and result.sex is not None
    else:
        assert result.nip is None and result.error is not None and result.error.code in ERROR_CODES
    assert isinstance(looks_excel_mangled(raw), bool)
    assert result.nip is None or result.nip not in mask_nip(raw)


@given(st.from_regex(r"\A[0-9]{18}\Z"))
def test_mask_never_shows_the_birth_day_or_serial(nip: str) -> None:
    masked = mask_nip(nip)
    assert len(masked) == 18 and masked[6:16] == "*" * 10 and masked[:6] == nip[:6]
