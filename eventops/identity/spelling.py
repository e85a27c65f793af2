"""Words as the name reader looks them up: one canonical spelling for the spellings of one sound (old
spellings, j/y, doubled letters, `Muhammad`), and the lexicon's word lists in it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from eventops.identity import lexicon as lex

_DOUBLE = re.compile(r"([a-z])\1+")
# `Abdurrahman` is `Abdul Rahman` written as it is said (the Arabic article takes the sound of the letter
# after it): read as `abdulrahman`, it is one name joined or split (`Abdussalam`, `Abdur Rauf`, `Abdurahman`).
_ABDU = re.compile(r"^abdu([rsnzt])\1?")
_MUHAMMAD = re.compile(r"m[uo](?:kh|ch|h|k)?a?m[ae]d")
# Old (pre-1972) spellings and common variants, applied left to right until nothing changes.
_SPELLING = (
    ("oe", "u"),
    ("dj", "j"),
    ("tj", "c"),
    ("sj", "sy"),
    ("ch", "kh"),
    ("kh", "h"),
    ("dh", "d"),
    ("dz", "z"),
)
_SPELLING_LETTERS = (("q", "k"), ("j", "y"))
# `Setyo`/`Setio`, `Dyah`/`Diah`, `Sumiyati`/`Sumiati`, `Rizky`/`Rizki`: y and i written for one sound
# (not after n or s, where `ny` and `sy` are letters of their own: `Nyoman`, `Syamsul`).
_Y_AS_I = (
    (re.compile(r"(?<=[bdfgklmprtvw])y(?=[aeiou])"), "i"),
    (re.compile(r"(?<=i)y(?=[aeiou])"), ""),
    (re.compile(r"(?<=[bcdfghjklmpqrtvwxz])y$"), "i"),
)
# An academic degree written with dots is made of these parts (`S.Kom.`, `A.Md.Kep.`, `S.Tr.Kes.`).
DEGREE_PARTS = lex.word_set(
    """
    s m a d b sp ph dr tr kom si pd sos kes ag ip ak hum kep keb md farm psi ked gz e h
    t p i kn hi sy th pdi ikom ars par ten stat sn kh hut sc eng tech fil adm an ap rad gizi log ling ei
    """
)


@lru_cache(maxsize=1 << 16)  # a roster or a day of display names repeats a few thousand words
def canonical_word(word: str) -> str:
    """Canonical spelling of one lower-case word: old spellings, j/y, q/k, doubled letters, Muhammad."""
    text = _DOUBLE.sub(r"\1", _ABDU.sub(lambda m: "abdul" + m[1] * (m.end() < len(word)), word))
    if _MUHAMMAD.fullmatch(text) or text in lex.MUHAMMAD_SHORT or word in lex.MUHAMMAD_SHORT:
        return "muhammad"
    previous = ""
    while text != previous:
        previous = text
        for old, new in _SPELLING:
            text = text.replace(old, new)
        for old, new in _SPELLING_LETTERS:
            text = text.replace(old, new)
        for pattern, new in _Y_AS_I:
            text = pattern.sub(new, text)
        text = _DOUBLE.sub(r"\1", text)
    return text


def with_canonical(words: Iterable[str]) -> frozenset[str]:
    """The words as listed and in their canonical spelling."""
    listed = frozenset(words)
    # A list word reduced to one letter (`kh` -> `h`) would swallow initials: it is kept as written only.
    return listed | {canon for canon in map(canonical_word, listed) if len(canon) > 1}


FILLER = with_canonical(lex.FILLER)
DEVICE = with_canonical(lex.DEVICE_WORDS)
PREFIX_TITLES = with_canonical(lex.PREFIX_TITLES)
AGENCY = {**{canonical_word(k): v for k, v in lex.AGENCY_CODES.items()}, **lex.AGENCY_CODES}
GENERIC = with_canonical(lex.AGENCY_GENERIC)
PLACE_PREFIXES = with_canonical(lex.PLACE_PREFIXES)
HONORIFIC_WORDS = frozenset([*lex.SEX_MARKERS, *lex.BIRTH_ORDER, *lex.CASTE_WORDS, *lex.NEUTRAL_HONORIFICS])
CASTE_PAIRS = frozenset(lex.CASTE_PAIRS)
# Every word whose reading may depend on its neighbours: re-reading a name only matters when it has one.
CONTEXT_WORDS = with_canonical(
    [
        *FILLER,
        *DEVICE,
        *PREFIX_TITLES,
        *GENERIC,
        *PLACE_PREFIXES,
        *AGENCY,
        *HONORIFIC_WORDS,
        *lex.DOTTED_ONLY_TITLES,
        *lex.DEGREES,
        *lex.HONORIFIC_ALIASES,
        *lex.HONORIFIC_INITIALS,
        *lex.CASTE_HEADS,
        *lex.MUHAMMAD_SHORT,
        *(word for pair in lex.CASTE_PAIRS for word in pair),
    ]
)
