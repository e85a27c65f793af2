"""Quota arithmetic (fact sheet §3): a whole session's polling fits the stream's share of the day."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from integrations.youtube.quota import (
    CHAT_LIST_COST,
    VIDEOS_LIST_COST,
    QuotaBudget,
    QuotaTooSmall,
    calls_in,
    chat_interval_for,
    plan_quota,
)

THREE_HOURS = 3 * 3600


def session_units(budget: QuotaBudget, session_seconds: float, polling_interval_millis: int) -> int:
    """Units a session spends polling chat and viewers at the budget's intervals from start to end."""
    chat = calls_in(session_seconds, budget.chat_interval_s(polling_interval_millis)) * CHAT_LIST_COST
    return chat + calls_in(session_seconds, budget.viewer_interval_s) * VIDEOS_LIST_COST


def test_costs_are_one_and_five_units() -> None:
    assert (VIDEOS_LIST_COST, CHAT_LIST_COST) == (1, 5)


def test_a_three_hour_batch_at_the_default_quota_stays_inside_it() -> None:
    budget = QuotaBudget(THREE_HOURS)
    assert budget.limit == 10_000
    assert session_units(budget, THREE_HOURS, 5000) + budget.plan.reserve_units <= 10_000
    # chat every 5 s would cost 10,800 units alone: the plan must poll slower, but not much slower
    assert 5.0 < budget.chat_interval_s(5000) < 6.0
    assert budget.viewer_interval_s == 60.0
    assert (
        budget.plan.viewer_units == 181
    )  # §3: "viewers every 60 s cost 180 units", plus the sample at start


def test_the_fact_sheet_example_polls_chat_every_nine_seconds() -> None:
    assert chat_interval_for(THREE_HOURS, 6000) == pytest.approx(9.0, abs=0.01)


def test_streams_share_the_daily_quota() -> None:
    one, three = QuotaBudget(THREE_HOURS), QuotaBudget(THREE_HOURS, streams=3)
    assert three.limit == 3333
    assert three.chat_interval_s(0) > 2.9 * one.chat_interval_s(0)
    assert 3 * (session_units(three, THREE_HOURS, 0) + three.plan.reserve_units) <= 10_000


def test_never_faster_than_the_server_asks() -> None:
    budget = QuotaBudget(3600, daily_quota=1_000_000)
    assert budget.plan.chat_interval_s < 1.0
    assert budget.chat_interval_s(5000) == 5.0


def test_viewer_sampling_slows_down_when_the_quota_is_small() -> None:
    plan = plan_quota(12 * 3600, daily_quota=2000, viewer_interval_s=30)
    assert plan.viewer_interval_s > 30
    assert plan.viewer_units + plan.chat_units + plan.reserve_units <= 2000


def test_spending_is_tracked_and_capped() -> None:
    budget = QuotaBudget(THREE_HOURS, daily_quota=100, spent=90)
    assert budget.remaining == 10
    assert budget.can_spend(5)
    budget.spend(5)
    budget.spend(5)
    assert (budget.spent, budget.remaining) == (100, 0)
    assert not budget.can_spend(1)
    with pytest.raises(QuotaTooSmall):
        budget.spend(1)


def test_a_quota_too_small_for_the_session_is_refused() -> None:
    with pytest.raises(QuotaTooSmall):
        QuotaBudget(THREE_HOURS, daily_quota=12)


def test_nonsense_sessions_are_refused() -> None:
    with pytest.raises(ValueError):
        plan_quota(0)
    with pytest.raises(ValueError):
        plan_quota(3600, streams=0)


@given(
    session_seconds=st.integers(min_value=60, max_value=12 * 3600),
    streams=st.integers(min_value=1, max_value=8),
    daily_quota=st.integers(min_value=20, max_value=1_000_000),
    viewer_interval_s=st.floats(min_value=5, max_value=900),
    polling_interval_millis=st.integers(min_value=0, max_value=30_000),
)
def test_any_feasible_plan_keeps_the_whole_session_inside_the_share(
    session_seconds: int,
    streams: int,
    daily_quota: int,
    viewer_interval_s: float,
    polling_interval_millis: int,
) -> None:
    try:
        budget = QuotaBudget(
            session_seconds, streams=streams, daily_quota=daily_quota, viewer_interval_s=viewer_interval_s
        )
    except QuotaTooSmall:
        assert daily_quota // streams < 20  # less than two chat pages and two samples
        return
    spent = session_units(budget, session_seconds, polling_interval_millis)
    assert spent + budget.plan.reserve_units <= budget.limit <= daily_quota // streams
    assert budget.chat_interval_s(polling_interval_millis) >= polling_interval_millis / 1000
    assert budget.viewer_interval_s >= viewer_interval_s


@given(
    session_seconds=st.integers(min_value=600, max_value=8 * 3600),
    daily_quota=st.integers(min_value=2_000, max_value=50_000),
    polling_interval_millis=st.integers(min_value=0, max_value=10_000),
)
def test_a_simulated_session_never_runs_out_of_budget(
    session_seconds: int, daily_quota: int, polling_interval_millis: int
) -> None:
    budget = QuotaBudget(session_seconds, daily_quota=daily_quota)
    chat_at, viewers_at = 0.0, 0.0
    while min(chat_at, viewers_at) <= session_seconds:
        if chat_at <= viewers_at:
            assert budget.can_spend(CHAT_LIST_COST)
            budget.spend(CHAT_LIST_COST)
            chat_at += budget.chat_interval_s(polling_interval_millis)
        else:
            assert budget.can_spend(VIDEOS_LIST_COST)
            budget.spend(VIDEOS_LIST_COST)
            viewers_at += budget.viewer_interval_s
    assert budget.remaining >= budget.plan.reserve_units
