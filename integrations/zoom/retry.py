"""Retry policy for Zoom calls: jittered backoff and reading 429 responses (pure, no I/O)."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard the client retries transient failures (5xx, timeouts, per-second 429)."""

    max_attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0
    rate_limit_delay: float = 1.0
    max_wait: float = 60.0
    page_restarts: int = 2


@dataclass(frozen=True, slots=True)
class RateLimitDecision:
    """What to do with a 429: wait `wait` seconds and retry, or (wait None) give up until `retry_at`."""

    wait: float | None
    daily: bool
    retry_at: datetime | None


def backoff_delay(policy: RetryPolicy, attempt: int, rng: random.Random) -> float:
    """Delay before retry number `attempt` (1-based): exponential with equal jitter, capped."""
    ceiling = min(policy.max_delay, policy.base_delay * 2 ** (attempt - 1))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds until a Retry-After value: delta-seconds, HTTP-date, or Zoom's ISO date-time (§5.2)."""
    if value is None:
        return None
    text = value.strip()
    if not text or len(text) > 64:
        return None
    if text.isdigit():
        return float(text)
    moment: datetime | None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return max(0.0, (moment - now).total_seconds())
    except OverflowError:
        return None


def _after(now: datetime, seconds: float | None) -> datetime | None:
    """`now + seconds`, or None when unknown or beyond the calendar."""
    if seconds is None:
        return None
    try:
        return now + timedelta(seconds=seconds)
    except OverflowError:
        return None


def classify_rate_limit(
    headers: Mapping[str, str], message: str, now: datetime, policy: RetryPolicy, rng: random.Random
) -> RateLimitDecision:
    """Decide how to handle a 429 from its headers and message (fact sheet §5.2).

    `X-RateLimit-Type: QPS` or a per-second message is retried after Retry-After (or about a second with
    jitter when the header is missing, as Zoom often omits it); `Daily-limit` or a daily message gives up
    unless Retry-After is within `policy.max_wait`.
    """
    lowered = {key.lower(): value for key, value in headers.items()}
    limit_type = lowered.get("x-ratelimit-type", "").lower()
    daily = "daily" in limit_type or "daily" in message.lower()
    wait = parse_retry_after(lowered.get("retry-after"), now)
    retry_at = _after(now, wait)
    if wait is not None and wait <= policy.max_wait:
        return RateLimitDecision(wait=wait, daily=daily, retry_at=retry_at)
    if daily or wait is not None:
        return RateLimitDecision(wait=None, daily=daily, retry_at=retry_at)
    return RateLimitDecision(wait=policy.rate_limit_delay * (1 + rng.random()), daily=False, retry_at=None)
