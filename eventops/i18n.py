"""Indonesian (default) and English formatting of dates, times, zones and numbers (Babel's CLDR data).

`format_*(…, locale)` take the page's locale, `id` or `en`; the `_id`/`_en` names are the same for one
locale (PDFs, passes and door answers speak Indonesian). Times are shown in the event's zone, named WIB, WITA
or WIT in Indonesia (CLDR knows no such abbreviations), else by their offset from UTC.
"""

from __future__ import annotations

import functools
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import dates, numbers
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALES = ("id", "en")  # the first is the default
DEFAULT_LOCALE = LOCALES[0]
_DATE = "EEEE, d MMMM y"  # Senin, 21 Agustus 2023 · Monday, 21 August 2023
_TIME = {"id": "HH.mm", "en": "HH:mm"}  # 09.00 · 09:00

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


def format_date(d: date, locale: str) -> str:
    """`Senin, 21 Agustus 2023` (id), `Monday, 21 August 2023` (en)."""
    return dates.format_date(d, _DATE, locale=locale)


def format_clock(dt: datetime, tz: TimeZoneLike, locale: str) -> str:
    """`09.00` (id), `09:00` (en): the local time of day in the zone, the zone unnamed."""
    return dates.format_time(_local(dt, tz), _TIME[locale], locale=locale)


def format_time(dt: datetime, tz: TimeZoneLike, locale: str) -> str:
    """`09.00 WITA` (id), `09:00 WITA` (en): local time in the zone."""
    return f"{format_clock(dt, tz, locale)} {tz_abbrev(tz, _local(dt, tz))}"


def format_datetime(dt: datetime, tz: TimeZoneLike, locale: str) -> str:
    """`Senin, 21 Agustus 2023, 09.00 WITA`: local date and time in the zone."""
    return f"{format_date(_local(dt, tz).date(), locale)}, {format_time(dt, tz, locale)}"


def format_number(x: float, locale: str, decimals: int = 0) -> str:
    """`1.618` and `7,8` (id), `1,618` and `7.8` (en): exactly `decimals` decimals."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return numbers.format_decimal(x, format=pattern, locale=locale, decimal_quantization=True)


def format_percent(ratio: float, locale: str, decimals: int = 1) -> str:
    """`87,5 %` (id, a space before the sign), `87.5%` (en): at most `decimals` decimals."""
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    digits = numbers.format_decimal(ratio * 100, format=pattern, locale=locale)
    digits = "0" if digits == "-0" else digits
    return f"{digits} %" if locale == "id" else f"{digits}%"


def format_date_id(d: date) -> str:
    """`Senin, 21 Agustus 2023`."""
    return format_date(d, "id")


def format_date_en(d: date) -> str:
    """`Monday, 21 August 2023`."""
    return format_date(d, "en")


format_time_id = functools.partial(format_time, locale="id")
format_time_en = functools.partial(format_time, locale="en")
format_datetime_id = functools.partial(format_datetime, locale="id")
format_datetime_en = functools.partial(format_datetime, locale="en")


def format_int_id(n: int) -> str:
    """`5.000`: dot as thousands separator."""
    return format_number(n, "id")


def format_int_en(n: int) -> str:
    """`5,000`: comma as thousands separator."""
    return format_number(n, "en")


def format_decimal_id(x: float, decimals: int = 1) -> str:
    """`7,8` and `1.234,5`: dot for thousands, comma for decimals."""
    return format_number(x, "id", decimals)


def format_percent_id(ratio: float, decimals: int = 1) -> str:
    """`87,5 %` for 0.875."""
    return format_percent(ratio, "id", decimals)


def format_percent_en(ratio: float, decimals: int = 1) -> str:
    """`87.5%` for 0.875."""
    return format_percent(ratio, "en", decimals)


# The catalogues: eventops/locale/<locale>/LC_MESSAGES/messages.po, English msgids, compiled in memory on
# first use (no .mo files to keep in step). `make messages` extracts the msgids and updates both catalogues.
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


@functools.cache
def catalog(locale: str) -> Catalog:
    """The locale's catalogue as read from its .po file."""
    with (LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=locale)


@functools.cache
def translations(locale: str) -> Translations:
    """The locale's compiled translations (gettext, ngettext)."""
    compiled = io.BytesIO()
    write_mo(compiled, catalog(locale))
    compiled.seek(0)
    return Translations(compiled)
