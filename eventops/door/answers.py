"""Check-in outcomes: the result codes (defined once), the answer to every scan, its bilingual message."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eventops.i18n import format_datetime_en, format_datetime_id, format_time_en, format_time_id
from eventops.timeutil import zone


class ScanResult(enum.StrEnum):
    """What a scan did; clients branch on these codes, never on the message."""

    ok = "ok"
    duplicate = "duplicate"
    wrong_batch = "wrong_batch"
    unknown = "unknown"
    revoked = "revoked"


class Method(enum.StrEnum):
    """How a participant was identified at the door."""

    qr = "qr"
    manual = "manual"
    walk_in = "walk_in"


@dataclass(frozen=True, slots=True)
class PersonView:
    """The participant as door staff see them (NIP masked)."""

    name: str
    agency: str
    unit: str
    batch: str
    nip_masked: str | None
    mode: str = "offline"


@dataclass(frozen=True, slots=True)
class BatchView:
    """A batch as named in an answer: the one a wrong-batch participant is registered for."""

    code: str
    name: str
    starts_at: datetime


@dataclass(frozen=True, slots=True)
class ScanAnswer:
    """The answer to a scan, a manual check-in or a walk-in; a retried scan_id gets the same one again."""

    result: ScanResult
    timezone: str
    participant: PersonView | None = None
    checked_in_at: datetime | None = None
    station: str | None = None
    expected_batch: BatchView | None = None
    pass_url: str | None = None

    @property
    def message(self) -> str:
        """One line for the door, Indonesian first: `<Indonesian> · <English>`."""
        return message_for(self)

    def as_json(self) -> dict[str, Any]:
        """The API's answer; times ISO 8601 in the event's zone."""
        tz = zone(self.timezone)
        person = self.participant
        expected = self.expected_batch
        data: dict[str, Any] = {
            "result": self.result.value,
            "participant": None
            if person is None
            else {
                "name": person.name,
                "agency": person.agency,
                "unit": person.unit,
                "batch": person.batch,
                "nip_masked": person.nip_masked,
                "mode": person.mode,
            },
            "checked_in_at": self.checked_in_at.astimezone(tz).isoformat() if self.checked_in_at else None,
            "station": self.station,
            "expected_batch": None
            if expected is None
            else {
                "code": expected.code,
                "name": expected.name,
                "starts_at": expected.starts_at.astimezone(tz).isoformat(),
            },
            "message": self.message,
        }
        if self.pass_url is not None:
            data["pass_url"] = self.pass_url
        return data


def message_for(answer: ScanAnswer) -> str:
    """The bilingual line shown on the scanner for an answer."""
    tz = answer.timezone
    name = answer.participant.name if answer.participant else ""
    if answer.result is ScanResult.ok:
        if answer.participant is not None and answer.participant.mode == "online":
            # Registered for Zoom yet at the door: let them in, but say so (the desk may need to know).
            return (
                f"Silakan masuk, {name} (terdaftar daring) · Checked in: {name} (registered to attend online)"
            )
        return f"Silakan masuk, {name} · Checked in: {name}"
    if answer.result is ScanResult.duplicate and answer.checked_in_at is not None:
        at = answer.checked_in_at
        return (
            f"Sudah masuk pukul {format_time_id(at, tz)} di {answer.station} · "
            f"Already checked in at {format_time_en(at, tz)} at {answer.station}"
        )
    if answer.result is ScanResult.wrong_batch and answer.expected_batch is not None:
        batch = answer.expected_batch
        return (
            f"Terdaftar di kelompok {batch.code} ({format_datetime_id(batch.starts_at, tz)}) · "
            f"Registered for batch {batch.code} ({format_datetime_en(batch.starts_at, tz)})"
        )
    if answer.result is ScanResult.revoked:
        return "Kartu sudah dicabut; minta kartu baru ke panitia · This pass was revoked; ask the organisers"
    return "Kartu tidak dikenal · Unknown pass"
