"""Candidates the matcher scored, and how it decides among them: who leads on the evidence that separates
namesakes (workplace, titles, whole name, honorifics), who is left when presence accounts for the others, the
order they are shown in, and the suggestions made of them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eventops.identity.names import NormalisedName
from eventops.identity.scoring import HonorificProfile
from eventops.identity.verdicts import (
    SUGGESTIONS,
    MatchReason,
    MatchResult,
    Presence,
    RosterEntry,
    Suggestion,
)


@dataclass(frozen=True, slots=True)
class Entry:
    entry: RosterEntry
    name: NormalisedName
    profile: HonorificProfile
    agency: frozenset[str]  # codes and place words of agency and unit together
    unit: frozenset[str]


@dataclass(frozen=True, slots=True)
class Scored:
    score: float
    agency_match: bool  # the display names a workplace and all of it fits this entry
    unit_named: bool  # ... and it names this entry's whole unit (`Kec Kuta` is not `Kecamatan Kuta Selatan`)
    entry: Entry
    conflict: bool  # a sex marker, birth order or caste title says this is someone else
    # Workplace, titles, the whole personal name (not a part of a longer one), honorific agreement: what
    # separates namesakes.
    evidence: tuple[int, int, int, int]


def leader_of(rivals: Sequence[Scored]) -> Scored | None:
    """The rival that beats every other (at least as good on each piece of evidence, better on one): the
    only one holding the best value of every piece at once."""
    if not rivals:
        return None
    top = tuple(max(values) for values in zip(*(r.evidence for r in rivals), strict=True))
    at_top = [r for r in rivals if r.evidence == top]
    return at_top[0] if len(at_top) == 1 else None


def participant_ids(rivals: Sequence[Scored]) -> frozenset[int]:
    """Who the rivals are."""
    return frozenset(r.entry.entry.participant_id for r in rivals)


def beats(one: tuple[int, ...], other: tuple[int, ...]) -> bool:
    """At least as good on each piece of evidence, and better on one."""
    return one != other and all(a >= b for a, b in zip(one, other, strict=True))


def unbeaten_first(rivals: Sequence[Scored]) -> list[Scored]:
    """The rivals, those no other beats first (compared by their few distinct pieces of evidence)."""
    vectors = {r.evidence for r in rivals}
    beaten = {v for v in vectors if any(beats(o, v) for o in vectors)}
    return sorted(rivals, key=lambda r: r.evidence in beaten)


def only_absent(rivals: Sequence[Scored], presence: Presence, accept_score: float) -> Scored | None:
    """The one rival not accounted for elsewhere, when it scores `accept_score` on its own and no rival
    accounted for beats it on the evidence of the name; else None."""
    absent = [r for r in rivals if not presence.accounts_for(r.entry.entry.participant_id)]
    if len(absent) != 1 or len(absent) == len(rivals) or absent[0].score < accept_score:
        return None
    if any(beats(r.evidence, absent[0].evidence) for r in rivals):
        return None
    return absent[0]


def unmatched(reason: MatchReason, shown: Sequence[Scored], only: Scored | None = None) -> MatchResult:
    """An unmatched result with the first suggestions; `only`, the one compatible candidate, always among
    them."""
    return MatchResult(None, None, shown[0].score, suggested(shown, only), reason)


def suggested(shown: Sequence[Scored], only: Scored | None = None) -> tuple[Suggestion, ...]:
    """The first suggestions; `only`, the one compatible candidate, always among them."""
    picked = list(shown[:SUGGESTIONS])
    if only is not None and only not in picked:
        picked[-1:] = [only]
    return tuple(
        Suggestion(s.entry.entry.participant_id, s.entry.entry.name, round(s.score, 1), s is only)
        for s in picked
    )


def rank(scored: Scored) -> tuple[float, bool, int]:
    return (-round(scored.score, 6), not scored.agency_match, scored.entry.entry.participant_id)


# Verdicts where a lone word is too little to choose by: namesakes too (`Sutrisno` for three of them), once
# presence has not told them apart.
UNDECIDED = frozenset(
    {MatchReason.HOMONYM, MatchReason.AMBIGUOUS, MatchReason.CLOSE_NAME, MatchReason.LOW_SCORE}
)


def lone_word(name: NormalisedName) -> bool:
    """A single personal word (beside initials) and nothing else: no sex marker, birth order or caste, no
    titles, no workplace, no phone."""
    words = [t for t in name.tokens if len(t) > 1]
    return len(words) == 1 and not (name.honorific_tokens or name.titles or name.agency_words or name.phones)
