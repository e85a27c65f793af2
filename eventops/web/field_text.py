"""What a form field's problem says to a person, in the page's language: the common ones of the console's
forms (required, too long, not a date and time, not one of the choices, the slug and code rules) as catalogue
sentences; any other stays the service's (English) text.

The problems come from pydantic (its messages are stable within its major version, which pyproject pins) and
from the catalog service (its message constants).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from eventops.catalog.events import CODE_RULE, ENDS_BEFORE_START, NAME_REQUIRED, SLUG_RULE
from eventops.i18n import N_

REQUIRED = N_("This field is required.")
NOT_A_TIME = N_("Enter a date and time.")
CHOICES = N_("Choose one of: %(choices)s.")

EXACT: dict[str, str] = {
    "Field required": REQUIRED,
    NAME_REQUIRED: REQUIRED,
    SLUG_RULE: N_("Lower-case letters, digits and dashes, 1 to 64 characters."),
    CODE_RULE: N_("Letters, digits, _ and -, 1 to 32 characters (e.g. K1)."),
    ENDS_BEFORE_START: N_("The batch must end after it starts."),
}
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"^String should have at most (?P<limit>\d+) characters?$"),
        N_("At most %(limit)s characters."),
    ),
    (re.compile(r"^Input should be a valid datetime|^Input should have timezone info"), NOT_A_TIME),
    (re.compile(r"^Value error, the time is outside the calendar"), NOT_A_TIME),
    (re.compile(r"^Input should be a valid integer"), N_("Enter a whole number.")),
    (re.compile(r"^Input should be (?P<choices>'[^']*'(?:, '[^']*')*(?: or '[^']*')?)$"), CHOICES),
)


def field_message(message: str, gettext: Callable[[str], str]) -> str:
    """The field problem's sentence translated by `gettext`; `message` itself when it is no common one."""
    if message in EXACT:
        return gettext(EXACT[message])
    for pattern, sentence in PATTERNS:
        found = pattern.match(message)
        if found is None:
            continue
        params = found.groupdict()
        if "choices" in params:
            params["choices"] = ", ".join(re.findall(r"'([^']*)'", params["choices"]))
        return gettext(sentence) % params if params else gettext(sentence)
    return message
