"""Finding people in a batch's records: the moderators' roster-wide search with each one's combined status."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eventops.attendance.facts import Person
from eventops.attendance.recap import NO_AGENCY
from eventops.attendance.rules import AttendanceRecord
from eventops.roster.nip import normalise_nip

MAX_LIMIT = 200


@dataclass(frozen=True, slots=True)
class Found:
    """One page of the people matching a search, and how many match in all."""

    total: int
    rows: list[tuple[Person, AttendanceRecord]]


def _agency(person: Person) -> str:
    return person.agency or NO_AGENCY  # the recap's name for the empty agency, so its filter finds them


def find_people(
    rows: Sequence[tuple[Person, AttendanceRecord]],
    *,
    q: str = "",
    agency: str = "",
    limit: int = 50,
    offset: int = 0,
) -> Found:
    """The rows whose name contains `q` (any case) or NIP starts with its digits; of `agency` if given."""
    words = q.strip().casefold()
    digits = normalise_nip(q) if q.strip() else ""
    chosen = [
        (person, record)
        for person, record in rows
        if (not agency or _agency(person) == agency)
        and (
            not words
            or words in person.name.casefold()
            or (digits.isdigit() and person.nip is not None and person.nip.startswith(digits))
        )
    ]
    return Found(len(chosen), chosen[offset : offset + limit])
