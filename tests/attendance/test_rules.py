"""Tests for attendance rule evaluation: statuses, precedence, grace, thresholds, flags, overrides, recap."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventops.attendance.recap import summarise
from eventops.attendance.rules import (
    FLAGS,
    AttendanceRecord,
    BatchRules,
    CheckinFact,
    CheckpointChannel,
    CheckpointFact,
    OnlineSessionFact,
    Override,
    ParticipantFacts,
    evaluate,
    evaluate_batch,
)

START = datetime(2023, 8, 21, 1, 0, tzinfo=UTC)  # 09.00 WITA; the batch runs 8 hours, to 17.00 WITA
END = START + timedelta(hours=8)
RANK = {"absent": 0, "partial": 1, "present": 2}


def t(minutes: float) -> datetime:
    """A moment `minutes` after the batch start."""
    return START + timedelta(minutes=minutes)


def rules(**kw: Any) -> BatchRules:
    """The 8-hour batch K1 with default rules unless overridden."""
    return BatchRules(START, END, batch_id="K1", **kw)


def checkin(minutes: float, batch: str = "K1") -> CheckinFact:
    """A venue check-in `minutes` after the start."""
    return CheckinFact(at=t(minutes), batch_id=batch, station="Gate 1")


def session(start: float, end: float, key: str = "c1", name: str = "Made Sudarma") -> OnlineSessionFact:
    """A Zoom session between two offsets in minutes."""
    return OnlineSessionFact(t(start), t(end), connection_key=key, display_name=name)


def cp_window(checkpoint: int) -> tuple[float, float]:
    """Checkpoint i opens 60 + 120 i minutes after the start, for 15 minutes."""
    return 60 + 120 * checkpoint, 75 + 120 * checkpoint


def submission(
    checkpoint: int, minutes: float | None = None, channel: CheckpointChannel = "youtube"
) -> CheckpointFact:
    """A code submission for checkpoint i, by default in the middle of its window."""
    opens, closes = cp_window(checkpoint)
    when = (opens + closes) / 2 if minutes is None else minutes
    return CheckpointFact(checkpoint, t(when), t(opens), t(closes), channel)


def facts(**kw: Any) -> ParticipantFacts:
    """Participant p1, assigned to K1, in a batch of three checkpoints."""
    kw.setdefault("checkpoint_count", 3)
    return ParticipantFacts("p1", "K1", **kw)


def verdict(record: AttendanceRecord) -> tuple[str, str | None]:
    """Status and mode of a record."""
    return record.status, record.mode


ALL_CHECKPOINTS = (submission(0), submission(1), submission(2))


# --- venue and grace ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "grace_after", "expected"),
    [
        (-120, 0, "present"),  # exactly 120 minutes before the start is in
        (-121, 0, "absent"),
        (-120.01, 0, "absent"),
        (0, 0, "present"),
        (480, 0, "present"),  # the end itself is in
        (480.01, 0, "absent"),
        (495, 15, "present"),
        (496, 15, "absent"),
    ],
)
def test_checkin_counts_inside_the_window_and_its_grace(
    minutes: float, grace_after: int, expected: str
) -> None:
    record = evaluate(rules(checkin_grace_after_minutes=grace_after), facts(checkins=(checkin(minutes),)))
    assert record.status == expected
    assert record.checked_in_at == (t(minutes) if expected == "present" else None)
    assert record.mode == ("offline" if expected == "present" else None)


def test_earliest_counted_checkin_is_reported() -> None:
    record = evaluate(rules(), facts(checkins=(checkin(30), checkin(-200), checkin(5))))
    assert record.checked_in_at == t(5)
    assert (record.first_seen, record.last_seen) == (t(5), t(30))


# --- zoom -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "length", "required"),
    [(0, 480, 360), (0, 210, 158), (0, 100, 75), (0, 1, 1), (0, 0.5, 1)],
)
def test_default_online_threshold_is_75_percent_rounded_up(
    minutes: float, length: float, required: int
) -> None:
    assert BatchRules(t(minutes), t(minutes + length)).required_online_minutes == required


@pytest.mark.parametrize(
    ("sessions", "expected", "minutes"),
    [
        ([(0, 360)], "present", 360),
        ([(0, 359.99)], "partial", 359),
        ([(0, 200), (100, 300)], "partial", 300),  # two devices at once count once
        ([(0, 200), (200, 360)], "present", 360),  # a reconnect joins up
        ([(-60, 300)], "partial", 300),  # time before the start is clipped
        ([(200, 600)], "partial", 280),  # time after the end is clipped
        ([(0, 0.5)], "partial", 0),  # above zero is partial, even under a minute
        ([(-100, 0), (480, 500)], "absent", 0),  # only outside the window
        ([(30, 30)], "absent", 0),  # an empty session is no evidence
    ],
)
def test_zoom_union_against_the_default_threshold(
    sessions: list[tuple[float, float]], expected: str, minutes: int
) -> None:
    record = evaluate(rules(), facts(sessions=tuple(session(a, b) for a, b in sessions)))
    assert record.status == expected
    assert record.online_minutes == minutes
    assert record.mode == (None if expected == "absent" else "zoom")


def test_explicit_online_threshold() -> None:
    record = evaluate(rules(online_min_minutes=60), facts(sessions=(session(10, 70),)))
    assert verdict(record) == ("present", "zoom")
    assert (record.first_seen, record.last_seen) == (t(10), t(70))


def test_zero_online_threshold_still_needs_online_time() -> None:
    assert evaluate(rules(online_min_minutes=0), facts()).status == "absent"
    assert evaluate(rules(online_min_minutes=0), facts(sessions=(session(1, 1.5),))).status == "present"


# --- checkpoints ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subs", "min_checkpoints", "expected", "count"),
    [
        (ALL_CHECKPOINTS, None, "present", 3),
        (ALL_CHECKPOINTS[:2], None, "partial", 2),
        (ALL_CHECKPOINTS[:2], 2, "present", 2),
        ((submission(0), submission(0), submission(0, channel="form")), 1, "present", 1),  # counts once
        ((submission(0, 60), submission(1, 195), submission(2, 300)), None, "present", 3),  # ends inclusive
        ((submission(0, 59.99), submission(1, 195.01), submission(2)), None, "partial", 1),
        ((submission(0, 200),), None, "absent", 0),  # inside the batch but outside its checkpoint
        (ALL_CHECKPOINTS, 4, "partial", 3),  # more than were held: nobody is present through checkpoints
        ((), 0, "absent", 0),  # a zero threshold still needs a submission
    ],
)
def test_checkpoints_count_once_inside_their_windows(
    subs: tuple[CheckpointFact, ...], min_checkpoints: int | None, expected: str, count: int
) -> None:
    record = evaluate(rules(min_checkpoints=min_checkpoints), facts(submissions=subs))
    assert record.status == expected
    assert record.checkpoints == count


@pytest.mark.parametrize(
    ("channels", "mode", "sources"),
    [
        (("form", "form", "form"), "form", ("form",)),
        (("youtube", "youtube", "form"), "youtube", ("youtube", "form")),
        (("youtube", "form", "form"), "form", ("youtube", "form")),
    ],
)
def test_checkpoint_mode_is_the_channel_that_supplied_more(
    channels: tuple[CheckpointChannel, ...], mode: str, sources: tuple[str, ...]
) -> None:
    subs = tuple(submission(i, channel=ch) for i, ch in enumerate(channels))
    record = evaluate(rules(), facts(submissions=subs))
    assert verdict(record) == ("present", mode)
    assert record.sources == sources


def test_checkpoint_channel_tie_goes_to_youtube() -> None:
    subs = (submission(0, channel="form"), submission(1, channel="youtube"))
    assert verdict(evaluate(rules(min_checkpoints=2), facts(submissions=subs))) == ("present", "youtube")


# --- precedence -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        ({"checkins": (checkin(0),), "sessions": (session(0, 480),)}, ("present", "offline")),
        ({"checkins": (checkin(0),), "submissions": ALL_CHECKPOINTS}, ("present", "offline")),
        ({"checkins": (checkin(0),), "sessions": (session(0, 10),)}, ("present", "offline")),
        ({"sessions": (session(0, 480),), "submissions": ALL_CHECKPOINTS}, ("present", "zoom")),
        # a present beats a partial whatever the channel
        ({"sessions": (session(0, 10),), "submissions": ALL_CHECKPOINTS}, ("present", "youtube")),
        ({"sessions": (session(0, 480),), "submissions": ALL_CHECKPOINTS[:1]}, ("present", "zoom")),
        # two partials: channel precedence
        ({"sessions": (session(0, 10),), "submissions": ALL_CHECKPOINTS[:1]}, ("partial", "zoom")),
        ({"submissions": ALL_CHECKPOINTS[:1]}, ("partial", "youtube")),
        ({}, ("absent", None)),
    ],
)
def test_precedence(evidence: dict[str, Any], expected: tuple[str, str | None]) -> None:
    assert verdict(evaluate(rules(), facts(**evidence))) == expected


def test_every_channel_seen_is_a_source_in_fixed_order() -> None:
    record = evaluate(
        rules(),
        facts(
            submissions=(submission(1, channel="form"), submission(0)),
            sessions=(session(0, 10),),
            checkins=(checkin(-10),),
        ),
    )
    assert record.sources == ("offline", "zoom", "youtube", "form")
    assert (record.first_seen, record.last_seen) == (t(-10), t(187.5))


# --- flags ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("batch_rules", "evidence", "flagged"),
    [
        (rules(), {"other_checkins": (checkin(0, "K2"),)}, True),
        (rules(), {"checkins": (checkin(0),)}, False),
        # the record for K2, where a participant assigned to K1 walked in
        (replace(rules(), batch_id="K2"), {"checkins": (checkin(0, "K2"),)}, True),
        (replace(rules(), batch_id="K2"), {"sessions": (session(0, 60),)}, True),
        (replace(rules(), batch_id="K2"), {"other_checkins": (checkin(0, "K1"),)}, False),
        (replace(rules(), batch_id="K2"), {}, False),
    ],
)
def test_wrong_batch(batch_rules: BatchRules, evidence: dict[str, Any], flagged: bool) -> None:
    assert ("wrong_batch" in evaluate(batch_rules, facts(**evidence)).flags) == flagged


def test_walk_in_without_assigned_batch_is_not_wrong_batch() -> None:
    walk_in = ParticipantFacts("w1", None, checkins=(checkin(0),))
    assert evaluate(rules(), walk_in).flags == ()


@pytest.mark.parametrize(
    ("checked_in", "online", "flagged"),
    [
        (60, (120, 180), True),
        (60, (0, 61), True),
        (60, (0, 60), False),  # online before arriving, up to the check-in itself
        (-30, (0, 10), True),  # a check-in during the grace counts from the start
        (-200, (0, 10), False),  # a check-in that does not count
        (None, (0, 10), False),
    ],
)
def test_venue_and_online(checked_in: float | None, online: tuple[float, float], flagged: bool) -> None:
    checkins = () if checked_in is None else (checkin(checked_in),)
    record = evaluate(rules(), facts(checkins=checkins, sessions=(session(*online),)))
    assert ("venue_and_online" in record.flags) == flagged


@pytest.mark.parametrize(
    ("sessions", "flagged"),
    [
        ([session(0, 60, "c1", "Made Sudarma"), session(30, 90, "c2", "iPhone Ketut")], True),
        (
            [session(0, 60, "c1", "Made Sudarma"), session(60, 90, "c2", "iPhone Ketut")],
            False,
        ),  # one after another
        (
            [session(0, 60, "c1", "Made Sudarma"), session(30, 90, "c2", "Made Sudarma")],
            False,
        ),  # phone + laptop
        ([session(0, 60, "c1", "Made  Sudarma"), session(30, 90, "c2", "made sudarma")], False),
        ([session(0, 60, "c1", "Made Sudarma"), session(30, 90, "c1", "Made S (renamed)")], False),
        ([session(-90, -30, "c1", "Made"), session(-60, -20, "c2", "Ketut")], True),  # at any time
        ([session(0, 60, "c1", "Made Sudarma")], False),
    ],
)
def test_shared_identity(sessions: list[OnlineSessionFact], flagged: bool) -> None:
    record = evaluate(rules(), facts(sessions=tuple(sessions)))
    assert ("shared_identity" in record.flags) == flagged


def test_override_sets_status_and_mode_but_keeps_the_evidence() -> None:
    override = Override("present", "offline", by="panitia", at=t(600), reason="signed the paper list")
    record = evaluate(rules(), facts(sessions=(session(0, 30),), override=override))
    assert verdict(record) == ("present", "offline")
    assert (record.computed_status, record.computed_mode) == ("partial", "zoom")
    assert record.online_minutes == 30
    assert record.sources == ("zoom",)
    assert record.flags == ("manual",)
    assert record.override == override


def test_flags_come_in_fixed_order() -> None:
    record = evaluate(
        rules(),
        facts(
            checkins=(checkin(0),),
            other_checkins=(checkin(0, "K2"),),
            sessions=(session(10, 60, "c1", "Budi"), session(20, 70, "c2", "Galaxy A12")),
            override=Override("absent", None, by="panitia", at=t(600), reason="not her"),
        ),
    )
    assert record.flags == FLAGS
    assert verdict(record) == ("absent", None)


def test_override_mode_must_match_status() -> None:
    with pytest.raises(ValueError):
        Override("absent", "zoom", by="x", at=t(0), reason="")
    with pytest.raises(ValueError):
        Override("present", None, by="x", at=t(0), reason="")


def test_invalid_rules_and_sessions_are_rejected() -> None:
    with pytest.raises(ValueError):
        BatchRules(END, START)
    with pytest.raises(ValueError):
        rules(online_min_minutes=-1)
    with pytest.raises(ValueError):
        session(10, 5)


# --- batches and recap ----------------------------------------------------------------------------


def test_evaluate_batch_gives_one_record_per_participant_in_order() -> None:
    people = [ParticipantFacts(f"p{i}", "K1", checkins=(checkin(0),) if i % 2 else ()) for i in range(5)]
    records = evaluate_batch(rules(), people)
    assert [r.participant_id for r in records] == ["p0", "p1", "p2", "p3", "p4"]
    assert [r.status for r in records] == ["absent", "present", "absent", "present", "absent"]
    assert all(r.batch_id == "K1" for r in records)


def test_evaluate_batch_rejects_a_participant_given_twice() -> None:
    with pytest.raises(ValueError, match="twice"):
        evaluate_batch(rules(), [facts(), facts()])


def test_summarise_counts_by_status_mode_agency_and_unit() -> None:
    people: dict[str, tuple[dict[str, Any], tuple[str, str]]] = {
        "a": ({"checkins": (checkin(0),)}, ("Pemprov Bali", "Diskominfo")),
        "b": ({"sessions": (session(0, 480),)}, ("Pemprov Bali", "Diskominfo")),
        "c": ({"submissions": ALL_CHECKPOINTS}, ("Pemprov Bali", "Bappeda")),
        "d": ({"sessions": (session(0, 10),)}, ("Pemkot Denpasar", "Dinkes")),
        "e": ({}, ("Pemkot Denpasar", "Dinkes")),
        "f": ({}, ("", "")),
    }
    records = evaluate_batch(
        rules(), [ParticipantFacts(pid, "K1", checkpoint_count=3, **ev) for pid, (ev, _) in people.items()]
    )
    recap = summarise([r for r in records if r.participant_id != "f"], {k: v[1] for k, v in people.items()})
    assert recap.by_status == {"present": 3, "partial": 1, "absent": 1}
    assert recap.by_mode == {"offline": 1, "zoom": 2, "youtube": 1, "form": 0}
    assert recap.overall.expected == 5
    assert recap.overall.attendance_pct == pytest.approx(60.0)
    bali, denpasar = recap.by_agency[1], recap.by_agency[0]
    assert (bali.agency, bali.expected, bali.present_offline, bali.present_online) == (
        "Pemprov Bali",
        3,
        1,
        2,
    )
    assert bali.attendance_pct == pytest.approx(100.0)
    assert (denpasar.agency, denpasar.partial, denpasar.absent, denpasar.attendance_pct) == (
        "Pemkot Denpasar",
        1,
        1,
        0.0,
    )
    assert [(u.agency, u.unit, u.expected) for u in recap.by_unit] == [
        ("Pemkot Denpasar", "Dinkes", 2),
        ("Pemprov Bali", "Bappeda", 1),
        ("Pemprov Bali", "Diskominfo", 2),
    ]


def test_summarise_puts_unknown_participants_under_an_empty_agency() -> None:
    recap = summarise([evaluate(rules(), facts())], {})
    assert [(g.agency, g.expected, g.absent) for g in recap.by_agency] == [("", 1, 1)]
    assert recap.overall.attendance_pct == 0.0
    assert summarise([], {}).overall.attendance_pct == 0.0


# --- properties -----------------------------------------------------------------------------------

checkins_st = st.builds(checkin, st.integers(min_value=-300, max_value=600))
sessions_st = st.builds(
    lambda start, length, key, name: OnlineSessionFact(
        START + timedelta(seconds=start), START + timedelta(seconds=start + length), key, name
    ),
    st.integers(min_value=-200 * 60, max_value=560 * 60),
    st.integers(min_value=0, max_value=400 * 60),
    st.sampled_from(["c1", "c2", "c3"]),
    st.sampled_from(["Made Sudarma", "iPhone", "Ketut"]),
)
submissions_st = st.builds(
    submission,
    st.integers(min_value=0, max_value=2),
    st.integers(min_value=0, max_value=480),
    st.sampled_from(["youtube", "form"]),
)
rules_st = st.builds(
    rules,
    online_min_minutes=st.sampled_from([None, 0, 30, 120, 400]),
    min_checkpoints=st.sampled_from([None, 0, 1, 2, 3, 4]),
    checkin_grace_before_minutes=st.sampled_from([0, 120]),
    checkin_grace_after_minutes=st.sampled_from([0, 15]),
)
facts_st = st.builds(
    facts,
    checkins=st.lists(checkins_st, max_size=2).map(tuple),
    sessions=st.lists(sessions_st, max_size=5).map(tuple),
    submissions=st.lists(submissions_st, max_size=4).map(tuple),
)
evidence_st = st.one_of(
    checkins_st.map(lambda c: ("checkins", c)),
    sessions_st.map(lambda s: ("sessions", s)),
    submissions_st.map(lambda s: ("submissions", s)),
)


@given(rules_st, facts_st, evidence_st)
def test_more_evidence_never_lowers_the_status(
    batch_rules: BatchRules, before: ParticipantFacts, extra: tuple[str, Any]
) -> None:
    name, item = extra
    changes: dict[str, Any] = {name: (*getattr(before, name), item)}
    after = replace(before, **changes)
    assert RANK[evaluate(batch_rules, after).status] >= RANK[evaluate(batch_rules, before).status]


@given(rules_st, facts_st)
def test_absent_iff_no_evidence_counts(batch_rules: BatchRules, f: ParticipantFacts) -> None:
    grace_from = batch_rules.starts_at - timedelta(minutes=batch_rules.checkin_grace_before_minutes)
    grace_until = batch_rules.ends_at + timedelta(minutes=batch_rules.checkin_grace_after_minutes)
    evidence = (
        any(grace_from <= c.at <= grace_until for c in f.checkins)
        or any(min(s.end, END) > max(s.start, START) for s in f.sessions)
        or any(s.opens_at <= s.submitted_at <= s.closes_at for s in f.submissions)
    )
    record = evaluate(batch_rules, f)
    assert (record.status == "absent") == (not evidence)
    assert (record.mode is None) == (not evidence)
    assert bool(record.sources) == evidence
    assert (record.first_seen is not None) == evidence
    assert record.online_minutes <= 480


@given(rules_st, st.lists(facts_st, max_size=8))
def test_exactly_one_record_per_participant(batch_rules: BatchRules, bundle: list[ParticipantFacts]) -> None:
    people = [replace(f, participant_id=i) for i, f in enumerate(bundle)]
    records = evaluate_batch(batch_rules, people)
    assert [r.participant_id for r in records] == list(range(len(people)))
    assert records == [evaluate(batch_rules, f) for f in people]
