"""Name normalisation: what identifies a person in a roster name or a Zoom display name. Words are looked up
in their canonical spelling (`spelling`); a NIP or phone beside the name is read by `digits`."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache

from eventops.identity import lexicon as lex
from eventops.identity.digits import nip_in_text, phones_in_text
from eventops.identity.spelling import (
    AGENCY,
    CASTE_PAIRS,
    CONTEXT_WORDS,
    DEGREE_PARTS,
    DEVICE,
    FILLER,
    GENERIC,
    HONORIFIC_WORDS,
    PLACE_PREFIXES,
    PREFIX_TITLES,
    canonical_word,
)

_DIGIT = re.compile(r"\d")
_POSSESSIVE = re.compile(r"[’'`´]s\b", re.IGNORECASE)
_APOSTROPHES = re.compile(r"[’'`´ʼ]")
_SEGMENT_BREAK = re.compile(r"[_|/\\()\[\]{}<>;:,#*+=~!?\"“”]+|\s[-–—]+\s|[–—]+")
_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")
# `AcepJamaludin`, `RiniUtami`: words typed without a space, seen by their capitals (not `iPhone`, `iPad`).
_CAMEL = re.compile(r"(?<=[a-z]{2})(?=[A-Z][a-z])")
# `Eg aWidhiasih`, `Dw iWisnu`: a space typed one letter early, seen by the capital after it where a word
# can begin (a vowel, or `Pr`, `Tr`, `Dw`, `Ny`, `Sy` …): not `uPtri` (letters swapped), nor `iPhone`.
_SHIFTED_SPACE = re.compile(
    r"(?<=[A-Za-z]) (?!i(?:Phone|Pad|Pod|Mac))([a-z])(?=[A-Z](?:[aeiou]|[rlwyhg][a-z]))"
)
_NOT_TOKEN = re.compile(r"[^A-Za-z0-9.@\s]+")
_NOT_LETTERS = re.compile(r"[^a-z]+")
_VOWELS = frozenset("aeiou")
# An email written as the display name (`made.sudarma87@gmail.com`): compared whole with the roster's
# emails, and its local part read as the name (`made sudarma`). Matched word by word, none longer than an
# email can be.
_EMAIL = re.compile(r"([A-Za-z0-9._%+-]+)@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_EMAIL_LENGTH = 254
_EMAIL_EDGES = "<>()[],;:\"'"
_LOCAL_BREAKS = re.compile(r"[._%+-]+|\d+")
# Words that continue a place's name (`Kuta Selatan`, `Denpasar Barat`), never a person's.
_COMPASS = frozenset({"utara", "selatan", "barat", "timur", "tengah", "raya", "baru", "lama", "kota"})


@dataclass(frozen=True, slots=True)
class NormalisedName:
    """What a written name says about its person: personal-name tokens and everything set aside."""

    tokens: tuple[str, ...]
    honorific_tokens: tuple[str, ...] = ()
    agency_words: tuple[str, ...] = ()
    nip: str | None = None
    is_device: bool = False
    titles: tuple[str, ...] = ()  # academic and religious titles, letters only (`ir`, `spd`, `mkom`)
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()  # emails written in the text, lower case

    @property
    def key(self) -> str:
        """The personal name as one string: the identity that fuzzy matching compares."""
        return " ".join(self.tokens)


@dataclass(slots=True)  # not frozen: built hundreds of thousands of times for a roster, never changed
class _Word:
    raw: str  # lower-case letters as typed
    canon: str
    segment: int
    dotted: bool = False
    title: bool = False


@dataclass(slots=True)
class _Reading:
    tokens: list[str] = field(default_factory=list)
    honorifics: list[str] = field(default_factory=list)
    agency: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    device: bool = False
    places: list[str] = field(default_factory=list)  # the words read as a place after `Kec`, `RSUD` …


def _fold(raw: str) -> str:
    text = raw
    if not text.isascii():  # ASCII has nothing to decompose
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _POSSESSIVE.sub("", text)
    return _APOSTROPHES.sub("", text)


@lru_cache(maxsize=1 << 16)
def _letters(token: str) -> str:
    return _NOT_LETTERS.sub("", token.lower())


def _word(raw: str, segment: int, *, dotted: bool = False, title: bool = False) -> _Word:
    return _Word(raw, canonical_word(raw), segment, dotted, title)


def _is_known_short(part: str) -> bool:
    return part in lex.HONORIFIC_ALIASES or part in HONORIFIC_WORDS or part in PREFIX_TITLES


def _dotted_words(token: str, segment: int) -> Iterator[_Word]:
    letters = _letters(token)
    parts = [_letters(part) for part in token.split(".") if _letters(part)]
    if letters in lex.DEGREES or letters in PREFIX_TITLES or letters in lex.DOTTED_ONLY_TITLES:
        yield _word(letters, segment, dotted=True, title=True)
    elif letters in lex.HONORIFIC_INITIALS and all(len(part) == 1 for part in parts):
        for word in lex.HONORIFIC_INITIALS[letters]:
            yield _word(word, segment, dotted=True)
    elif (
        len(parts) > 1
        and not all(_is_known_short(p) or len(p) > 4 for p in parts)
        and (all(part in DEGREE_PARTS for part in parts) and any(len(part) > 1 for part in parts))
    ):
        yield _word(letters, segment, dotted=True, title=True)
    else:
        for part in parts:
            yield _word(part, segment, dotted=True)


def _user_name(token: str) -> str | None:
    """The name of a user name with a number after it (`sudarma87`, `made.sudarma.1975`), if it is one: at
    most four digits after letters and dots, the last word three letters or more."""
    stem = token.rstrip("0123456789")
    if not 1 <= len(token) - len(stem) <= 4:
        return None
    stem = stem.rstrip(".")
    last = stem.rsplit(".", 1)[-1]
    if len(last) < 3 or not last.isalpha() or not stem.replace(".", "").isalpha():
        return None
    return stem


def _segment_words(segment: str, index: int) -> Iterator[_Word]:
    raw_tokens = [token.strip(".") if token.count(".") == len(token) else token for token in segment.split()]
    raw_tokens = [token for token in raw_tokens if token and "@" not in token and "http" not in token.lower()]
    skip = 0
    for position, token in enumerate(raw_tokens):
        if skip:
            skip -= 1
            continue
        if not token.isalpha() and any(ch.isdigit() for ch in token):
            named = _user_name(token)
            if named is None:
                continue  # NIPs, phone numbers, batch codes (`K2`) and device models (`A12`)
            token = named  # `sudarma87`, `budi2`: a name with a number after it, as in a user name
        letters = _letters(token)
        if not letters:
            continue
        if len(letters) <= 2:
            # `S. Kom`, `S Pd`, `M. Si`, `A. Md.`: a degree written with a space inside
            ahead = [_letters(t) for t in raw_tokens[position + 1 : position + 3]]
            if ahead and all(ahead[:1]) and letters + ahead[0] in lex.DEGREES:
                skip = 1
                yield _word(letters + ahead[0], index, title=True)
                continue
            if len(ahead) == 2 and all(ahead) and letters + "".join(ahead) in lex.DEGREES:
                skip = 2
                yield _word(letters + "".join(ahead), index, title=True)
                continue
        if "." in token.strip("."):
            yield from _dotted_words(token, index)
        elif letters in lex.HONORIFIC_INITIALS:
            for word in lex.HONORIFIC_INITIALS[letters]:
                yield _word(word, index)
        else:
            yield _word(letters, index, dotted=token.endswith("."))


def _words(text: str) -> list[_Word]:
    text = _CAMEL.sub(" ", _HYPHEN.sub(" ", _SHIFTED_SPACE.sub(r"\1 ", text)))
    words: list[_Word] = []
    for index, segment in enumerate(_SEGMENT_BREAK.split(text)):
        words.extend(_segment_words(_NOT_TOKEN.sub(" ", segment), index))
    return words


def _honorific(word: _Word, previous: str | None, following: str | None) -> str | None:
    canon = lex.HONORIFIC_ALIASES.get(word.raw) or lex.HONORIFIC_ALIASES.get(word.canon) or word.canon
    if canon in HONORIFIC_WORDS:
        return canon
    if previous is not None and (previous, canon) in CASTE_PAIRS:
        return canon
    if canon in lex.CASTE_HEADS and following is not None and (canon, following) in CASTE_PAIRS:
        return canon
    return None


def _is_title(word: _Word, seen_personal: bool) -> bool:
    if word.title or word.raw in lex.BARE_DEGREES or word.canon in PREFIX_TITLES:
        return True
    if word.raw in lex.DOTTED_ONLY_TITLES:
        return word.dotted or (word.raw == "h" and not seen_personal)
    return False


def _agency_word(word: _Word) -> str | None:
    return _agency_code(word.raw, word.canon)


@lru_cache(maxsize=1 << 16)
def _agency_code(raw: str, canon: str) -> str | None:
    if canon in AGENCY or raw in AGENCY:
        return AGENCY.get(raw) or AGENCY[canon]
    if canon.startswith("dis") and len(canon) >= 6 and canon[3] not in _VOWELS:
        return canon  # `Dispar`, `Disnaker`, `Disperkimta`: an office abbreviation
    if len(canon) >= 2 and not _VOWELS & set(canon):
        return canon  # `BPKPD`, `DPMD`: no Indonesian name is written without a vowel
    return None


def _agency_segments(words: list[_Word]) -> set[int]:
    return {w.segment for w in words if w.canon in GENERIC or _agency_word(w) is not None}


def _read(text: str) -> _Reading:
    words = _words(text)
    agency_segments = _agency_segments(words)
    reading = _Reading()
    previous_honorific: str | None = None
    personal_segments: set[int] = set()
    consuming = -1  # the segment whose remaining words name a place (`Kec Kuta Selatan`)
    place_words = 0  # words of that place read so far
    for position, word in enumerate(words):
        following = words[position + 1].canon if position + 1 < len(words) else None
        was_honorific, previous_honorific = previous_honorific, None
        if word.canon in FILLER or word.raw in FILLER:
            continue
        if word.canon in DEVICE or word.raw in DEVICE:
            reading.device = True
            continue
        seen_personal = bool(reading.tokens)
        after = lex.TITLE_AFTER.get(word.canon)
        if _is_title(word, seen_personal) or (after and reading.titles and reading.titles[-1] in after):
            reading.titles.append(word.raw)
            consuming = -1
            continue
        honorific = _honorific(word, was_honorific, following)
        if honorific is not None:
            reading.honorifics.append(honorific)
            previous_honorific = honorific
            consuming = -1
            continue
        code = _agency_word(word)
        if code is None and word.canon in GENERIC:
            code = ""
        if code is not None:
            if code:
                reading.agency.append(code)
            if word.canon in PLACE_PREFIXES:
                consuming, place_words = word.segment, 0
            elif consuming == word.segment and place_words and code in lex.REGION_CODES:
                # `Kec Sukasada Bll Yusrizal`: the region after the place closes it; a name may follow.
                consuming = -1
            elif consuming == word.segment:
                place_words += 1
            continue
        later_agency_segment = word.segment in agency_segments and personal_segments - {word.segment}
        if consuming == word.segment or later_agency_segment:
            reading.agency.append(word.canon)
            place_words += 1
            if consuming == word.segment:
                reading.places.append(word.canon)
            continue
        # `M. Yusuf`, `M Yusuf`: a leading M is Muhammad; elsewhere (`Budi M`) it is an initial.
        reading.tokens.append("muhammad" if word.canon == "m" and not seen_personal else word.canon)
        personal_segments.add(word.segment)
    if not reading.tokens and not reading.device and len(reading.places) > 1:
        # `Kec. Tembalang Marito`, `Puskesmas Ngesrep Esti Setyaningsih`: with nothing else to be the name
        # (and no room: `Aula Kantor Camat Kuta`), a place is its first word (and compass words) and the words
        # after it are the person; the matcher still reads a word of the candidate's own workplace as
        # workplace (`RSUD KRMT Wongsonegoro Dadan Kusnadi`).
        reading.tokens = [w for w in reading.places[1:] if w not in _COMPASS]
        reading.agency = [w for w in reading.agency if w not in reading.tokens]
    return reading


def normalise_name(raw: str) -> NormalisedName:
    """Read a roster or display name into personal tokens, honorifics, agency words, NIP and device flag."""
    digits = _DIGIT.search(raw) is not None
    nip = nip_in_text(raw) if digits else None
    emails, text = _emails_read(raw) if "@" in raw else ((), raw)
    reading = _read(_fold(text))
    tokens = reading.tokens
    # Reading the result again must give the same tokens (titles split by a removed word, `S Dinkes Kom`).
    # Only a short word or a word of the lexicon can read differently alone: most names need no second look.
    settled = all(len(t) > 2 and t not in CONTEXT_WORDS for t in tokens)
    for _ in range(0 if settled else len(tokens) + 1):
        again = _read(" ".join(tokens)).tokens
        if again == tokens:
            break
        tokens = again
    return NormalisedName(
        tokens=tuple(tokens),
        honorific_tokens=tuple(reading.honorifics),
        agency_words=tuple(dict.fromkeys(reading.agency)),
        nip=nip,
        is_device=reading.device and not tokens,
        titles=tuple(dict.fromkeys(reading.titles)),
        phones=phones_in_text(raw) if digits else (),
        emails=emails,
    )


def _emails_read(raw: str) -> tuple[tuple[str, ...], str]:
    """The emails in a text (lower case), and the text with each replaced by its local part's words."""
    emails: list[str] = []
    words: list[str] = []
    for word in raw.split():
        email = (
            _EMAIL.fullmatch(word.strip(_EMAIL_EDGES)) if "@" in word and len(word) <= _EMAIL_LENGTH else None
        )
        if email is None:
            words.append(word)
        else:
            emails.append(email[0].lower())
            words.append(_LOCAL_BREAKS.sub(" ", email[1]))
    return tuple(emails), " ".join(words)


