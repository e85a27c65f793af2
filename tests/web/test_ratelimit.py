"""The token bucket behind the self-attendance form's rate limit, on a manual clock."""

from __future__ import annotations

import pytest

from eventops.web.ratelimit import TokenBucket


class Clock:
    """Seconds that move only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_is_allowed_then_refused_with_the_wait() -> None:
    clock = Clock()
    bucket = TokenBucket(10, 5, clock=clock)
    assert [bucket.take("1.2.3.4").allowed for _ in range(6)] == [True] * 5 + [False]
    refused = bucket.take("1.2.3.4")
    assert not refused.allowed and refused.retry_after == pytest.approx(6.0)  # 10 a minute: one per 6 s


def test_tokens_come_back_at_the_rate() -> None:
    clock = Clock()
    bucket = TokenBucket(10, 5, clock=clock)
    for _ in range(5):
        bucket.take("a")
    clock.now += 5.9
    assert not bucket.take("a").allowed
    clock.now += 0.2
    assert bucket.take("a").allowed
    clock.now += 3600
    assert [bucket.take("a").allowed for _ in range(6)] == [True] * 5 + [False]  # never more than the burst


def test_clients_have_buckets_of_their_own() -> None:
    bucket = TokenBucket(10, 1, clock=Clock())
    assert bucket.take("a").allowed and not bucket.take("a").allowed
    assert bucket.take("b").allowed


def test_a_token_given_back_can_be_spent_again() -> None:
    bucket = TokenBucket(10, 2, clock=Clock())
    for _ in range(10):
        assert bucket.take("office").allowed
        bucket.give_back("office")
    bucket.give_back("office")  # never above the burst
    assert [bucket.take("office").allowed for _ in range(3)] == [True, True, False]


def test_memory_stays_bounded_and_recent_clients_are_kept() -> None:
    clock = Clock()
    bucket = TokenBucket(10, 1, clock=clock, max_keys=100)
    bucket.take("abuser")
    for i in range(1000):
        bucket.take(f"visitor-{i}")
        clock.now += 0.001
    assert len(bucket) <= 100
    clock.now += 1
    assert not bucket.take("visitor-999").allowed  # recent ones are kept


def test_nonsense_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        TokenBucket(0, 5)
    with pytest.raises(ValueError):
        TokenBucket(10, 0)
