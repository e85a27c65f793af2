"""Tests for the interval core: clipping, union, measure and overlap."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventops.intervals import (
    Interval,
    clip,
    overlaps,
    session_interval,
    total_duration,
    total_seconds,
    union,
    union_minutes,
)

T0 = datetime(2023, 8, 21, 1, 0, tzinfo=UTC)  # 09.00 WITA


def at(seconds: float) -> datetime:
    """A moment `seconds` after T0."""
    return T0 + timedelta(seconds=seconds)


def iv(start: float, end: float) -> Interval:
    """An interval between two offsets in seconds from T0."""
    return Interval(at(start), at(end))


intervals = st.builds(
    lambda start, length: iv(start, start + length),
    st.integers(min_value=-600, max_value=3_600),
    st.integers(min_value=0, max_value=1_200),
)
interval_lists = st.lists(intervals, max_size=25)
windows = st.builds(
    lambda start, length: iv(start, start + length),
    st.integers(min_value=-300, max_value=3_000),
    st.integers(min_value=1, max_value=3_000),
)


def covered_seconds(parts: list[Interval]) -> set[int]:
    """Reference measure: the set of whole seconds [k, k+1) covered by any part (integer bounds only)."""
    out: set[int] = set()
    for p in parts:
        first = int((p.start - T0).total_seconds())
        last = int((p.end - T0).total_seconds())
        out.update(range(first, last))
    return out


# --- properties -------------------------------------------------------------------------------------------


@given(interval_lists)
def test_union_matches_reference_measure(parts: list[Interval]) -> None:
    assert total_seconds(parts) == len(covered_seconds(parts))


@given(interval_lists)
def test_union_is_sorted_disjoint_and_non_empty(parts: list[Interval]) -> None:
    merged = union(parts)
    assert all(p.start < p.end for p in merged)
    assert all(a.end < b.start for a, b in pairwise(merged))


@given(interval_lists, st.randoms())
def test_union_is_order_independent(parts: list[Interval], rnd: random.Random) -> None:
    shuffled = list(parts)
    rnd.shuffle(shuffled)
    assert union(shuffled) == union(parts)


@given(interval_lists)
def test_union_is_idempotent(parts: list[Interval]) -> None:
    assert union(union(parts)) == union(parts)
    assert union(parts + parts) == union(parts)


@given(interval_lists, interval_lists)
def test_union_of_unions_is_the_union(a: list[Interval], b: list[Interval]) -> None:
    assert union(union(a) + union(b)) == union(a + b)


@given(interval_lists, windows)
def test_clipped_union_never_exceeds_the_window(parts: list[Interval], window: Interval) -> None:
    merged = union(clip(parts, window))
    assert all(window.start <= p.start and p.end <= window.end for p in merged)
    assert total_duration(parts, window) <= window.duration
    assert union_minutes(parts, window) <= window.duration // timedelta(minutes=1)


@given(interval_lists, windows)
def test_total_at_most_sum_of_parts_and_at_least_longest_part(
    parts: list[Interval], window: Interval
) -> None:
    clipped = clip(parts, window)
    total = total_duration(parts, window)
    assert total <= sum((p.duration for p in clipped), timedelta(0))
    assert total >= max((p.duration for p in clipped), default=timedelta(0))


@given(interval_lists, windows)
def test_union_minutes_is_the_floor_of_clipped_seconds(parts: list[Interval], window: Interval) -> None:
    assert union_minutes(parts, window) == len(covered_seconds(clip(parts, window))) // 60


@given(interval_lists, interval_lists)
def test_overlaps_means_a_shared_positive_length(a: list[Interval], b: list[Interval]) -> None:
    assert overlaps(a, b) == bool(covered_seconds(a) & covered_seconds(b))
    assert overlaps(a, b) == overlaps(b, a)


# --- examples ---------------------------------------------------------------------------------------------


def test_touching_intervals_merge() -> None:
    assert union([iv(60, 120), iv(0, 60)]) == [iv(0, 120)]


def test_nested_and_overlapping_intervals_merge_and_gaps_stay() -> None:
    assert union([iv(0, 100), iv(10, 20), iv(90, 150), iv(200, 210)]) == [iv(0, 150), iv(200, 210)]


def test_empty_intervals_carry_no_time() -> None:
    assert union([iv(5, 5)]) == []
    assert total_seconds([iv(5, 5), iv(10, 10)]) == 0.0


def test_clip_cuts_to_the_window_and_drops_outside_parts() -> None:
    window = iv(0, 100)
    assert clip([iv(-50, 10), iv(90, 200), iv(100, 150), iv(-20, 0), iv(20, 30)], window) == [
        iv(0, 10),
        iv(90, 100),
        iv(20, 30),
    ]


def test_union_minutes_floors() -> None:
    window = iv(0, 3_600)
    assert union_minutes([iv(0, 119.999)], window) == 1
    assert union_minutes([iv(0, 120)], window) == 2
    # two devices at once count once
    assert union_minutes([iv(0, 600), iv(300, 900)], window) == 15


def test_touching_is_not_an_overlap() -> None:
    assert not overlaps([iv(0, 60)], [iv(60, 120)])
    assert overlaps([iv(0, 61)], [iv(60, 120)])


def test_naive_datetimes_are_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Interval(datetime(2023, 8, 21, 9), datetime(2023, 8, 21, 10))


def test_an_interval_ending_before_it_starts_is_rejected() -> None:
    with pytest.raises(ValueError, match="ends before"):
        iv(10, 5)


def test_bounds_are_normalised_to_utc() -> None:
    wita = ZoneInfo("Asia/Makassar")
    local = Interval(datetime(2023, 8, 21, 9, tzinfo=wita), datetime(2023, 8, 21, 2, tzinfo=ZoneInfo("UTC")))
    assert local.start == T0
    assert local.start.tzinfo is UTC
    assert local.end.tzinfo is UTC


def test_open_session_lasts_until_the_given_moment() -> None:
    assert session_interval(at(0), None, at(600)) == iv(0, 600)
    assert session_interval(at(0), at(60), at(600)) == iv(0, 60)
    assert session_interval(at(600), None, at(0)) == iv(600, 600)


def test_contains_includes_both_ends() -> None:
    window = iv(0, 60)
    assert window.contains(at(0))
    assert window.contains(at(60))
    assert not window.contains(at(60.5))
