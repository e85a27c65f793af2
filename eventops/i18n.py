"""Indonesian (default) and English formatting of dates, times, zones and numbers for pages and PDFs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

DAYS_ID = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
DAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# DOMAIN.md "Time": the three Indonesian zones; Pontianak (West Kalimantan) is WIB, Ujung_Pandang is
# the old alias of Makassar.
ZONE_ABBREVIATIONS = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Ujung_Pandang": "WITA",
    "Asia/Jayapura": "WIT",
}

TimeZoneLike = ZoneInfo | str


def _zone(tz: TimeZoneLike) -> ZoneInfo:
    """The ZoneInfo for a zone name or ZoneInfo."""
    return tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)


def _local(dt: datetime, tz: TimeZoneLike) -> datetime:
    """Convert to the zone; a naive datetime is taken as UTC (what the database stores)."""
    aware = dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)
    return aware.astimezone(_zone(tz))


def _offset_text(offset: timedelta) -> str:
    """`UTC`, `UTC+10`, `UTC-3` or `UTC+5:30` for an offset from UTC."""
    minutes = int(offset.total_seconds()) // 60
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def tz_abbrev(tzname: TimeZoneLike, at: datetime | None = None) -> str:
    """WIB/WITA/WIT for the Indonesian zones, else the UTC offset at `at` (default: now), e.g. `UTC+10`."""
    zone = _zone(tzname)
    if zone.key in ZONE_ABBREVIATIONS:
        return ZONE_ABBREVIATIONS[zone.key]
    moment = _local(at if at is not None else datetime.now(UTC), zone)
    offset = moment.utcoffset()
    return _offset_text(offset if offset is not None else timedelta(0))


def format_date_id(d: date) -> str:
    """`Senin, 21 Agustus 2023`."""
    return f"{DAYS_ID[d.weekday()]}, {d.day} {MONTHS_ID[d.month - 1]} {d.year}"


def format_date_en(d: date) -> str:
    """`Monday, 21 August 2023`."""
    return f"{DAYS_EN[d.weekday()]}, {d.day} {MONTHS_EN[d.month - 1]} {d.year}"


def format_time_id(dt: datetime, tz: TimeZoneLike) -> str:
    """`09.00 WITA`: local time in the zone, Indonesian dot between hours and minutes."""
    local = _local(dt, tz)
    return f"{local.hour:02d}.{local.minute:02d} {tz_abbrev(tz, local)}"


def format_time_en(dt: datetime, tz: TimeZoneLike) -> str:
    """`09:00 WITA`: local time in the zone."""
    local = _local(dt, tz)
    return f"{local.hour:02d}:{local.minute:02d} {tz_abbrev(tz, local)}"


def format_datetime_id(dt: datetime, tz: TimeZoneLike) -> str:
    """`Senin, 21 Agustus 2023, 09.00 WITA`: local date and time in the zone."""
    return f"{format_date_id(_local(dt, tz).date())}, {format_time_id(dt, tz)}"


def format_datetime_en(dt: datetime, tz: TimeZoneLike) -> str:
    """`Monday, 21 August 2023, 09:00 WITA`: local date and time in the zone."""
    return f"{format_date_en(_local(dt, tz).date())}, {format_time_en(dt, tz)}"


def format_int_id(n: int) -> str:
    """`5.000`: dot as thousands separator."""
    return f"{n:,}".replace(",", ".")


def format_decimal_id(x: float, decimals: int = 1) -> str:
    """`7,8` and `1.234,5`: dot for thousands, comma for decimals."""
    return f"{x:,.{decimals}f}".translate(str.maketrans(",.", ".,"))


def format_int_en(n: int) -> str:
    """`5,000`: comma as thousands separator."""
    return f"{n:,}"


def _percent_digits(ratio: float, decimals: int) -> str:
    """The percentage of a ratio with at most `decimals` decimals, trailing zeros dropped (`87.5`, `100`)."""
    text = f"{ratio * 100:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def format_percent_id(ratio: float, decimals: int = 1) -> str:
    """`87,5 %` for 0.875: comma for decimals, dot for thousands, a space before the sign."""
    digits = _percent_digits(ratio, decimals).translate(str.maketrans(",.", ".,"))
    return f"{digits} %"


def format_percent_en(ratio: float, decimals: int = 1) -> str:
    """`87.5%` for 0.875."""
    return f"{_percent_digits(ratio, decimals)}%"
