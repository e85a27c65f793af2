"""Fuzzy scoring of two normalised personal names, and the honorific and agency checks around it."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Collection, Container, Sequence
from dataclasses import dataclass
from typing import TypeVar

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from eventops.identity import lexicon as lex
from eventops.identity.spelling import canonical_word

# Two words below this similarity (0-1) are different words, not a typo of each other.
TOKEN_FLOOR = 0.75
# An initial (`S`) against a word it could abbreviate (`Santoso`): a hint, never proof.
INITIAL_SIMILARITY = 0.5
INITIAL_WEIGHT = 0.3
# Word weights fall from 1 for rare words to COMMON_WEIGHT for words that many roster names share
# (`Muhammad`, `Siti`, `Putu` when kept, `Dewi`); a small roster is read as if it had WEIGHT_MIN_ROSTER names
# so that a 3-name roster does not make every word look common.
COMMON_WEIGHT = 0.3
RARE_SHARE = 0.002
COMMON_SHARE = 0.05
WEIGHT_MIN_ROSTER = 500
# How much a missing roster word costs compared with an unexplained display word: people drop a middle
# name (`Siti Aminah` for `Siti Nur Aminah`) far more often than they add a wrong one.
COVERAGE_EXPONENT = 0.6
# Written together or apart (`Nurhayati` / `Nur Hayati`): the same letters in other words.
CONCAT_SCORE = 98.0
# One slip of the thumb in a word this long (`uPtri`, `Sutrsino`, `Mertkasa`) costs that word only this
# much, however short the word.
TYPO_SIMILARITY = 0.95
TYPO_MIN_LENGTH = 5
# One letter replaced by a letter far from it on the keyboard is how two names differ (`Suartini`,
# `Suarmini`; `Suardana`, `Suarjana`), not how thumbs slip: such a word counts at most this much.
OTHER_LETTER_SIMILARITY = 0.8
# Neighbouring keys on a phone's QWERTY keyboard, where a slipping thumb lands, as canonical spelling
# writes their letters (`q` is read `k`, `j` is read `y`, and `y` often `i`: see `names.canonical_word`).
_KEY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_READ_AS = {"q": "qk", "j": "jy", "y": "yi"}
_NEIGHBOURS = frozenset(
    (x, y)
    for r1, row1 in enumerate(_KEY_ROWS)
    for i, a in enumerate(row1)
    for r2, row2 in enumerate(_KEY_ROWS)
    for j, b in enumerate(row2)
    if a != b and abs(r1 - r2) <= 1 and abs(i - j) <= 1
    for x in _READ_AS.get(a, a)
    for y in _READ_AS.get(b, b)
    if x != y
)

_VOWELS = frozenset("aeiou")
_DOUBLED = re.compile(r"(.)\1+")
_FOLDED = frozenset("yj")
_T = TypeVar("_T")


def token_similarity(a: str, b: str, known: Container[str] = ()) -> float:
    """Similarity 0-1 of a display word `a` and a roster word `b`, both canonical; 0 when they are different
    words.

    `known` holds the words of the roster's names: two different words that are both somebody's name
    (`Agus`/`Bagus`, `Suartini`/`Sudiartini`, `Damayanti`/`Darmayanti`) are two names, not a typo.
    """
    if a == b:
        return 1.0
    if len(a) == 1 or len(b) == 1:
        return INITIAL_SIMILARITY if a[0] == b[0] else 0.0
    if a in known and b in known:
        return 0.0
    if a[-1] != b[-1] and a[-1] in _VOWELS and b[-1] in _VOWELS:
        # Javanese and Balinese names mark sex by the final vowel: Sudarma/Sudarmi, Putra/Putri, Yanto/Yanti.
        return 0.0
    similarity = fuzz.ratio(a, b) / 100.0
    if len(a) == len(b) and OSA.distance(a, b, score_cutoff=1) <= 1:
        if min(len(a), len(b)) >= TYPO_MIN_LENGTH and (is_slip(a, b) or _slip_under_spelling(a, b)):
            similarity = max(similarity, TYPO_SIMILARITY)
        else:
            similarity = min(similarity, OTHER_LETTER_SIMILARITY)
    elif min(len(a), len(b)) >= TYPO_MIN_LENGTH and OSA.distance(a, b, score_cutoff=1) <= 1:
        similarity = max(similarity, TYPO_SIMILARITY)  # a letter dropped or added
    elif min(len(a), len(b)) >= TYPO_MIN_LENGTH and (_respelled_slip(a, b) or _slip_under_spelling(a, b)):
        similarity = max(similarity, TYPO_SIMILARITY)
    return similarity if similarity >= TOKEN_FLOOR else 0.0


def _skeleton(word: str) -> str:
    """A word with the letters canonical spelling reads by their neighbours folded (`y`, `j` as `i`) and
    doubled letters single: what is left of a slip that spelling turned into other edits."""
    return _DOUBLED.sub(r"\1", word.replace("y", "i").replace("j", "i"))


def _slip_under_spelling(a: str, b: str) -> bool:
    """One slip in display word `a` that canonical spelling, reading the letters around it, spread over
    more edits from roster word `b` (`Mulywti` read `mulywti` against `Mulyati` read `muliati`)."""
    if not _FOLDED & set(a + b):
        return False  # canonical words have no doubled letters: without a `y` or `j` skeletons change nothing
    x, y = _skeleton(a), _skeleton(b)
    if x == y or min(len(x), len(y)) < TYPO_MIN_LENGTH - 1:
        return False
    if len(x) == len(y):
        return is_slip(x, y)
    return OSA.distance(x, y, score_cutoff=1) <= 1


def _respelled_slip(a: str, b: str) -> bool:
    """One slip in display word `a` that canonical spelling turned into two edits from roster word `b`: a
    letter dropped beside its twin (`Wiraan` for `Wirawan`, `Rusmii` for `Rusmini`, read one letter
    shorter), or two letters swapped beside a `y` (`Harynato` for `Haryanto`, read `harianto`)."""
    if abs(len(a) - len(b)) > 2 or OSA.distance(a, b, score_cutoff=2) != 2:
        return False
    if len(a) < len(b) and any(canonical_word(b[:i] + b[i + 1 :]) == a for i in range(1, len(b))):
        return True
    return any(canonical_word(a[:i] + a[i + 1] + a[i] + a[i + 2 :]) == b for i in range(len(a) - 1))


def is_slip(a: str, b: str) -> bool:
    """Two words of one length one slip apart: two letters swapped, or one key hit for its neighbour."""
    diffs = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    if len(diffs) == 2:
        return diffs[0] == diffs[1][::-1]
    return len(diffs) == 1 and diffs[0] in _NEIGHBOURS


def token_weight(frequency: int, roster_size: int) -> float:
    """Weight of a word that `frequency` of `roster_size` roster names contain."""
    share = frequency / max(roster_size, WEIGHT_MIN_ROSTER)
    if share <= RARE_SHARE:
        return 1.0
    fall = math.log(share / RARE_SHARE) / math.log(COMMON_SHARE / RARE_SHARE)
    return max(COMMON_WEIGHT, 1.0 - (1.0 - COMMON_WEIGHT) * fall)


def _alignment(
    display: Sequence[str], roster: Sequence[str], known: Container[str]
) -> tuple[dict[int, int], list[float]]:
    pairs = sorted(
        ((token_similarity(d, r, known), i, j) for i, d in enumerate(display) for j, r in enumerate(roster)),
        key=lambda p: (-p[0], p[1], p[2]),
    )
    match: dict[int, int] = {}
    similarity = [0.0] * len(display)
    used: set[int] = set()
    for score, i, j in pairs:
        if score <= 0.0:
            break
        if i in match or j in used:
            continue
        match[i] = j
        used.add(j)
        similarity[i] = score
    return match, similarity


def name_score(
    display: Sequence[str],
    roster: Sequence[str],
    weight: Callable[[str], float],
    known: Container[str] = (),
) -> float:
    """Score 0-100 of a display name's personal tokens against a roster name's: 100 is the same name."""
    if not display or not roster:
        return 0.0
    if sorted(display) == sorted(roster):
        return 100.0
    recut = resegment(display, roster)
    if sorted(recut) == sorted(roster):
        return CONCAT_SCORE
    display = recut
    match, similarity = _alignment(display, roster, known)

    def w(token: str) -> float:
        return INITIAL_WEIGHT if len(token) == 1 else weight(token)

    display_weights = [w(roster[match[i]]) if i in match else w(d) for i, d in enumerate(display)]
    explained = sum(dw * s for dw, s in zip(display_weights, similarity, strict=True))
    precision = explained / sum(display_weights)
    covered = sum(w(roster[j]) * similarity[i] for i, j in match.items())
    coverage = covered / sum(w(r) for r in roster)
    score = 100.0 * precision * coverage**COVERAGE_EXPONENT
    if "".join(display) == "".join(roster):
        score = max(score, CONCAT_SCORE)
    return score


def whole_name(display: Sequence[str], roster: Sequence[str], score: float) -> bool:
    """True when the display is this roster name (any order, joined or split), or the way people shorten
    it: its first words (`Dewi` for `Dewi Astuti`) or its first and last (`Agus Santoso` for `Agus Budi
    Santoso`). Some other part of a longer name (`Sutarini` in `Suryani Sutarini`) is not."""
    if score >= CONCAT_SCORE:
        return True
    n = len(display)
    if n < len(roster) and tuple(roster[:n]) == tuple(display):
        return True
    return n == 2 and len(roster) > 2 and (roster[0], roster[-1]) == tuple(display)


def resegment(display: Sequence[str], roster: Sequence[str]) -> Sequence[str]:
    """The display words re-cut where their letters run into roster words differently (`Eg aWidhiasih`
    for `Ega Widhiasih`, `Nur Hayati` for `Nurhayati`, `Dwiastuti` for `Dwi Astuti`): a misplaced space is
    one typo, not two wrong words."""
    out = list(display)
    own = set(roster)
    pairs = {a + b: (a, b) for a, b in itertools.pairwise(roster)}
    i = 0
    while i < len(out):
        word = out[i]
        if word not in own and word in pairs:
            out[i : i + 1] = pairs[word]
            i += 2
            continue
        if i + 1 < len(out) and (word not in own or out[i + 1] not in own):
            joined = word + out[i + 1]
            if joined in own:
                out[i : i + 2] = [joined]
            elif joined in pairs:
                out[i : i + 2] = pairs[joined]
        i += 1
    return out


@dataclass(frozen=True, slots=True)
class HonorificProfile:
    """What Balinese honorifics say: sex, birth-order words and ranks, caste (each empty when not written)."""

    sexes: frozenset[str]
    ranks: frozenset[int]
    castes: frozenset[str]
    orders: frozenset[str] = frozenset()


_LUH = "luh"
_FEMALE_WORDS = frozenset({"ni", "luh", "ayu", "desak", "dayu", "istri"})
_MALE_WORDS = frozenset({"i", "bagus"})
_CASTE_HEADS = {"ida": "ida", "anak": "agung", **lex.CASTE_WORDS}


def honorific_profile(honorifics: Sequence[str]) -> HonorificProfile:
    """Read sex, birth order and caste from canonical honorific tokens."""
    sexes = {"female" for h in honorifics if h in _FEMALE_WORDS} | {
        "male" for h in honorifics if h in _MALE_WORDS
    }
    orders = {h for h in honorifics if h in lex.BIRTH_ORDER}
    ranks = {lex.BIRTH_ORDER[h] for h in orders}
    if _LUH in honorifics and not orders:
        # `Ni Luh` names a first daughter, unless another birth-order word follows (`Ni Luh Ketut`): then
        # `Luh` only says she is a woman.
        orders.add(_LUH)
        ranks = {1}
    castes = {_CASTE_HEADS[h] for h in honorifics if h in _CASTE_HEADS}
    return HonorificProfile(frozenset(sexes), frozenset(ranks), frozenset(castes), frozenset(orders))


def honorifics_conflict(a: HonorificProfile, b: HonorificProfile) -> bool:
    """True when both names write a sex, birth order or caste and they disagree (`Made` vs `Ketut`)."""
    orders_disagree = _disagree(a.orders, b.orders) and _disagree(a.ranks, b.ranks)
    return _disagree(a.sexes, b.sexes) or orders_disagree or _disagree(a.castes, b.castes)


def honorifics_agreement(a: HonorificProfile, b: HonorificProfile) -> int:
    """How much the written parts agree: 2 for each of sex, caste and birth-order word written alike on
    both sides, 1 for a birth-order word of the same rank (`Made`/`Kadek`); a part missing adds nothing."""
    order = 2 if a.orders & b.orders else 1 if a.ranks & b.ranks else 0
    return order + 2 * bool(a.sexes & b.sexes) + 2 * bool(a.castes & b.castes)


def titles_agree(display: Collection[str], roster: Collection[str]) -> bool:
    """True when the display writes titles and they are exactly the roster entry's (`Ir. … S.Pd., M.Kom.`)."""
    return bool(display) and set(display) == set(roster)


def _disagree(x: frozenset[_T], y: frozenset[_T]) -> bool:
    return bool(x) and bool(y) and not (x & y)


def agency_matches(
    display_words: Collection[str], absorbed: Collection[str], entry_words: Collection[str]
) -> bool:
    """True when the display names an agency or unit and everything it names fits the roster entry."""
    if not display_words and not absorbed:
        return False
    return all(word in entry_words for word in display_words)
