"""Time helpers: everything is stored in UTC and shown in the event's zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def zone(name: str) -> ZoneInfo:
    """The ZoneInfo for an IANA name; raises ValueError for an unknown one."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def to_utc(value: datetime) -> datetime:
    """An aware datetime converted to UTC; a naive one is refused."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("datetime must carry a UTC offset")
    return value.astimezone(UTC)
