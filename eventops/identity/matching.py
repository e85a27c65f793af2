"""Identity matching: a Zoom or chat name to one roster participant, or to the review queue."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum, unique
from types import MappingProxyType
from typing import Literal

from eventops.identity.names import NormalisedName, agency_words_of, normalise_name
from eventops.identity.scoring import (
    HonorificProfile,
    agency_matches,
    honorific_profile,
    honorifics_agreement,
    honorifics_conflict,
    name_score,
    titles_agree,
    whole_name,
)
from eventops.identity.word_blocks import WordBlocks

# Fuzzy acceptance, tuned with `python -m bench.matching` (precision first; see the report it prints).
ACCEPT_SCORE = 90.0
MARGIN = 5.0
SUGGESTIONS = 3
# A name held by more roster entries than this (a roster of `Peserta`, or thousands of `Sri Rahayu`) is
# never matched automatically: proving one of them ahead of all the others would cost too much, and a
# moderator decides it anyway.
RIVALS_LIMIT = 200
# Below this nobody is a close name: the reason says so, and the suggestions are only a hint.
CLOSE_SCORE = 70.0

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


_NO_ALIASES: Mapping[str, int] = MappingProxyType({})


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


def alias_key(display_name: str) -> str:
    """The key under which a moderator's decision on this display name is remembered ('' = never)."""
    return _alias_key(normalise_name(display_name))


def _alias_key(name: NormalisedName) -> str:
    # A name without a personal word (`iPhone`, `BKPSDM Gianyar`) is shared by many people: a decision on
    # one such connection must not be applied to the next.
    if not name.tokens:
        return ""
    words = " ".join((*name.honorific_tokens, *name.tokens))
    return f"{words} / {' '.join(sorted(name.agency_words))}" if name.agency_words else words


def _email_key(email: str | None) -> str:
    return (email or "").strip().lower()


@dataclass(frozen=True, slots=True)
class _Entry:
    entry: RosterEntry
    name: NormalisedName
    profile: HonorificProfile
    agency: frozenset[str]  # codes and place words of agency and unit together
    unit: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Scored:
    score: float
    agency_match: bool  # the display names a workplace and all of it fits this entry
    unit_named: bool  # ... and it names this entry's whole unit (`Kec Kuta` is not `Kecamatan Kuta Selatan`)
    entry: _Entry
    conflict: bool  # a sex marker, birth order or caste title says this is someone else
    # Workplace, titles, the whole personal name (not a part of a longer one), honorific agreement: what
    # separates namesakes.
    evidence: tuple[int, int, int, int]


def _unique(pairs: Iterable[tuple[str, int]]) -> dict[str, int]:
    first: dict[str, int] = {}
    shared: set[str] = set()
    for key, participant_id in pairs:
        if key and first.setdefault(key, participant_id) != participant_id:
            shared.add(key)
    # A shared office email or a duplicated id identifies nobody.
    return {key: pid for key, pid in first.items() if key not in shared}


def _matched(participant_id: int, method: Method, score: float = 100.0) -> MatchResult:
    return MatchResult(participant_id, method, score, (), MatchReason.MATCHED)