# Honorifics people type glued to the name in a user name (`madesudarma`, `nimadesukasni`), longest first;
# a sex marker only before a birth-order word (`Nimas`, `Nining` are names).
_GLUED = sorted(lex.BIRTH_ORDER, key=len, reverse=True)
_GLUED_MARKERS = ("luh", "ni")


def _glued_head(word: str) -> str | None:
    """The birth-order word a word begins with, or a sex marker before one (`ni` of `niluhputusari`)."""
    head = next((h for h in _GLUED if word.startswith(h) and len(word) - len(h) > 2), None)
    if head is None:
        head = next((m for m in _GLUED_MARKERS if word.startswith(m) and _glued_head(word[len(m) :])), None)
    return head


def unglue_honorifics(name: NormalisedName, known: Callable[[str], bool]) -> NormalisedName:
    """The name with sex markers and birth-order words typed glued to a personal word (`madesudarma`) set
    apart as honorifics, where what is left is `known` (a roster word, or roster words run together)."""
    tokens: list[str] = []
    glued: list[str] = []
    for token in name.tokens:
        rest, heads = token, []
        while not known(rest) and (head := _glued_head(rest)) is not None:
            heads.append(head)
            rest = rest[len(head) :]
        if heads and known(rest):
            tokens.append(rest)
            glued += heads
        else:
            tokens.append(token)
    if not glued:
        return name
    return replace(name, tokens=tuple(tokens), honorific_tokens=(*name.honorific_tokens, *glued))


def agency_words_of(*texts: str) -> frozenset[str]:
    """Every agency code and place word in roster agency/unit texts, for comparison with display names."""
    found: set[str] = set()
    for text in texts:
        folded = _fold(text)
        for word in _words(folded):
            if word.canon in FILLER or word.canon in GENERIC:
                continue
            found.add(_agency_word(word) or word.canon)
        lowered = " ".join(folded.lower().split())
        found.update(code for phrase, code in lex.AGENCY_PHRASES.items() if phrase in lowered)
    return frozenset(found)
