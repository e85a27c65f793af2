"""Exceptions raised by the Zoom client and the webhook helpers."""

from __future__ import annotations

from datetime import datetime


class ZoomError(Exception):
    """Base of every error this package raises."""


class ZoomApiError(ZoomError):
    """A Zoom API call failed: HTTP status, Zoom error `code` (None when the body had none) and message."""

    def __init__(self, status: int, code: int | None, message: str, *, tracking_id: str = "") -> None:
        super().__init__(f"Zoom API error {status} (code {code}): {message}")
        self.status = status
        self.code = code
        self.message = message
        self.tracking_id = tracking_id


class ZoomAuthError(ZoomApiError):
    """The OAuth token endpoint refused the credentials, or a fresh token was rejected too."""


class ZoomReportNotReady(ZoomApiError):
    """Code 3001 on a report endpoint: the meeting is unknown, still running or its report not built yet.

    Zoom answers this even right after the host ends a meeting (fact sheet §2.1, §6.5): retry later,
    never read it as "nobody attended".
    """


class ZoomRateLimited(ZoomApiError):
    """HTTP 429 that the client did not wait out: a daily limit, a long Retry-After, or retries exhausted."""

    def __init__(
        self,
        status: int,
        code: int | None,
        message: str,
        *,
        daily: bool,
        retry_at: datetime | None,
        tracking_id: str = "",
    ) -> None:
        super().__init__(status, code, message, tracking_id=tracking_id)
        self.daily = daily
        self.retry_at = retry_at


class ZoomCapacityError(ZoomError):
    """More registrants were asked for than one meeting or webinar accepts (4,999, fact sheet §3.2)."""

    def __init__(self, requested: int, cap: int) -> None:
        super().__init__(f"{requested} registrants requested, Zoom accepts at most {cap} per meeting")
        self.requested = requested
        self.cap = cap


class WebhookSignatureError(ZoomError):
    """A webhook request failed verification; `reason` is a stable code.

    Reasons: `missing_header`, `bad_timestamp` (not a Unix-seconds integer), `bad_signature`,
    `stale_timestamp` (genuine signature, timestamp outside the tolerance: a replay or a skewed clock).
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


class WebhookPayloadError(ZoomError):
    """A webhook body is not a Zoom event this package can read; `reason` is a stable code.

    Reasons: `not_json`, `bad_shape` (a required object or field is missing), `bad_type` (a field has the
    wrong JSON type), `bad_time` (a time field is not ISO-8601).
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
