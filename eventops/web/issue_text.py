"""What each roster problem says to a person, in the request's language: English msgids, the catalogue
translates; `%(name)s` placeholders are filled from the problem's `params` (the values the service named).

A problem keeps its stable `row`, `column` and `code`; its `message` becomes the sentence translated, its
`detail` the service's own (bilingual) message. A file that cannot be read at all is one problem whose code
is an `ErrorCode`: it says that code's sentence, and its detail names the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from aiohttp import web

from eventops.errors import ErrorCode
from eventops.i18n import N_, translations
from eventops.roster.issues import IssueCode
from eventops.web.error_text import message_for
from eventops.web.locale import request_locale

MESSAGES: dict[IssueCode, str] = {
    IssueCode.MISSING_COLUMN: N_("The column is missing (accepted names: %(aliases)s)."),
    IssueCode.DUPLICATE_COLUMN: N_("The columns '%(first)s' and '%(second)s' mean the same: remove one."),
    IssueCode.REQUIRED: N_("This cell must be filled in."),
    IssueCode.TOO_LONG: N_("The text is too long (%(length)s characters, at most %(limit)s)."),
    IssueCode.NIP_LENGTH: N_("A NIP has 18 digits; this one has %(length)s."),
    IssueCode.NIP_DIGITS: N_("A NIP may contain only digits."),
    IssueCode.NIP_BIRTH_DATE: N_("The first 8 digits of the NIP (%(digits)s) are not a valid birth date."),
    IssueCode.NIP_SEX: N_("Digit 15 of a NIP is 1 or 2, not %(digit)s."),
    IssueCode.NIP_EXCEL_NUMBER: N_(
        "The NIP was stored as a number, which Excel cuts to 15 digits: format the NIP column as Text and"
        " export again."
    ),
    IssueCode.NIP_DUPLICATE: N_("The same NIP as row %(first)s."),
    IssueCode.EMAIL_INVALID: N_("'%(value)s' is not an email address."),
    IssueCode.PHONE_INVALID: N_(
        "'%(value)s' is not an Indonesian phone number (e.g. 0812-3456-7890 or +62 812 3456 7890)."
    ),
    IssueCode.MODE_INVALID: N_("Unknown mode '%(value)s': use offline/luring or online/daring."),
    IssueCode.BATCH_UNKNOWN: N_("The event has no batch '%(value)s' (it has: %(known)s)."),
    IssueCode.NIP_APPOINTMENT: N_(
        "The appointment part of the NIP (%(digits)s) is not a plausible year and month (PPPK numbers use"
        " other codes)."
    ),
    IssueCode.NIP_SERIAL_ZERO: N_(
        "The NIP ends in 000: if the NIP column was ever a number in Excel, its last 3 digits were lost."
    ),
    IssueCode.PHONE_MISSING_ZERO: N_("The phone number '%(value)s' lost its leading 0; read as %(phone)s."),
    IssueCode.NO_ROWS: N_("The file has no participant rows."),
}


def issue_message(code: str, params: Mapping[str, Any], gettext: Callable[[str], str]) -> str | None:
    """The problem's sentence translated by `gettext`, or None for a code without one (or params missing)."""
    if code in IssueCode.__members__.values():
        try:
            return gettext(MESSAGES[IssueCode(code)]) % params
        except (KeyError, TypeError, ValueError):
            return None
    if code in ErrorCode.__members__.values():
        return message_for(code, gettext)
    return None


def localise_issues(request: web.Request, issues: Iterable[Any]) -> list[dict[str, Any]]:
    """Problems as `{row, column, code, message, detail}`, `message` in the request's language; an item
    that is no problem (no `row`) is left as it is."""
    gettext = translations(request_locale(request)).gettext
    said: list[dict[str, Any]] = []
    for issue in issues:
        if not isinstance(issue, dict) or "row" not in issue:
            said.append(issue)
            continue
        detail = str(issue.get("message", ""))
        message = issue_message(str(issue.get("code", "")), issue.get("params") or {}, gettext)
        kept = {key: issue[key] for key in ("row", "column", "code") if key in issue}
        said.append(kept | {"message": message or detail, "detail": detail})
    return said
