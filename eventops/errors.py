"""Domain errors: each carries a stable machine code (`ErrorCode`); web/errors.py maps them to HTTP."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum, unique
from typing import Any


@unique
class ErrorCode(StrEnum):
    """Every machine code of an error body `{"error": CODE, "message": TEXT}`; clients branch on these."""

    # The default of each error class, and of aiohttp's HTTP errors mapped by status.
    ERROR = "error"  # an HTTP error whose status has no code of its own (408, 414, …)
    BAD_REQUEST = "bad_request"  # 400 that names no more precise reason
    UNAUTHORIZED = "unauthorized"  # no valid credentials: log in or send a bearer token
    FORBIDDEN = "forbidden"  # valid credentials, but the role is too low
    NOT_FOUND = "not_found"  # no such route or thing
    METHOD_NOT_ALLOWED = "method_not_allowed"  # the route exists, the HTTP method does not
    CONFLICT = "conflict"  # 409 that names no more precise reason
    TOO_LARGE = "too_large"  # a body or uploaded file above the size limit
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"  # a body of a content type the route does not take
    INVALID = "invalid"  # fields not valid; `errors` lists each `{field, message}`
    RATE_LIMITED = "rate_limited"  # too many requests from one client
    INTERNAL = "internal"  # an unexpected failure on our side (500), logged
    UNAVAILABLE = "unavailable"  # 503 from a part that is not ready (starting or stopping)
    DATABASE_UNAVAILABLE = "database_unavailable"  # 503: the database is out of reach for a moment; retry

    # Requests and sign-in.
    BAD_BODY = "bad_body"  # the request body could not be read (the connection broke)
    BAD_JSON = "bad_json"  # the body is not JSON, not a JSON object, or nested too deep
    BAD_TEXT = "bad_text"  # text with NUL or an unpaired surrogate (in the path, query, JSON or a form)
    BAD_QUERY = "bad_query"  # a query parameter is not a number, or limit/offset out of range
    BAD_AUTH_HEADER = "bad_auth_header"  # an Authorization header that is not `Bearer TOKEN`
    CSRF = "csrf"  # a cookie-authenticated form without its valid CSRF token (an expired form)
    BAD_LOGIN = "bad_login"  # wrong user name or password, or a disabled user
    LANGUAGE = "language"  # a language the pages do not speak (they speak id and en)

    # Accounts.
    ROLE = "role"  # an unknown role name (not organiser, moderator or staff)
    USER_NAME = "user_name"  # a user name empty or longer than 64 characters
    PASSWORD = "password"  # a password shorter than 8 characters
    USER_EXISTS = "user_exists"  # a user of this name exists already
    USER_NOT_FOUND = "user_not_found"  # no user of this name
    TOKEN_NAME = "token_name"  # an API token without a name
    TOKEN_NOT_FOUND = "token_not_found"  # no API token with this id or name
    AMBIGUOUS = "ambiguous"  # a name that picks several things: name one by its id

    # Events and batches.
    EVENT_EXISTS = "event_exists"  # an event with this slug exists already
    EVENT_NOT_FOUND = "event_not_found"  # no event with this slug
    BATCH_EXISTS = "batch_exists"  # the event has a batch with this code already
    BATCH_NOT_FOUND = "batch_not_found"  # the event has no batch with this code

    # Roster files and passes.
    NO_FILE = "no_file"  # a multipart upload without a field named `file`
    EMPTY_FILE = "empty_file"  # the uploaded roster has no bytes, or no non-blank row
    UNREADABLE_FILE = "unreadable_file"  # the upload is not a readable CSV or XLSX roster
    TOO_MANY_ROWS = "too_many_rows"  # the roster has more participant rows than one import takes
    ROSTER_INVALID = "roster_invalid"  # the roster has problems (`errors`, by row and column); nothing stored
    PASS_NOT_FOUND = "pass_not_found"  # no pass with this token, or the participant has no live pass
    NO_PASSES = "no_passes"  # the batch has no participant with a pass to print
    NO_LIVE_PASS = "no_live_pass"  # revoking a pass of a participant who has none live
    PARTICIPANT_NOT_FOUND = "participant_not_found"  # no participant with this NIP or id in the event

    # The door.
    BAD_TOKEN = "bad_token"  # the scanned text is neither a pass token nor a pass URL
    SCAN_TOO_OLD = "scan_too_old"  # a queued scan older than the door accepts
    SCAN_ID_USED = "scan_id_used"  # a scan_id already used for a scan at another batch
    NIP_ON_ROSTER = "nip_on_roster"  # a walk-in with a NIP on the roster: check them in by hand instead

    # Zoom.
    ZOOM_NOT_CONFIGURED = "zoom_not_configured"  # Zoom webhook secret or API credentials not set
    BAD_SIGNATURE = "bad_signature"  # a webhook without a valid Zoom signature
    STALE_TIMESTAMP = "stale_timestamp"  # a genuinely signed webhook outside the time tolerance (a replay)
    BAD_PAYLOAD = "bad_payload"  # a signed webhook body that is not a Zoom event
    NO_ZOOM_MEETING = "no_zoom_meeting"  # the batch has no Zoom meeting id
    REGISTRANT_CAP = "registrant_cap"  # registering would pass Zoom's registrant limit per meeting
    REPORT_NOT_READY = "report_not_ready"  # Zoom has no participant report yet: try again later
    ZOOM_RATE_LIMITED = "zoom_rate_limited"  # Zoom's API rate limit was reached
    ZOOM_ERROR = "zoom_error"  # Zoom's API answered another error

    # The stream.
    YOUTUBE_NOT_CONFIGURED = "youtube_not_configured"  # no YouTube API key set
    NO_YOUTUBE_VIDEO = "no_youtube_video"  # the batch has no YouTube video id
    CHECKPOINT_EXISTS = "checkpoint_exists"  # the batch has a checkpoint with this code already
    CHECKPOINT_NOT_FOUND = "checkpoint_not_found"  # the batch has no checkpoint with this code

    # The review queue.
    REVIEW_ITEM_NOT_FOUND = "review_item_not_found"  # no connection with this id in the batch
    ALREADY_DECIDED = "already_decided"  # the connection was resolved or dismissed already
    WRONG_BATCH = "wrong_batch"  # the participant picked is on another batch's roster
    NOT_ONE_CANDIDATE = "not_one_candidate"  # accepted in bulk, but not exactly one compatible candidate

    # Attendance.
    ALREADY_FINALIZED = "already_finalized"  # finalizing a batch that is finalized
    NOT_FINALIZED = "not_finalized"  # reopening a batch that is not finalized
    BATCH_NOT_ENDED = "batch_not_ended"  # finalizing before the batch's end without asking to finalize early
    BATCH_FINALIZED = "batch_finalized"  # changing records of a finalized batch: reopen it first
    REASON_REQUIRED = "reason_required"  # a reopen or override without a reason
    PARTICIPANT_NOT_IN_BATCH = "participant_not_in_batch"  # an override for someone neither assigned nor seen
    BAD_FORMAT = "bad_format"  # an export format other than csv, xlsx or pdf
    BAD_STATE = "bad_state"  # an online-list filter other than online, offline_now or never

    # The command line.
    BAD_WORKERS = "bad_workers"  # `serve --workers` below 1
    WORKERS_NEED_POSTGRESQL = "workers_need_postgresql"  # `serve --workers N` (N > 1) on SQLite


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    code = ErrorCode.ERROR

    def __init__(self, message: str, *, code: ErrorCode | None = None, details: Sequence[Any] = ()) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = list(details)


class BadRequest(DomainError):
    """The request cannot be understood."""

    code = ErrorCode.BAD_REQUEST


class NotFound(DomainError):
    """The thing named does not exist."""

    code = ErrorCode.NOT_FOUND


class Conflict(DomainError):
    """The request clashes with what is stored (a duplicate, a frozen batch)."""

    code = ErrorCode.CONFLICT


class Invalid(DomainError):
    """The request is understood but its content is wrong; `details` lists every problem."""

    code = ErrorCode.INVALID


class Unauthorized(DomainError):
    """No valid credentials were given."""

    code = ErrorCode.UNAUTHORIZED


class Forbidden(DomainError):
    """The credentials are valid but the role is too low."""

    code = ErrorCode.FORBIDDEN


class TooLarge(DomainError):
    """The body is larger than allowed."""

    code = ErrorCode.TOO_LARGE


class RateLimited(DomainError):
    """Too many requests from one client."""

    code = ErrorCode.RATE_LIMITED