class RosterIndex:
    """A batch roster prepared once for matching many connections."""

    def __init__(
        self, roster: Iterable[RosterEntry], *, accept_score: float = ACCEPT_SCORE, margin: float = MARGIN
    ) -> None:
        """Normalise every roster name and build the lookup tables and word blocks."""
        self.accept_score = accept_score
        self.margin = margin
        entries = sorted(roster, key=lambda e: e.participant_id)
        # Thousands of people share an agency, a unit, a name or a set of honorifics: each distinct value
        # is read once, and its result shared.
        names: dict[str, NormalisedName] = {}
        profiles: dict[tuple[str, ...], HonorificProfile] = {}
        texts: dict[str, frozenset[str]] = {}
        workplaces: dict[tuple[str, str], frozenset[str]] = {}

        def words_of(text: str) -> frozenset[str]:
            found = texts.get(text)
            if found is None:
                found = texts[text] = agency_words_of(text)
            return found

        def prepare(e: RosterEntry) -> _Entry:
            name = names.get(e.name)
            if name is None:
                name = names[e.name] = normalise_name(e.name)
            profile = profiles.get(name.honorific_tokens)
            if profile is None:
                profile = profiles[name.honorific_tokens] = honorific_profile(name.honorific_tokens)
            agency = workplaces.get((e.agency, e.unit))
            if agency is None:
                agency = workplaces[(e.agency, e.unit)] = words_of(e.agency) | words_of(e.unit)
            return _Entry(e, name, profile, agency, words_of(e.unit))

        self._entries = [prepare(e) for e in entries]
        self._by_registrant = _unique((e.registrant_id or "", e.participant_id) for e in entries)
        self._by_email = _unique((_email_key(e.email), e.participant_id) for e in entries)
        self._by_nip = _unique((e.nip or "", e.participant_id) for e in entries)
        self._by_phone = _unique((e.phone or "", e.participant_id) for e in entries)
        self._by_id = {prepared.entry.participant_id: prepared for prepared in self._entries}
        self._by_key: dict[str, list[_Entry]] = defaultdict(list)
        for prepared in self._entries:
            if prepared.name.tokens:
                self._by_key[prepared.name.key].append(prepared)
        self._words = WordBlocks({pid: p.name.tokens for pid, p in self._by_id.items() if p.name.tokens})
        self._name_cache: dict[str, NormalisedName] = {}
        self._profiles = profiles

    def __len__(self) -> int:
        """The number of roster entries."""
        return len(self._entries)

    def match(
        self, conn: Connection, aliases: Mapping[str, int] = _NO_ALIASES, presence: Presence = NOBODY_PRESENT
    ) -> MatchResult:
        """Run the cascade for one connection: registrant, email, NIP, alias, phone, then fuzzy name (with
        `presence` to pick among namesakes)."""
        by_registrant = self._by_registrant.get(conn.registrant_id or "")
        if by_registrant is not None:
            return _matched(by_registrant, "registrant")
        by_email = self._by_email.get(_email_key(conn.email))
        if by_email is not None:
            return _matched(by_email, "email")
        name = self._normalised(conn.display_name)
        by_nip = self._by_nip.get(name.nip or "")
        if by_nip is not None:
            return _matched(by_nip, "nip")
        key = _alias_key(name)
        aliased = aliases.get(key) if key else None
        if aliased is not None and aliased in self._by_id:
            return _matched(aliased, "alias")
        by_phone = {self._by_phone[p] for p in name.phones if p in self._by_phone}
        if len(by_phone) == 1:
            return _matched(by_phone.pop(), "phone")
        return self._fuzzy(name, presence)

    def match_many(
        self,
        conns: Sequence[Connection],
        aliases: Mapping[str, int] = _NO_ALIASES,
        presence: Presence = NOBODY_PRESENT,
    ) -> list[MatchResult]:
        """Match many connections; a repeated connection (`iPhone`, a reconnect) is decided once."""
        decided: dict[Connection, MatchResult] = {}
        for conn in conns:
            if conn not in decided:
                decided[conn] = self.match(conn, aliases, presence)
        return [decided[conn] for conn in conns]

    def _normalised(self, display_name: str) -> NormalisedName:
        cached = self._name_cache.get(display_name)
        if cached is None:
            cached = self._name_cache[display_name] = normalise_name(display_name)
        return cached

    def _candidates(self, tokens: Sequence[str]) -> tuple[list[_Entry], set[str]]:
        """The entries worth scoring, and the names too crowded to weigh: of a crowd of namesakes only a few
        are scored, to be shown."""
        chosen: dict[int, _Entry] = {}
        crowded: set[str] = set()
        for pid in self._words.candidates(tokens):
            key = self._by_id[pid].name.key
            namesakes = self._by_key[key]  # namesakes are always weighed together
            if len(namesakes) > RIVALS_LIMIT:
                crowded.add(key)
                namesakes = namesakes[:SUGGESTIONS]
            for namesake in namesakes:
                chosen[namesake.entry.participant_id] = namesake
        return list(chosen.values()), crowded

    def _score(self, name: NormalisedName, prepared: _Entry, scores: dict[tuple[str, ...], float]) -> _Scored:
        """Score one entry; `scores` keeps this display's name scores by roster tokens (namesakes share)."""
        own = set(prepared.name.tokens)
        # Display words found in this entry's agency or unit (`Kuta` for `Kecamatan Kuta`) are workplace
        # words for this candidate, not part of the name.
        absorbed = [t for t in name.tokens if t in prepared.agency and t not in own]
        tokens = [t for t in name.tokens if t not in absorbed] or list(name.tokens)
        key = (*prepared.name.tokens, "/", *tokens)
        score = scores.get(key)
        if score is None:
            score = scores[key] = name_score(tokens, prepared.name.tokens, self._words.weight, self._words)
        fits = agency_matches(name.agency_words, absorbed, prepared.agency)
        named = fits and prepared.unit <= {*name.agency_words, *absorbed}
        profile = self._profile(name)
        evidence = (
            fits + named,
            int(titles_agree(name.titles, prepared.name.titles)),
            int(whole_name(tokens, prepared.name.tokens, score)),
            honorifics_agreement(profile, prepared.profile),
        )
        conflict = honorifics_conflict(profile, prepared.profile)
        return _Scored(score, fits, named, prepared, conflict, evidence)

    def _profile(self, name: NormalisedName) -> HonorificProfile:
        found = self._profiles.get(name.honorific_tokens)
        if found is None:
            found = self._profiles[name.honorific_tokens] = honorific_profile(name.honorific_tokens)
        return found

    def _rivals(
        self,
        name: NormalisedName,
        best: _Scored,
        scored: Sequence[_Scored],
        scores: dict[tuple[str, ...], float],
    ) -> tuple[list[_Scored], bool]:
        """Every compatible candidate the best must clearly beat: near scores, namesakes, and every roster
        name holding all the display's words, since people drop words (`Dewi` is how `Dewi Astuti` signs in,
        `Siti Aminah` how `Siti Nur Aminah` does); and whether they were too many to weigh."""
        rivals = {
            s.entry.entry.participant_id: s
            for s in scored
            if not s.conflict
            and (s.score >= best.score - self.margin or s.entry.name.key == best.entry.name.key)
        }
        holders = self._words.holders_of_all(name.tokens)
        if len(holders) > RIVALS_LIMIT:
            return sorted(rivals.values(), key=_rank), True
        for pid in holders:
            if pid not in rivals:
                rival = self._score(name, self._by_id[pid], scores)
                if not rival.conflict:
                    rivals[pid] = rival
        return sorted(rivals.values(), key=_rank), False

    def _fuzzy(self, name: NormalisedName, presence: Presence = NOBODY_PRESENT) -> MatchResult:
        result = self._decide(name, presence)
        if result.reason in _UNDECIDED and _lone_word(name) and not any(s.only for s in result.suggestions):
            return replace(result, reason=MatchReason.TOO_LITTLE)
        return result

    def _decide(self, name: NormalisedName, presence: Presence) -> MatchResult:
        if not name.tokens:
            return MatchResult(
                None, None, 0.0, (), MatchReason.DEVICE_NAME if name.is_device else MatchReason.NO_NAME
            )
        if all(len(token) == 1 for token in name.tokens):
            return MatchResult(None, None, 0.0, (), MatchReason.NO_NAME)
        split = self._words.split_compounds(self._words.recut(name.tokens))
        if split != name.tokens:
            name = replace(name, tokens=split)
        scores: dict[tuple[str, ...], float] = {}
        candidates, crowded = self._candidates(name.tokens)
        scored = sorted((self._score(name, prepared, scores) for prepared in candidates), key=_rank)
        scored = [s for s in scored if s.score > 0.0]
        compatible = [s for s in scored if not s.conflict]
        good = [s for s in compatible if self._good(s)]
        # A crowd of namesakes was only sampled: unseen members may be compatible whatever the sample says.
        crowd = [s for s in scored if s.entry.name.key in crowded]
        crowd_score = max((s.score for s in crowd), default=0.0)
        only = compatible[0] if len(compatible) == 1 and not crowd else None
        if not good:
            # Nobody this could be: say why, with the names the reason speaks of first.
            if crowd_score >= self.accept_score:
                return _unmatched(MatchReason.HOMONYM, crowd + [s for s in scored if s not in crowd])
            if scored and scored[0].conflict and scored[0].score >= self.accept_score:
                return _unmatched(MatchReason.HONORIFIC_CONFLICT, scored, only)
            shown = compatible or scored
            if not shown:
                return MatchResult(None, None, 0.0, (), MatchReason.LOW_SCORE)
            reason = MatchReason.CLOSE_NAME if shown[0].score >= CLOSE_SCORE else MatchReason.LOW_SCORE
            return _unmatched(reason, shown, only)
        best = good[0]
        rivals, too_many = self._rivals(name, best, compatible, scores)
        # A namesake is only a namesake while no piece of evidence (workplace, titles, honorifics) puts one
        # compatible candidate ahead of all the others; a leader must still be good enough on its own.
        leader = _leader(rivals)
        too_many = too_many or crowd_score >= best.score - self.margin
        if too_many or (len(rivals) > 1 and (leader is None or not self._good(leader))):
            # The namesakes the reason speaks of first: those no other rival beats.
            shown = _unbeaten_first(rivals) + [s for s in compatible if s not in rivals]
            present = None if too_many else self._only_absent(rivals, presence)
            if present is not None:
                return MatchResult(
                    present.entry.entry.participant_id,
                    "presence",
                    present.score,
                    _suggested(shown),
                    MatchReason.MATCHED,
                )
            namesakes = any(s is not best and s.entry.name.key == best.entry.name.key for s in rivals)
            return _unmatched(MatchReason.HOMONYM if namesakes else MatchReason.AMBIGUOUS, shown)
        chosen = leader if leader is not None and len(rivals) > 1 else best
        if chosen.score < 100.0 and name.agency_words and not chosen.agency_match:
            # An inexact name from someone who says they work elsewhere is somebody else until a moderator
            # says otherwise.
            return _unmatched(
                MatchReason.AGENCY_MISMATCH, [chosen, *(s for s in compatible if s is not chosen)], only
            )
        return _matched(chosen.entry.entry.participant_id, "fuzzy", chosen.score)

    def _only_absent(self, rivals: Sequence[_Scored], presence: Presence) -> _Scored | None:
        """The one rival not accounted for elsewhere, when it is good on its own and no rival accounted for
        beats it on the evidence of the name; else None."""
        absent = [r for r in rivals if not presence.accounts_for(r.entry.entry.participant_id)]
        if len(absent) != 1 or len(absent) == len(rivals) or not self._good(absent[0]):
            return None
        mine = absent[0].evidence
        for r in rivals:
            if (
                r is not absent[0]
                and all(a >= b for a, b in zip(r.evidence, mine, strict=True))
                and r.evidence != mine
            ):
                return None
        return absent[0]

    def _good(self, scored: _Scored) -> bool:
        """Good enough on its own to be matched without a moderator."""
        return scored.score >= self.accept_score


