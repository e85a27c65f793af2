"""Reading a checkpoint answer (an NIP and a code) out of free chat text; pure, no I/O.

Viewers type things like `HADIR 4821 199001012015031001`, `4821 - 19900101 201503 1 001` or
`nip 1990.0101.2015.03.1.001 kode ab12`. An NIP is 18 digits written in one or more groups separated by
spaces, dots or dashes (DOMAIN.md "NIP"); a code is a token of letters and digits. Because a numeric code
can sit right beside the NIP, a run of digit groups is only taken as an NIP when its digits form a valid one
(a real birth date, sex digit 1 or 2), so `4821 19900101 201503 1 001` yields the NIP, not `482119900101…`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass

from eventops.roster.nip import mask_nip, parse_nip

NIP_DIGITS = 18
MAX_TEXT = 2000  # YouTube caps a message at 200 characters; anything longer is not read further
_DIGIT_RUN = re.compile(r"[0-9]+")
_SEPARATOR = re.compile(r"[\s.\-\u2010-\u2015\u2212]+")
_TOKEN = re.compile(r"[0-9A-Za-z]+")
_PIECE = re.compile(r"[0-9]+|[A-Za-z]+")


@dataclass(frozen=True)
class ChatAnswer:
    """What a message offers: valid NIPs in order of appearance and the known codes found beside them."""

    nips: tuple[str, ...]
    codes: tuple[str, ...]


def _clean(text: str) -> str:
    """Fold full-width digits and letters to ASCII (NFKC) and cut overlong text."""
    return unicodedata.normalize("NFKC", text[:MAX_TEXT])


def _nip_spans(text: str) -> list[tuple[str, int, int]]:
    """Every valid NIP written as joined digit groups: (nip, start, end) in order of appearance."""
    runs = [(m.group(), m.start(), m.end()) for m in _DIGIT_RUN.finditer(text)]
    found: list[tuple[str, int, int]] = []
    for i in range(len(runs)):
        digits, start, end = "", runs[i][1], runs[i][2]
        for j in range(i, len(runs)):
            if j > i and not _SEPARATOR.fullmatch(text[runs[j - 1][2] : runs[j][1]]):
                break
            digits += runs[j][0]
            end = runs[j][2]
            if len(digits) >= NIP_DIGITS:
                break
        overlaps = any(start < e and s < end for _, s, e in found)
        if len(digits) == NIP_DIGITS and not overlaps and parse_nip(digits).ok:
            found.append((digits, start, end))
    return found


def find_nips(text: str) -> tuple[str, ...]:
    """The valid 18-digit NIPs in `text` (spaces, dots and dashes allowed inside), each once, in order."""
    seen: dict[str, None] = {}
    for nip, _, _ in _nip_spans(_clean(text)):
        seen.setdefault(nip, None)
    return tuple(seen)


def _tokens(text: str) -> list[str]:
    """Letter-and-digit tokens, plus their letter and digit pieces (`HADIR4821` gives `HADIR`, `4821`)."""
    tokens = []
    for match in _TOKEN.finditer(text):
        tokens.append(match.group())
        pieces = _PIECE.findall(match.group())
        if len(pieces) > 1:
            tokens.extend(pieces)
    return tokens


def read_answer(text: str, known_codes: Collection[str]) -> ChatAnswer | None:
    """The NIPs and known codes (upper case) in a message, or None when it lacks either."""
    clean = _clean(text)
    spans = _nip_spans(clean)
    if not spans:
        return None
    # blank out the NIPs so that their digit groups are never read as a code
    rest = list(clean)
    for _, start, end in spans:
        rest[start:end] = " " * (end - start)
    wanted = {c.upper() for c in known_codes}
    codes: dict[str, None] = {}
    for token in _tokens("".join(rest)):
        if token.upper() in wanted:
            codes.setdefault(token.upper(), None)
    if not codes:
        return None
    return ChatAnswer(nips=tuple(dict.fromkeys(nip for nip, _, _ in spans)), codes=tuple(codes))


def mask_nips(text: str) -> str:
    """The text with every valid NIP in it masked (for pages shown to non-organisers)."""
    clean = _clean(text)
    spans = _nip_spans(clean)
    if not spans:
        return text
    parts, last = [], 0
    for nip, start, end in spans:
        parts.append(clean[last:start])
        parts.append(mask_nip(nip))
        last = end
    parts.append(clean[last:])
    return "".join(parts)
