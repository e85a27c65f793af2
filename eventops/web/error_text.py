"""What each error code says to a person, in the request's language: English msgids, the catalogue translates.

The API's body keeps the stable `error` code; its `message` is this sentence translated, its `detail` the
service's own (English) account of what went wrong, which may name the thing at fault.
"""

from __future__ import annotations

from collections.abc import Callable

from eventops.errors import ErrorCode
from eventops.i18n import N_

MESSAGES: dict[ErrorCode, str] = {
    ErrorCode.ERROR: N_("The request failed."),
    ErrorCode.BAD_REQUEST: N_("This request cannot be processed."),
    ErrorCode.UNAUTHORIZED: N_("Log in or send a bearer token."),
    ErrorCode.FORBIDDEN: N_("Your account is not allowed to do this."),
    ErrorCode.NOT_FOUND: N_("This page or item does not exist."),
    ErrorCode.METHOD_NOT_ALLOWED: N_("This address does not accept this method."),
    ErrorCode.CONFLICT: N_("This request conflicts with the current state."),
    ErrorCode.TOO_LARGE: N_("The content is too large."),
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: N_("This content type is not accepted here."),
    ErrorCode.INVALID: N_("Some fields are not valid."),
    ErrorCode.RATE_LIMITED: N_("Too many requests; try again in a moment."),
    ErrorCode.INTERNAL: N_("Something went wrong on our side; it has been logged."),
    ErrorCode.UNAVAILABLE: N_("The service is not ready; try again in a moment."),
    ErrorCode.DATABASE_UNAVAILABLE: N_(
        "The database is unavailable for a moment; try again in a few seconds."
    ),
    ErrorCode.BAD_BODY: N_("The request body could not be read."),
    ErrorCode.BAD_JSON: N_("The body is not a valid JSON object."),
    ErrorCode.BAD_TEXT: N_("Text must not contain NUL or unpaired surrogates."),
    ErrorCode.BAD_QUERY: N_("A query parameter is not valid."),
    ErrorCode.BAD_AUTH_HEADER: N_("Use the header 'Authorization: Bearer TOKEN'."),
    ErrorCode.CSRF: N_("The form has expired; reload the page and try again."),
    ErrorCode.BAD_LOGIN: N_("Wrong user name or password."),
    ErrorCode.LANGUAGE: N_("Unknown language: choose id or en."),
    ErrorCode.ROLE: N_("Unknown role: use organiser, moderator or staff."),
    ErrorCode.USER_NAME: N_("A user name has 1 to 64 characters."),
    ErrorCode.PASSWORD: N_("A password has at least 8 characters."),
    ErrorCode.USER_EXISTS: N_("A user of this name exists already."),
    ErrorCode.USER_NOT_FOUND: N_("There is no user of this name."),
    ErrorCode.TOKEN_NAME: N_("An API token needs a name."),
    ErrorCode.TOKEN_NOT_FOUND: N_("There is no API token with this id or name."),
    ErrorCode.AMBIGUOUS: N_("This name matches several items: name one by its id."),
    ErrorCode.EVENT_EXISTS: N_("An event with this slug exists already."),
    ErrorCode.EVENT_NOT_FOUND: N_("This event does not exist."),
    ErrorCode.BATCH_EXISTS: N_("The event has a batch with this code already."),
    ErrorCode.BATCH_NOT_FOUND: N_("This batch does not exist in this event."),
    ErrorCode.NO_FILE: N_("Send the roster file in a field named 'file'."),
    ErrorCode.EMPTY_FILE: N_("The roster file is empty."),
    ErrorCode.UNREADABLE_FILE: N_("The file is not a readable CSV or XLSX roster."),
    ErrorCode.TOO_MANY_ROWS: N_("The roster has more rows than one import takes."),
    ErrorCode.ROSTER_INVALID: N_("The roster has problems; nothing was stored."),
    ErrorCode.PASS_NOT_FOUND: N_("This pass does not exist: the link is wrong or the pass was replaced."),
    ErrorCode.NO_PASSES: N_("The batch has no participant with a pass to print."),
    ErrorCode.NO_LIVE_PASS: N_("This participant has no valid pass to revoke."),
    ErrorCode.PARTICIPANT_NOT_FOUND: N_("This participant is not in this event."),
    ErrorCode.BAD_TOKEN: N_("The scanned text is not a pass."),
    ErrorCode.SCAN_TOO_OLD: N_("This queued scan is too old to be accepted."),
    ErrorCode.SCAN_ID_USED: N_("This scan id was already used at another batch."),
    ErrorCode.NIP_ON_ROSTER: N_("This NIP is on the roster: check the participant in by hand instead."),
    ErrorCode.ZOOM_NOT_CONFIGURED: N_("Zoom is not configured."),
    ErrorCode.BAD_SIGNATURE: N_("The webhook has no valid Zoom signature."),
    ErrorCode.STALE_TIMESTAMP: N_("The webhook's timestamp is too old."),
    ErrorCode.BAD_PAYLOAD: N_("The webhook body is not a Zoom event."),
    ErrorCode.NO_ZOOM_MEETING: N_("The batch has no Zoom meeting."),
    ErrorCode.REGISTRANT_CAP: N_("Registering would pass Zoom's registrant limit for the meeting."),
    ErrorCode.REPORT_NOT_READY: N_("Zoom has no participant report yet; try again later."),
    ErrorCode.ZOOM_RATE_LIMITED: N_("Zoom's API rate limit was reached; try again later."),
    ErrorCode.ZOOM_ERROR: N_("Zoom's API answered with an error."),
    ErrorCode.YOUTUBE_NOT_CONFIGURED: N_("YouTube is not configured (no API key)."),
    ErrorCode.NO_YOUTUBE_VIDEO: N_("The batch has no YouTube video."),
    ErrorCode.CHECKPOINT_EXISTS: N_("The batch has a checkpoint with this code already."),
    ErrorCode.CHECKPOINT_NOT_FOUND: N_("The batch has no checkpoint with this code."),
    ErrorCode.REVIEW_ITEM_NOT_FOUND: N_("This connection is not in the batch's review queue."),
    ErrorCode.ALREADY_DECIDED: N_("This connection was decided already."),
    ErrorCode.WRONG_BATCH: N_("This participant is on another batch's roster."),
    ErrorCode.NOT_ONE_CANDIDATE: N_("This connection does not have exactly one matching participant."),
    ErrorCode.ALREADY_FINALIZED: N_("The batch is finalized already."),
    ErrorCode.NOT_FINALIZED: N_("The batch is not finalized."),
    ErrorCode.BATCH_NOT_ENDED: N_("The batch has not ended yet: finalize early only on purpose."),
    ErrorCode.BATCH_FINALIZED: N_("The batch is finalized: reopen it first."),
    ErrorCode.REASON_REQUIRED: N_("A reason is required."),
    ErrorCode.PARTICIPANT_NOT_IN_BATCH: N_("This participant was neither assigned to nor seen in the batch."),
    ErrorCode.BAD_FORMAT: N_("Unknown export format: use csv, xlsx or pdf."),
    ErrorCode.BAD_STATE: N_("Unknown state: use online, offline_now or never."),
    ErrorCode.BAD_WORKERS: N_("The number of workers must be at least 1."),
    ErrorCode.WORKERS_NEED_POSTGRESQL: N_("Several workers need PostgreSQL."),
}


def message_for(code: ErrorCode | str, gettext: Callable[[str], str]) -> str:
    """The code's sentence translated by `gettext`."""
    known = code in ErrorCode.__members__.values()
    return gettext(MESSAGES[ErrorCode(code)] if known else MESSAGES[ErrorCode.ERROR])
