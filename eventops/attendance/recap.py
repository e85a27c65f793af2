"""The batch recap: counts by status, mode, agency and unit, from evaluated attendance records."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from eventops.attendance.rules import MODES, STATUSES, AttendanceRecord, Mode, ParticipantId, Status

NO_AGENCY = "(tanpa instansi)"  # the group of walk-ins and roster rows with the cell left empty
NO_UNIT = "(tanpa unit kerja)"


@dataclass(frozen=True, slots=True)
class GroupSummary:
    """Counts for one agency (`unit` is None), one unit of an agency, or the whole batch (both empty)."""

    agency: str
    unit: str | None
    expected: int
    present_offline: int
    present_online: int
    partial: int
    absent: int

    @property
    def present(self) -> int:
        """Present through any channel."""
        return self.present_offline + self.present_online

    @property
    def attendance_pct(self) -> float:
        """Present (partial not included) as a percentage of expected; 0.0 for an empty group."""
        return 100.0 * self.present / self.expected if self.expected else 0.0


@dataclass(frozen=True, slots=True)
class Summary:
    """A batch recap: counts by status and mode, then per agency and per agency unit, sorted by name."""

    overall: GroupSummary
    by_status: Mapping[Status, int]
    by_mode: Mapping[Mode, int]
    by_agency: tuple[GroupSummary, ...]
    by_unit: tuple[GroupSummary, ...]


def summarise(
    records: Iterable[AttendanceRecord], agencies: Mapping[ParticipantId, tuple[str, str]]
) -> Summary:
    """Recap the given records; `agencies` maps a participant to `(agency, unit)` ("" when unknown).

    `expected` counts the records given: pass the roster participants of the batch (and walk-ins if wanted).
    """
    by_status: dict[Status, int] = dict.fromkeys(STATUSES, 0)
    by_mode: dict[Mode, int] = dict.fromkeys(MODES, 0)
    overall = [0] * 5  # expected, present offline, present online, partial, absent
    per_agency: dict[str, list[int]] = {}
    per_unit: dict[tuple[str, str], list[int]] = {}
    for r in records:
        by_status[r.status] += 1
        if r.mode is not None:
            by_mode[r.mode] += 1
        column = {"present": 1 if r.mode == "offline" else 2, "partial": 3, "absent": 4}[r.status]
        agency, unit = agencies.get(r.participant_id, ("", ""))
        for counts in (
            overall,
            per_agency.setdefault(agency, [0] * 5),
            per_unit.setdefault((agency, unit), [0] * 5),
        ):
            counts[0] += 1
            counts[column] += 1
    return Summary(
        overall=GroupSummary("", None, *overall),
        by_status=by_status,
        by_mode=by_mode,
        by_agency=tuple(GroupSummary(a, None, *c) for a, c in sorted(per_agency.items())),
        by_unit=tuple(GroupSummary(a, u, *c) for (a, u), c in sorted(per_unit.items())),
    )