# Verdicts where a lone word is too little to choose by: namesakes too (`Sutrisno` for three of them), once
# presence has not told them apart.
_UNDECIDED = frozenset(
    {MatchReason.HOMONYM, MatchReason.AMBIGUOUS, MatchReason.CLOSE_NAME, MatchReason.LOW_SCORE}
)


def _lone_word(name: NormalisedName) -> bool:
    """A single personal word (beside initials) and nothing else: no sex marker, birth order or caste, no
    titles, no workplace, no phone."""
    words = [t for t in name.tokens if len(t) > 1]
    return len(words) == 1 and not (name.honorific_tokens or name.titles or name.agency_words or name.phones)


def _leader(rivals: Sequence[_Scored]) -> _Scored | None:
    """The rival that beats every other (at least as good on each piece of evidence, better on one): the
    only one holding the best value of every piece at once."""
    if not rivals:
        return None
    top = tuple(max(values) for values in zip(*(r.evidence for r in rivals), strict=True))
    at_top = [r for r in rivals if r.evidence == top]
    return at_top[0] if len(at_top) == 1 else None


def _unbeaten_first(rivals: Sequence[_Scored]) -> list[_Scored]:
    """The rivals, those no other beats first (compared by their few distinct pieces of evidence)."""
    vectors = {r.evidence for r in rivals}
    beaten = {
        v for v in vectors if any(o != v and all(a >= b for a, b in zip(o, v, strict=True)) for o in vectors)
    }
    return sorted(rivals, key=lambda r: r.evidence in beaten)


def _unmatched(reason: MatchReason, shown: Sequence[_Scored], only: _Scored | None = None) -> MatchResult:
    """An unmatched result with the first suggestions; `only`, the one compatible candidate, always among
    them."""
    return MatchResult(None, None, shown[0].score, _suggested(shown, only), reason)


def _suggested(shown: Sequence[_Scored], only: _Scored | None = None) -> tuple[Suggestion, ...]:
    """The first suggestions; `only`, the one compatible candidate, always among them."""
    picked = list(shown[:SUGGESTIONS])
    if only is not None and only not in picked:
        picked[-1:] = [only]
    return tuple(
        Suggestion(s.entry.entry.participant_id, s.entry.entry.name, round(s.score, 1), s is only)
        for s in picked
    )


def _rank(scored: _Scored) -> tuple[float, bool, int]:
    return (-round(scored.score, 6), not scored.agency_match, scored.entry.entry.participant_id)
