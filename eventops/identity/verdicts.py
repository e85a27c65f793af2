"""The matcher's vocabulary: what it is given (roster entries, connections, presence), what it answers (a
match and its method, or the reason and suggestions a moderator sees), and the keys it looks people up by."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum, unique
from typing import Literal

from eventops.identity.names import NormalisedName, normalise_name

SUGGESTIONS = 3  # candidates shown with an unmatched connection

# `presence`: one of several namesakes, the only one not already accounted for (in the ballroom, or on Zoom
# under a connection matched by a strong identifier); shown to moderators, who may decide otherwise.
Method = Literal["registrant", "email", "nip", "alias", "phone", "fuzzy", "presence"]
# Methods that identify a connection by something only that person has: never a name.
STRONG_METHODS: tuple[Method, ...] = ("registrant", "email", "nip", "phone")


@unique
class MatchReason(StrEnum):
    """The matcher's verdict on one connection: matched, or why not. Stored (`match_reason`) and shown in the
    review queue for the unmatched; not a review state (`states.ReviewState`)."""

    MATCHED = "matched"  # one participant found (never stored: a match clears `match_reason`)
    AMBIGUOUS = "ambiguous"  # several participants score alike and nothing tells them apart
    HOMONYM = "homonym"  # several participants have this very name
    HONORIFIC_CONFLICT = "honorific_conflict"  # titles or birth-order names contradict the best candidate's
    AGENCY_MISMATCH = "agency_mismatch"  # an inexact name from someone naming another workplace
    CLOSE_NAME = "close_name"  # a close name, but not close enough to decide alone
    LOW_SCORE = "low_score"  # no candidate scores high enough
    DEVICE_NAME = "device_name"  # the display name is a device (`iPhone`, `Galaxy A12`)
    NO_NAME = "no_name"  # no personal name to match: initials only, or only titles, birth order, workplace
    # A lone first name or nickname (`Ani`, `Yan`) that fits several roster people, none ahead:
    # nobody can decide it from the name; dismissed in bulk (they prove attendance by checkpoint codes).
    TOO_LITTLE = "too_little"


@dataclass(frozen=True, slots=True)
class Presence:
    """Where the batch's people already are, as a careful moderator weighs it between namesakes: checked in
    at the venue's door (in the ballroom), or on Zoom under a connection matched by email, NIP, phone or
    registrant link. Neither is proof (a hybrid participant checks in and joins Zoom; a second device joins
    under a name), so it only ever picks among compatible namesakes that score alike."""

    checked_in: frozenset[int] = frozenset()
    strong: frozenset[int] = frozenset()

    def accounts_for(self, participant_id: int) -> bool:
        """This person is already somewhere else than behind an unidentified Zoom name."""
        return participant_id in self.checked_in or participant_id in self.strong


NOBODY_PRESENT = Presence()


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """One participant of the batch roster, as the matcher needs it."""

    participant_id: int
    nip: str | None
    name: str
    email: str | None
    agency: str
    unit: str
    registrant_id: str | None = None
    phone: str | None = None  # as the roster stores it, `+62…`


@dataclass(frozen=True, slots=True)
class Connection:
    """One Zoom connection or chat author: what we know of them."""

    display_name: str
    email: str | None = None
    registrant_id: str | None = None


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A roster participant the moderator may pick for an unmatched connection."""

    participant_id: int
    name: str
    score: float
    only: bool = False  # the one candidate nothing rules out: a moderator may accept it with others at once


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The matcher's answer: a participant and how it was found, or why not and whom to suggest."""

    participant_id: int | None
    method: Method | None
    score: float
    suggestions: tuple[Suggestion, ...]
    reason: MatchReason
    # The namesakes presence could still tell apart (every compatible rival): whose whereabouts to ask.
    namesakes: frozenset[int] = frozenset()


def matched(participant_id: int, method: Method, score: float = 100.0) -> MatchResult:
    """A match, found by `method`."""
    return MatchResult(participant_id, method, score, (), MatchReason.MATCHED)


def alias_key(display_name: str) -> str:
    """The key under which a moderator's decision on this display name is remembered ('' = never)."""
    return name_alias_key(normalise_name(display_name))


def name_alias_key(name: NormalisedName) -> str:
    """`alias_key` of a name already read."""
    # A name without a personal word (`iPhone`, `BKPSDM Gianyar`) is shared by many people: a decision on
    # one such connection must not be applied to the next.
    if not name.tokens:
        return ""
    words = " ".join((*name.honorific_tokens, *name.tokens))
    return f"{words} / {' '.join(sorted(name.agency_words))}" if name.agency_words else words


def email_key(email: str | None) -> str:
    """An email as compared: case and surrounding spaces ignored."""
    return (email or "").strip().lower()


def unique_keys(pairs: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Each key that names one participant only."""
    first: dict[str, int] = {}
    shared: set[str] = set()
    for key, participant_id in pairs:
        if key and first.setdefault(key, participant_id) != participant_id:
            shared.add(key)
    # A shared office email or a duplicated id identifies nobody.
    return {key: pid for key, pid in first.items() if key not in shared}
