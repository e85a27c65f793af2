"""Indonesian and English formatting: every weekday and month, the three zones, numbers and percentages."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventops.i18n import (
    format_date_en,
    format_date_id,
    format_datetime_en,
    format_datetime_id,
    format_decimal_id,
    format_int_en,
    format_int_id,
    format_percent_en,
    format_percent_id,
    format_time_en,
    format_time_id,
    tz_abbrev,
)

# 21-27 August 2023: Monday to Sunday, the Bali batches' week.
WEEKDAYS = [
    (21, "Senin", "Monday"),
    (22, "Selasa", "Tuesday"),
    (23, "Rabu", "Wednesday"),
    (24, "Kamis", "Thursday"),
    (25, "Jumat", "Friday"),
    (26, "Sabtu", "Saturday"),
    (27, "Minggu", "Sunday"),
]
MONTHS = [
    (1, "Januari", "January"),
    (2, "Februari", "February"),
    (3, "Maret", "March"),
    (4, "April", "April"),
    (5, "Mei", "May"),
    (6, "Juni", "June"),
    (7, "Juli", "July"),
    (8, "Agustus", "August"),
    (9, "September", "September"),
    (10, "Oktober", "October"),
    (11, "November", "November"),
    (12, "Desember", "December"),
]
# 01.00 UTC on 21 August 2023 in the three Indonesian zones.
ZONES = [
    ("Asia/Jakarta", "WIB", "08"),
    ("Asia/Pontianak", "WIB", "08"),
    ("Asia/Makassar", "WITA", "09"),
    ("Asia/Jayapura", "WIT", "10"),
]
MORNING_UTC = datetime(2023, 8, 21, 1, 0, tzinfo=UTC)


def test_the_bali_opening_day() -> None:
    assert format_date_id(date(2023, 8, 21)) == "Senin, 21 Agustus 2023"
    assert format_date_en(date(2023, 8, 21)) == "Monday, 21 August 2023"


@pytest.mark.parametrize(("day", "indonesian", "english"), WEEKDAYS)
def test_every_weekday(day: int, indonesian: str, english: str) -> None:
    assert format_date_id(date(2023, 8, day)) == f"{indonesian}, {day} Agustus 2023"
    assert format_date_en(date(2023, 8, day)) == f"{english}, {day} August 2023"


@pytest.mark.parametrize(("month", "indonesian", "english"), MONTHS)
def test_every_month(month: int, indonesian: str, english: str) -> None:
    assert format_date_id(date(2024, month, 1)).endswith(f", 1 {indonesian} 2024")
    assert format_date_en(date(2024, month, 1)).endswith(f", 1 {english} 2024")


@pytest.mark.parametrize(("zone", "abbrev", "hour"), ZONES)
def test_time_in_each_indonesian_zone(zone: str, abbrev: str, hour: str) -> None:
    assert tz_abbrev(zone) == abbrev
    assert format_time_id(MORNING_UTC, zone) == f"{hour}.00 {abbrev}"
    assert format_time_en(MORNING_UTC, zone) == f"{hour}:00 {abbrev}"
    assert format_time_id(MORNING_UTC, ZoneInfo(zone)) == f"{hour}.00 {abbrev}"


def test_datetime_takes_the_local_date_across_midnight() -> None:
    late_utc = datetime(2023, 8, 20, 17, 30, tzinfo=UTC)  # 02.30 on the 21st in Jayapura, 00.30 in Jakarta
    assert format_datetime_id(late_utc, "Asia/Jayapura") == "Senin, 21 Agustus 2023, 02.30 WIT"
    assert format_datetime_en(late_utc, "Asia/Jakarta") == "Monday, 21 August 2023, 00:30 WIB"
    assert format_datetime_id(late_utc, "Asia/Makassar") == "Senin, 21 Agustus 2023, 01.30 WITA"


def test_an_aware_time_in_another_zone_is_converted() -> None:
    wita_nine = datetime(2023, 8, 21, 9, 5, tzinfo=ZoneInfo("Asia/Makassar"))
    assert format_time_id(wita_nine, "Asia/Jakarta") == "08.05 WIB"


def test_naive_datetimes_are_utc_as_stored() -> None:
    assert format_time_id(datetime(2023, 8, 21, 1, 0), "Asia/Makassar") == "09.00 WITA"


@pytest.mark.parametrize(
    ("zone", "moment", "expected"),
    [
        ("UTC", MORNING_UTC, "UTC"),
        ("Asia/Singapore", MORNING_UTC, "UTC+8"),
        ("Asia/Kolkata", MORNING_UTC, "UTC+5:30"),
        ("America/Sao_Paulo", MORNING_UTC, "UTC-3"),
        ("Australia/Sydney", MORNING_UTC, "UTC+10"),
        ("Australia/Sydney", datetime(2024, 1, 15, tzinfo=UTC), "UTC+11"),
    ],
)
def test_other_zones_show_their_offset_at_that_moment(zone: str, moment: datetime, expected: str) -> None:
    assert tz_abbrev(zone, moment) == expected
    assert format_time_en(moment, zone).endswith(f" {expected}")


@pytest.mark.parametrize(
    ("n", "indonesian", "english"),
    [(0, "0", "0"), (999, "999", "999"), (1000, "1.000", "1,000"), (5000, "5.000", "5,000"),
     (350000, "350.000", "350,000"), (1234567, "1.234.567", "1,234,567"), (-5500, "-5.500", "-5,500")],
)  # fmt: skip
def test_integers(n: int, indonesian: str, english: str) -> None:
    assert format_int_id(n) == indonesian
    assert format_int_en(n) == english


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_indonesian_integers_read_back(n: int) -> None:
    text = format_int_id(n)
    assert "," not in text and int(text.replace(".", "")) == n
    assert all(len(group) == 3 for group in text.lstrip("-").split(".")[1:])


def test_indonesian_decimals_use_a_comma() -> None:
    assert format_decimal_id(7.8) == "7,8"
    assert format_decimal_id(1234.56) == "1.234,6"
    assert format_decimal_id(30, 0) == "30"


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_indonesian_decimals_read_back(x: float) -> None:
    text = format_decimal_id(x)
    assert float(text.replace(".", "").replace(",", ".")) == pytest.approx(
        x, abs=0.0501
    )  # a tie (0.75) rounds half to even


@pytest.mark.parametrize(
    ("ratio", "indonesian", "english"),
    [(0.875, "87,5 %", "87.5%"), (1.0, "100 %", "100%"), (0.0, "0 %", "0%"), (1 / 3, "33,3 %", "33.3%"),
     (0.9996, "100 %", "100%"), (12.345, "1.234,5 %", "1,234.5%"), (-0.000001, "0 %", "0%")],
)  # fmt: skip
def test_percentages(ratio: float, indonesian: str, english: str) -> None:
    assert format_percent_id(ratio) == indonesian
    assert format_percent_en(ratio) == english


def test_percent_decimals_can_be_chosen() -> None:
    assert format_percent_id(0.87654, decimals=2) == "87,65 %"
    assert format_percent_id(0.87654, decimals=0) == "88 %"


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_date_parts_match_the_calendar(d: date) -> None:
    weekday, rest = format_date_id(d).split(", ")
    day, month, year = rest.split(" ")
    assert (int(day), int(year)) == (d.day, d.year)
    assert weekday == WEEKDAYS[d.weekday()][1] and month == MONTHS[d.month - 1][1]
    assert format_date_id(d + timedelta(days=7)).split(",")[0] == weekday
