"""Identity matching: a Zoom or chat name to one roster participant (candidates found, scored, decided)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType

from eventops.identity.names import NormalisedName, agency_words_of, normalise_name, unglue_honorifics
from eventops.identity.rivals import (
    UNDECIDED,
    Entry,
    Scored,
    leader_of,
    lone_word,
    only_absent,
    participant_ids,
    rank,
    suggested,
    unbeaten_first,
    unmatched,
)
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
from eventops.identity.verdicts import (
    NOBODY_PRESENT,
    SUGGESTIONS,
    Connection,
    MatchReason,
    MatchResult,
    Presence,
    RosterEntry,
    email_key,
    matched,
    name_alias_key,
    unique_keys,
)
from eventops.identity.verdicts import (
    alias_key as alias_key,  # callers keep importing it from here
)
from eventops.identity.word_blocks import WordBlocks

# Fuzzy acceptance, tuned with `python -m bench.matching` (precision first; see the report it prints).
ACCEPT_SCORE = 90.0
MARGIN = 5.0
# A name held by more roster entries than this (a roster of `Peserta`, or thousands of `Sri Rahayu`) is
# never matched automatically: proving one of them ahead of all the others would cost too much, and a
# moderator decides it anyway.
RIVALS_LIMIT = 200
# Below this nobody is a close name: the reason says so, and the suggestions are only a hint.
CLOSE_SCORE = 70.0

_NO_ALIASES: Mapping[str, int] = MappingProxyType({})


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

        def prepare(e: RosterEntry) -> Entry:
            name = names.get(e.name)
            if name is None:
                name = names[e.name] = normalise_name(e.name)
            profile = profiles.get(name.honorific_tokens)
            if profile is None:
                profile = profiles[name.honorific_tokens] = honorific_profile(name.honorific_tokens)
            agency = workplaces.get((e.agency, e.unit))
            if agency is None:
                agency = workplaces[(e.agency, e.unit)] = words_of(e.agency) | words_of(e.unit)
            return Entry(e, name, profile, agency, words_of(e.unit))

        self._entries = [prepare(e) for e in entries]
        self._by_registrant = unique_keys((e.registrant_id or "", e.participant_id) for e in entries)
        self._by_email = unique_keys((email_key(e.email), e.participant_id) for e in entries)
        self._by_nip = unique_keys((e.nip or "", e.participant_id) for e in entries)
        self._by_phone = unique_keys((e.phone or "", e.participant_id) for e in entries)
        self._by_id = {prepared.entry.participant_id: prepared for prepared in self._entries}
        self._by_key: dict[str, list[Entry]] = defaultdict(list)
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
            return matched(by_registrant, "registrant")
        by_email = self._by_email.get(email_key(conn.email))
        if by_email is not None:
            return matched(by_email, "email")
        name = self._normalised(conn.display_name)
        by_email = next((self._by_email[e] for e in name.emails if e in self._by_email), None)
        if by_email is not None:  # an email written as the display name
            return matched(by_email, "email")
        by_nip = self._by_nip.get(name.nip or "")
        if by_nip is not None:
            return matched(by_nip, "nip")
        key = name_alias_key(name)
        aliased = aliases.get(key) if key else None
        if aliased is not None and aliased in self._by_id:
            return matched(aliased, "alias")
        by_phone = {self._by_phone[p] for p in name.phones if p in self._by_phone}
        if len(by_phone) == 1:
            return matched(by_phone.pop(), "phone")
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

    def _candidates(self, tokens: Sequence[str]) -> tuple[list[Entry], set[str]]:
        """The entries worth scoring, and the names too crowded to weigh: of a crowd of namesakes only a few
        are scored, to be shown."""
        chosen: dict[int, Entry] = {}
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

    def _score(self, name: NormalisedName, prepared: Entry, scores: dict[tuple[str, ...], float]) -> Scored:
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
        return Scored(score, fits, named, prepared, conflict, evidence)

    def _profile(self, name: NormalisedName) -> HonorificProfile:
        found = self._profiles.get(name.honorific_tokens)
        if found is None:
            found = self._profiles[name.honorific_tokens] = honorific_profile(name.honorific_tokens)
        return found

    def _rivals(
        self,
        name: NormalisedName,
        best: Scored,
        scored: Sequence[Scored],
        scores: dict[tuple[str, ...], float],
    ) -> tuple[list[Scored], bool]:
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
            return sorted(rivals.values(), key=rank), True
        for pid in holders:
            if pid not in rivals:
                rival = self._score(name, self._by_id[pid], scores)
                if not rival.conflict:
                    rivals[pid] = rival
        return sorted(rivals.values(), key=rank), False

    def _fuzzy(self, name: NormalisedName, presence: Presence = NOBODY_PRESENT) -> MatchResult:
        result = self._decide(name, presence)
        if result.reason in UNDECIDED and lone_word(name) and not any(s.only for s in result.suggestions):
            return replace(result, reason=MatchReason.TOO_LITTLE)
        return result

    def _decide(self, name: NormalisedName, presence: Presence) -> MatchResult:
        if not name.tokens:
            return MatchResult(
                None, None, 0.0, (), MatchReason.DEVICE_NAME if name.is_device else MatchReason.NO_NAME
            )
        if all(len(token) == 1 for token in name.tokens):
            return MatchResult(None, None, 0.0, (), MatchReason.NO_NAME)
        name = unglue_honorifics(replace(name, tokens=self._words.recut(name.tokens)), self._readable)
        split = self._words.split_compounds(name.tokens)
        if split != name.tokens:
            name = replace(name, tokens=split)
        scores: dict[tuple[str, ...], float] = {}
        candidates, crowded = self._candidates(name.tokens)
        scored = sorted((self._score(name, prepared, scores) for prepared in candidates), key=rank)
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
                return unmatched(MatchReason.HOMONYM, crowd + [s for s in scored if s not in crowd])
            if scored and scored[0].conflict and scored[0].score >= self.accept_score:
                return unmatched(MatchReason.HONORIFIC_CONFLICT, scored, only)
            shown = compatible or scored
            if not shown:
                return MatchResult(None, None, 0.0, (), MatchReason.LOW_SCORE)
            reason = MatchReason.CLOSE_NAME if shown[0].score >= CLOSE_SCORE else MatchReason.LOW_SCORE
            return unmatched(reason, shown, only)
        best = good[0]
        rivals, too_many = self._rivals(name, best, compatible, scores)
        # A namesake is only a namesake while no piece of evidence (workplace, titles, honorifics) puts one
        # compatible candidate ahead of all the others; a leader must still be good enough on its own.
        leader = leader_of(rivals)
        too_many = too_many or crowd_score >= best.score - self.margin
        if too_many or (len(rivals) > 1 and (leader is None or not self._good(leader))):
            # The namesakes the reason speaks of first: those no other rival beats.
            shown = unbeaten_first(rivals) + [s for s in compatible if s not in rivals]
            present = None if too_many else only_absent(rivals, presence, self.accept_score)
            if present is not None:
                return MatchResult(
                    present.entry.entry.participant_id,
                    "presence",
                    present.score,
                    suggested(shown),
                    MatchReason.MATCHED,
                )
            namesakes = any(s is not best and s.entry.name.key == best.entry.name.key for s in rivals)
            result = unmatched(MatchReason.HOMONYM if namesakes else MatchReason.AMBIGUOUS, shown)
            return result if too_many else replace(result, namesakes=participant_ids(rivals))
        chosen = leader if leader is not None and len(rivals) > 1 else best
        if chosen.score < 100.0 and name.agency_words and not chosen.agency_match:
            # An inexact name from someone who says they work elsewhere is somebody else until a moderator
            # says otherwise.
            return unmatched(
                MatchReason.AGENCY_MISMATCH, [chosen, *(s for s in compatible if s is not chosen)], only
            )
        return matched(chosen.entry.entry.participant_id, "fuzzy", chosen.score)

    def _readable(self, token: str) -> bool:
        """A roster word, or roster words written together."""
        return token in self._words or self._words.compound(token) is not None

    def _good(self, scored: Scored) -> bool:
        """Good enough on its own to be matched without a moderator."""
        return scored.score >= self.accept_score
