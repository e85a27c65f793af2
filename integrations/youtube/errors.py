"""Typed YouTube API errors and the mapping from Google's status and reason (fact sheet §2)."""

from __future__ import annotations

from typing import ClassVar

from integrations.youtube.models import StopReason


class YouTubeError(Exception):
    """An error answer from the YouTube Data API (status 0: no answer at all)."""

    retryable: ClassVar[bool] = False
    stop_reason: ClassVar[StopReason] = StopReason.ERROR

    def __init__(self, status: int, reason: str, message: str, retry_after: float | None = None) -> None:
        super().__init__(f"{status} {reason}: {message}")
        self.status = status
        self.reason = reason
        self.message = message
        self.retry_after = retry_after


class QuotaExceeded(YouTubeError):
    """The project's daily quota is spent; never retried (resets at midnight Pacific time)."""

    stop_reason = StopReason.QUOTA_EXCEEDED


class RateLimited(YouTubeError):
    """Too many requests too fast; back off, then resume."""

    retryable = True


class YouTubeServerError(YouTubeError):
    """A 5xx from Google's side; retried with backoff."""

    retryable = True


class YouTubeUnreachable(YouTubeError):
    """No HTTP answer (connection refused, reset or timed out); retried with backoff."""

    retryable = True


class ChatEnded(YouTubeError):
    """The live chat is over (liveChatEnded)."""

    stop_reason = StopReason.CHAT_ENDED


class ChatDisabled(YouTubeError):
    """The owner turned the chat off (liveChatDisabled); viewers can still be sampled."""

    stop_reason = StopReason.CHAT_DISABLED


class ChatNotFound(YouTubeError):
    """The chat id is stale or unknown (liveChatNotFound)."""

    stop_reason = StopReason.CHAT_NOT_FOUND


class VideoNotFound(YouTubeError):
    """videos.list answered no item for the id."""

    stop_reason = StopReason.VIDEO_NOT_FOUND


class Forbidden(YouTubeError):
    """The resource is not readable with this key (forbidden, or a missing key)."""

    stop_reason = StopReason.FORBIDDEN


class BadRequest(YouTubeError):
    """A bad API key or parameter: a configuration error to show the moderator."""

    stop_reason = StopReason.BAD_REQUEST


_BY_REASON: dict[str, type[YouTubeError]] = {
    "quotaExceeded": QuotaExceeded,
    "dailyLimitExceeded": QuotaExceeded,
    "rateLimitExceeded": RateLimited,
    "userRateLimitExceeded": RateLimited,
    "liveChatEnded": ChatEnded,
    "liveChatDisabled": ChatDisabled,
    "liveChatNotFound": ChatNotFound,
    "videoNotFound": VideoNotFound,
    "forbidden": Forbidden,
}


def error_for(status: int, reason: str, message: str, retry_after: float | None = None) -> YouTubeError:
    """Build the typed error for an HTTP status and Google reason."""
    cls = _BY_REASON.get(reason)
    if cls is None:
        if status == 429:
            cls = RateLimited
        elif status >= 500:
            cls = YouTubeServerError
        elif status == 400:
            cls = BadRequest
        else:
            cls = YouTubeError
    return cls(status, reason, message, retry_after)
