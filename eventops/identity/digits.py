"""Identifiers people write beside their name: an 18-digit NIP, a mobile phone number."""

from __future__ import annotations

import re

from eventops.roster.nip import parse_nip
from eventops.roster.validation import normalise_phone

_DIGIT_RUN = re.compile(r"\d(?:[ .\-\u2010-\u2015]?\d)*")
_DIGIT_SEPARATOR = re.compile(r"[ .\-\u2010-\u2015]")


def nip_in_text(text: str) -> str | None:
    """The first valid 18-digit NIP written in `text` (digits maybe grouped by spaces, dots or dashes)."""
    for run in _DIGIT_RUN.findall(text):
        groups = _DIGIT_SEPARATOR.split(run)
        for start in range(len(groups)):
            digits = ""
            for group in groups[start:]:
                digits += group
                if len(digits) >= 18:
                    break
            if len(digits) == 18 and parse_nip(digits).ok:
                return digits
    return None


def phones_in_text(text: str) -> tuple[str, ...]:
    """Indonesian mobile numbers written in `text` (`08…`, `+628…`, `628…`, grouped or not), as `+62…`."""
    found: list[str] = []
    for run in _DIGIT_RUN.findall(text):
        # A run may hold a NIP and a number side by side: try it whole, then each space-separated group.
        for part in (run, *run.split()):
            digits = _DIGIT_SEPARATOR.sub("", part)
            if not 10 <= len(digits) <= 14 or not digits.startswith(("08", "628")):
                continue
            phone, _ = normalise_phone(digits)
            if phone is not None and phone not in found:
                found.append(phone)
    return tuple(found)
