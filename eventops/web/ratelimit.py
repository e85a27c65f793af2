"""A token-bucket rate limiter per client key, in memory, with an injectable clock and bounded size."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

Clock = Callable[[], float]


@dataclass(frozen=True)
class Verdict:
    """Whether a request may go ahead; when not, how many seconds until it may."""

    allowed: bool
    retry_after: float = 0.0


class TokenBucket:
    """`burst` requests at once per key, refilled at `per_minute` a minute; idle keys are forgotten."""

    def __init__(
        self, per_minute: float, burst: int, *, clock: Clock = time.monotonic, max_keys: int = 100_000
    ) -> None:
        if per_minute <= 0 or burst < 1 or max_keys < 1:
            raise ValueError("per_minute must be positive, burst and max_keys at least 1")
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.max_keys = max_keys
        self._clock = clock
        # key -> (tokens, last refill); insertion order is last-use order, oldest first
        self._buckets: dict[str, tuple[float, float]] = {}

    def _tokens(self, key: str, now: float) -> float:
        tokens, last = self._buckets.pop(key, (self.burst, now))
        return min(self.burst, tokens + (now - last) * self.rate)

    def take(self, key: str) -> Verdict:
        """Spend one token of `key` if it has one."""
        now = self._clock()
        tokens = self._tokens(key, now)
        if tokens >= 1.0:
            self._store(key, tokens - 1.0, now)
            return Verdict(True)
        self._store(key, tokens, now)
        return Verdict(False, retry_after=(1.0 - tokens) / self.rate)

    def give_back(self, key: str) -> None:
        """Return a token (a request that turned out not to count against the client)."""
        now = self._clock()
        self._store(key, min(self.burst, self._tokens(key, now) + 1.0), now)

    def __len__(self) -> int:
        return len(self._buckets)

    def _store(self, key: str, tokens: float, now: float) -> None:
        self._buckets[key] = (tokens, now)
        if len(self._buckets) > self.max_keys:
            self._prune(now)

    def _prune(self, now: float) -> None:
        """Forget full buckets (they behave like new ones), then the least recently used down to 90 %."""
        for key, (tokens, last) in list(self._buckets.items()):
            if tokens + (now - last) * self.rate >= self.burst:
                del self._buckets[key]
        target = max(1, self.max_keys - self.max_keys // 10)  # room to spare: no full sweep per request
        while len(self._buckets) > target:
            del self._buckets[next(iter(self._buckets))]
