"""Text the databases can store: PostgreSQL refuses NUL, and neither database encodes a lone surrogate.

Both arrive from outside only as JSON escapes (`\\u0000`, `\\ud800`) or percent-escapes, so every edge that
decodes outside text passes it through here: Zoom deliveries are cleaned (Zoom relays what people type), and
the web layer refuses requests that carry them (`storable` tells it which).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, TypeVar

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
T = TypeVar("T")


def storable(text: str) -> bool:
    """Whether `text` holds neither a NUL nor a lone surrogate (a pair is one code point in Python)."""
    return _UNSTORABLE.search(text) is None


def clean(text: str) -> str:
    """`text` without NULs, each lone surrogate replaced by U+FFFD as a UTF-8 decoder would."""
    if storable(text):
        return text
    return _UNSTORABLE.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", text)


def clean_fields(value: T) -> T:
    """A frozen dataclass with every text field cleaned, nested dataclasses included (unchanged: itself)."""
    changes: dict[str, Any] = {}
    for field in dataclasses.fields(value):  # type: ignore[arg-type]
        old = getattr(value, field.name)
        if isinstance(old, str):
            new: Any = clean(old)
        elif dataclasses.is_dataclass(old) and not isinstance(old, type):
            new = clean_fields(old)
        else:
            continue
        if new is not old:
            changes[field.name] = new
    return dataclasses.replace(value, **changes) if changes else value  # type: ignore[type-var]
