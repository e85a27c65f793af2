"""The personal-name words of a roster: how common each is, whose names hold it, and who is near a name."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from rapidfuzz import fuzz, process

from eventops.identity.scoring import INITIAL_WEIGHT, TOKEN_FLOOR, token_similarity, token_weight
from eventops.identity.spelling import canonical_word

# How many roster names get the full score, and how many names may hold one word before that word is
# left to the rarer words of the same display name (`Muhammad`, `Siti`, `Dewi` find nobody in particular).
CANDIDATES = 12
BLOCK_LIMIT = 300
# A display word this close to a roster word is a typo of it, not two roster words written together.
COMPOUND_UNLESS = 0.9
# A user name runs a whole name together (`madewiditasujana`): at most this many words are read out of one.
COMPOUND_PARTS = 4
COMPOUND_LENGTH = 48  # letters: four long names; a longer run is not read apart


class WordBlocks:
    """Roster names by word, for blocking: only names sharing a (near) word with a display name are scored."""

    def __init__(self, names: Mapping[int, Sequence[str]]) -> None:
        """Index the personal-name tokens of each participant id."""
        self._blocks: dict[str, list[int]] = defaultdict(list)
        for pid in sorted(names):
            for token in dict.fromkeys(names[pid]):
                self._blocks[token].append(pid)
        size = len(names)
        self._weights = {token: token_weight(len(ids), size) for token, ids in self._blocks.items()}
        self._mass = {pid: sum(self.weight(t) for t in tokens) or 1.0 for pid, tokens in names.items()}
        self._vocabulary = sorted(token for token in self._blocks if len(token) > 1)
        self._similar: dict[str, tuple[tuple[str, float], ...]] = {}
        self._sets: dict[str, frozenset[int]] = {}
        self._candidates: dict[tuple[str, ...], list[int]] = {}
        self._compounds: dict[str, tuple[str, ...] | None] = {}

    def __contains__(self, token: object) -> bool:
        """True when some roster name holds the word: it is somebody's name, not a typo."""
        return token in self._blocks

    def weight(self, token: str) -> float:
        """How much the word says about identity: 1 for a rare or unknown word, less for common ones."""
        return INITIAL_WEIGHT if len(token) == 1 else self._weights.get(token, 1.0)

    def similar(self, token: str) -> tuple[tuple[str, float], ...]:
        """Roster words the display word may stand for, with their similarity (cached per word)."""
        cached = self._similar.get(token)
        if cached is None:
            if token in self._blocks:
                cached = ((token, 1.0),)  # a roster word is only ever itself (see `token_similarity`)
            else:
                found = process.extract(
                    token, self._vocabulary, scorer=fuzz.ratio, score_cutoff=TOKEN_FLOOR * 100, limit=None
                )
                pairs = ((word, token_similarity(token, word, self._blocks)) for word, _, _ in found)
                cached = tuple(sorted((w, s) for w, s in pairs if s > 0.0))
            self._similar[token] = cached
        return cached

    def holders(self, token: str) -> Sequence[int]:
        """The participant ids whose name holds the word exactly."""
        return self._blocks.get(token, ())

    def holders_of_all(self, tokens: Sequence[str]) -> frozenset[int]:
        """The participant ids whose name holds every one of the words exactly."""
        sets = []
        for token in dict.fromkeys(tokens):
            found = self._sets.get(token)
            if found is None:
                found = self._sets[token] = frozenset(self._blocks.get(token, ()))
            sets.append(found)
        sets.sort(key=len)
        return sets[0].intersection(*sets[1:]) if sets else frozenset()

    def candidates(self, tokens: Sequence[str]) -> list[int]:
        """The participant ids most likely to score well against the display tokens, best first (kept per
        distinct display: many connections type the same words)."""
        key = tuple(tokens)
        found = self._candidates.get(key)
        if found is None:
            found = self._candidates[key] = self._find_candidates(tokens)
        return found

    def _find_candidates(self, tokens: Sequence[str]) -> list[int]:
        blocks = []
        for token in dict.fromkeys(t for t in tokens if len(t) > 1):
            similar = self.similar(token)
            blocks.append((max((len(self._blocks[w]) for w, _ in similar), default=0), similar))
        if not blocks:
            return []
        smallest = min(size for size, _ in blocks)
        evidence: dict[int, float] = defaultdict(float)
        for size, similar in blocks:
            if size > BLOCK_LIMIT and size != smallest:
                continue
            best: dict[int, float] = {}
            for word, similarity in similar:
                weight = self.weight(word) * similarity**2
                for pid in self._blocks[word]:
                    best[pid] = max(best.get(pid, 0.0), weight)
            for pid, weight in best.items():
                evidence[pid] += weight
        wanted = sum(self.weight(t) for t in tokens)

        def likeness(pid: int) -> float:
            """Roughly what the score will be: the evidence over the larger of the two names."""
            return round(evidence[pid] / max(wanted, self._mass[pid]), 9)

        return sorted(evidence, key=lambda pid: (-likeness(pid), pid))[:CANDIDATES]

    def recut(self, tokens: Sequence[str]) -> tuple[str, ...]:
        """Display words re-cut where a space split a roster word (`Adn yana`, `Mar yam`) or slipped by one
        letter (`wahy upurwanto`); words that are already roster words stay as they are."""
        out: list[str] = []
        for token in tokens:
            previous = out[-1] if out else ""
            if not previous or (previous in self._blocks and token in self._blocks):
                out.append(token)
                continue
            joined = canonical_word(previous + token)
            cuts = [(previous[:-1], previous[-1] + token), (previous + token[0], token[1:])]
            moved = next(
                (
                    (a, b)
                    for a, b in (
                        tuple(map(canonical_word, cut)) for cut in cuts if all(len(p) > 1 for p in cut)
                    )
                    if a in self._blocks and b in self._blocks
                ),
                None,
            )
            if joined in self._blocks:
                out[-1] = joined
            elif moved is not None:
                out[-1:] = moved
            else:
                out.append(token)
        return tuple(out)

    def split_compounds(self, tokens: Sequence[str]) -> tuple[str, ...]:
        """Roster words written together (`RiniUtami`, `SuarsanaArtawan`, a user name's
        `widitasujana`) and not a typo of one."""
        out: list[str] = []
        for token in tokens:
            out.extend(self.compound(token) or (token,))
        return tuple(out)

    def compound(self, token: str) -> tuple[str, ...] | None:
        """The roster words (two to four) a word not on the roster is written from, if it is one."""
        if token in self._blocks or not 6 <= len(token) <= COMPOUND_LENGTH:
            return None
        if token not in self._compounds:
            near = any(s >= COMPOUND_UNLESS for _, s in self.similar(token))
            # The fewest words that make it (`mertastuti wulandari`, not `merta astuti wulandari`).
            cuts = (self._cut(token, n) for n in range(2, COMPOUND_PARTS + 1))
            self._compounds[token] = None if near else next(filter(None, cuts), None)
        return self._compounds[token]

    def _cut(self, token: str, parts: int) -> tuple[str, ...] | None:
        if token in self._blocks:
            return (token,)
        if parts < 2:
            return None
        # Undoubling letters reads `suarsanaartawan` as `suarsanartawan`: the halves may share one.
        for i in range(2, len(token) - 1):
            if token[:i] not in self._blocks:
                continue
            for shared in (0, 1):
                rest = self._cut(token[i - shared :], parts - 1)
                if rest is not None:
                    return (token[:i], *rest)
        return None
