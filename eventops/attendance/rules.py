"""Attendance rule evaluation: one participant's facts in one batch become one attendance record.

Pure code over plain frozen dataclasses; the attendance service feeds it from the database. The rules are
`DESIGN.md` "Attendance rules", made precise here:

- Only evidence that counts is reported: a check-in inside the grace window, Zoom time inside the batch
  window, submissions inside their checkpoint's window. `checked_in_at`, `online_minutes`, `checkpoints`,
  `first_seen`, `last_seen` and `sources` describe that evidence: a record is absent iff `sources` is empty.
- All bounds are inclusive: a check-in exactly `checkin_grace_before_minutes` before the start counts, and so
  does a submission at exactly `opens_at` or `closes_at`.
- Each channel yields a status (venue: present or nothing; Zoom and checkpoints: present, partial or nothing).
  The record takes the best status of any channel, so a present always beats a partial whatever the channel
  (a Zoom partial plus all checkpoints is present, mode `youtube`). Among channels that reach that status,
  precedence picks the mode: `offline`, then `zoom`, then the checkpoint channel.
- The checkpoint channel is the one (`youtube` or `form`) that supplied more of the counted checkpoints; a tie
  goes to `youtube`, the stream being the primary channel and the form its fallback.
- Flags are for review, never verdicts. `wrong_batch`: a check-in (here or elsewhere) at a batch other than
  the assigned one, or counted evidence in this batch while assigned to another (needs `BatchRules.batch_id`).
  `venue_and_online`: venue presence has no check-out, so it runs from the counted check-in (or the start, if
  later) to the batch end; the flag is set when Zoom time inside the window overlaps it by a positive length.
  `shared_identity`: two sessions from different connections whose display names differ (ignoring case and
  spacing) overlap by a positive length, at any time. `manual`: an override replaced status and mode; the
  evidence fields stay as computed, and `computed_status`/`computed_mode` keep what the evidence said.
- A zero threshold (`online_min_minutes=0`, `min_checkpoints=0`) still needs some evidence on that channel.
  `min_checkpoints` above the number of checkpoints held means nobody is present through checkpoints.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, get_args

from eventops.intervals import Interval, clip, overlaps, total_duration, union

Status = Literal["present", "partial", "absent"]
Mode = Literal["offline", "zoom", "youtube", "form"]
Source = Mode
CheckpointChannel = Literal["youtube", "form"]
Flag = Literal["wrong_batch", "venue_and_online", "shared_identity", "manual"]
ParticipantId = int | str
BatchId = int | str

# The values of each type, in the order above: what an override may set, what a recap counts.
STATUSES: tuple[Status, ...] = get_args(Status)
MODES: tuple[Mode, ...] = get_args(Mode)
SOURCES: tuple[Source, ...] = MODES
FLAGS: tuple[Flag, ...] = ("wrong_batch", "venue_and_online", "shared_identity", "manual")

_BY_RANK: tuple[Status, ...] = ("absent", "partial", "present")
_CP_CHANNELS: tuple[CheckpointChannel, ...] = ("youtube", "form")
_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class BatchRules:
    """A batch's window and attendance rules; `None` thresholds take the design's defaults."""

    starts_at: datetime
    ends_at: datetime
    online_min_minutes: int | None = None  # None: 75 % of the window, rounded up to a whole minute
    min_checkpoints: int | None = None  # None: all of the batch's checkpoints
    checkin_grace_before_minutes: int = 120
    checkin_grace_after_minutes: int = 0
    batch_id: BatchId | None = None  # the batch these rules belong to; copied into each record

    def __post_init__(self) -> None:
        if self.ends_at <= self.starts_at:
            raise ValueError("a batch must end after it starts")
        for name in ("online_min_minutes", "min_checkpoints"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"{name} must not be negative")
        if self.checkin_grace_before_minutes < 0 or self.checkin_grace_after_minutes < 0:
            raise ValueError("check-in grace must not be negative")

    @property
    def window(self) -> Interval:
        """The batch window `[starts_at, ends_at]`."""
        return Interval(self.starts_at, self.ends_at)

    @property
    def required_online_minutes(self) -> int:
        """The Zoom threshold in minutes: the rule's value, or 75 % of the window rounded up."""
        if self.online_min_minutes is not None:
            return self.online_min_minutes
        micros = (self.ends_at - self.starts_at) // timedelta(microseconds=1)
        return -(-3 * micros // (4 * 60_000_000))

    def required_checkpoints(self, checkpoint_count: int) -> int:
        """The checkpoint threshold: the rule's value, or every checkpoint the batch has."""
        return checkpoint_count if self.min_checkpoints is None else self.min_checkpoints


@dataclass(frozen=True, slots=True)
class CheckinFact:
    """An accepted venue check-in."""

    at: datetime
    batch_id: BatchId
    station: str = ""


@dataclass(frozen=True, slots=True)
class OnlineSessionFact:
    """One join-leave interval of one Zoom connection matched to the participant.

    A session still open has no leave yet: the caller passes `end` = now (live) or the batch end (finalize),
    for instance through `eventops.intervals.session_interval`.
    """

    start: datetime
    end: datetime
    connection_key: str
    display_name: str
    source: Literal["zoom"] = "zoom"

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"session {self.connection_key!r} leaves before it joins")


@dataclass(frozen=True, slots=True)
class CheckpointFact:
    """One submission of a checkpoint code, with the checkpoint's own window."""

    checkpoint_id: int | str
    submitted_at: datetime
    opens_at: datetime
    closes_at: datetime
    channel: CheckpointChannel

    @property
    def valid(self) -> bool:
        """True if the submission lies inside its checkpoint's window (both ends included)."""
        return self.opens_at <= self.submitted_at <= self.closes_at


@dataclass(frozen=True, slots=True)
class Override:
    """An organiser's decision replacing the computed status and mode, with who, when and why."""

    status: Status
    mode: Mode | None
    by: str
    at: datetime
    reason: str

    def __post_init__(self) -> None:
        if (self.status == "absent") != (self.mode is None):
            raise ValueError("an override has a mode exactly when its status is not absent")


@dataclass(frozen=True, slots=True)
class ParticipantFacts:
    """Everything known about one participant for one batch."""

    participant_id: ParticipantId
    assigned_batch_id: BatchId | None  # None: not on the roster (a walk-in)
    checkins: tuple[CheckinFact, ...] = ()  # check-ins at this batch
    other_checkins: tuple[CheckinFact, ...] = ()  # check-ins (or wrong-batch scans) at other batches
    sessions: tuple[OnlineSessionFact, ...] = ()
    submissions: tuple[CheckpointFact, ...] = ()
    checkpoint_count: int = 0  # how many checkpoints the batch has
    override: Override | None = None


@dataclass(frozen=True, slots=True)
class AttendanceRecord:
    """The one attendance record of a participant in a batch (the attendance CSV row, without roster data)."""

    participant_id: ParticipantId
    batch_id: BatchId | None
    status: Status
    mode: Mode | None
    checked_in_at: datetime | None
    online_minutes: int
    checkpoints: int
    first_seen: datetime | None
    last_seen: datetime | None
    sources: tuple[Source, ...]
    flags: tuple[Flag, ...]
    computed_status: Status  # what the evidence says, before any override
    computed_mode: Mode | None
    override: Override | None = None


@dataclass(frozen=True, slots=True)
class _Plan:
    """Per-batch values computed once for every participant."""

    rules: BatchRules
    window: Interval
    checkin_from: datetime
    checkin_until: datetime
    online_min: int


def _plan(rules: BatchRules) -> _Plan:
    """Precompute the batch-level bounds and thresholds."""
    return _Plan(
        rules=rules,
        window=rules.window,
        checkin_from=rules.starts_at - timedelta(minutes=rules.checkin_grace_before_minutes),
        checkin_until=rules.ends_at + timedelta(minutes=rules.checkin_grace_after_minutes),
        online_min=rules.required_online_minutes,
    )


def _name_key(display_name: str) -> str:
    """A display name compared loosely: case and spacing do not make a different name."""
    return " ".join(display_name.casefold().split())


def shared_identity(sessions: Iterable[OnlineSessionFact]) -> bool:
    """True if two connections under different display names were online at once (a positive overlap)."""
    active: list[tuple[datetime, int, str, str]] = []  # heap by end
    for n, s in enumerate(sorted(sessions, key=lambda s: s.start)):
        while active and active[0][0] <= s.start:
            heapq.heappop(active)
        name = _name_key(s.display_name)
        if s.end > s.start and any(k != s.connection_key and m != name for _, _, k, m in active):
            return True
        if s.end > s.start:
            heapq.heappush(active, (s.end, n, s.connection_key, name))
    return False


def _checkpoints(
    plan: _Plan, facts: ParticipantFacts
) -> tuple[int, list[CheckpointChannel], list[datetime], int]:
    """Rank, channels in order of preference, valid submission times and distinct counted checkpoints."""
    by_channel: dict[CheckpointChannel, set[int | str]] = {"youtube": set(), "form": set()}
    times: list[datetime] = []
    for sub in facts.submissions:
        if sub.valid:
            by_channel[sub.channel].add(sub.checkpoint_id)
            times.append(sub.submitted_at)
    count = len(by_channel["youtube"] | by_channel["form"])
    if not count:
        return 0, [], times, 0
    # The channel that supplied more checkpoints first; a tie goes to youtube (sorted() is stable).
    channels = sorted((ch for ch in _CP_CHANNELS if by_channel[ch]), key=lambda ch: -len(by_channel[ch]))
    required = plan.rules.required_checkpoints(facts.checkpoint_count)
    return (2 if count >= required else 1), channels, times, count


def _flags(
    plan: _Plan,
    facts: ParticipantFacts,
    checked_in_at: datetime | None,
    online: list[Interval],
    has_evidence: bool,
) -> list[Flag]:
    """The review flags other than `manual`, in `FLAGS` order."""
    flags: list[Flag] = []
    assigned = facts.assigned_batch_id
    here = plan.rules.batch_id
    if assigned is not None and (
        any(c.batch_id != assigned for c in (*facts.checkins, *facts.other_checkins))
        or (has_evidence and here is not None and here != assigned)
    ):
        flags.append("wrong_batch")
    # Venue presence has no check-out: it runs from the check-in (or the start, if later) to the batch end.
    if checked_in_at is not None and online:
        venue_from = max(checked_in_at, plan.window.start)
        if venue_from < plan.window.end and overlaps([Interval(venue_from, plan.window.end)], online):
            flags.append("venue_and_online")
    if len(facts.sessions) > 1 and shared_identity(facts.sessions):
        flags.append("shared_identity")
    return flags


def _evaluate(plan: _Plan, facts: ParticipantFacts) -> AttendanceRecord:
    """Evaluate one participant against precomputed batch values."""
    counted = [c.at for c in facts.checkins if plan.checkin_from <= c.at <= plan.checkin_until]
    checked_in_at = min(counted) if counted else None
    online = union(clip((Interval(s.start, s.end) for s in facts.sessions), plan.window))
    online_minutes = total_duration(online) // _MINUTE
    cp_rank, cp_channels, cp_times, cp_count = _checkpoints(plan, facts)

    ranked: list[tuple[int, Mode]] = [(2 if counted else 0, "offline")]
    ranked.append(((2 if online_minutes >= plan.online_min else 1) if online else 0, "zoom"))
    if cp_channels:
        ranked.append((cp_rank, cp_channels[0]))
    best = max(rank for rank, _ in ranked)
    status = _BY_RANK[best]
    mode = next(m for rank, m in ranked if rank == best) if best else None

    seen = [*counted, *cp_times]
    if online:
        seen += (online[0].start, online[-1].end)
    sources = tuple(
        m for m in SOURCES if (m == "offline" and counted) or (m == "zoom" and online) or m in cp_channels
    )
    flags = _flags(plan, facts, checked_in_at, online, bool(seen))
    final_status, final_mode = status, mode
    if facts.override is not None:
        final_status, final_mode = facts.override.status, facts.override.mode
        flags.append("manual")
    return AttendanceRecord(
        participant_id=facts.participant_id,
        batch_id=plan.rules.batch_id,
        status=final_status,
        mode=final_mode,
        checked_in_at=checked_in_at,
        online_minutes=online_minutes,
        checkpoints=cp_count,
        first_seen=min(seen) if seen else None,
        last_seen=max(seen) if seen else None,
        sources=sources,
        flags=tuple(flags),
        computed_status=status,
        computed_mode=mode,
        override=facts.override,
    )


def evaluate(rules: BatchRules, facts: ParticipantFacts) -> AttendanceRecord:
    """The attendance record of one participant in the batch governed by `rules`."""
    return _evaluate(_plan(rules), facts)


def evaluate_batch(rules: BatchRules, facts: Iterable[ParticipantFacts]) -> list[AttendanceRecord]:
    """One record per participant, in input order; a participant given twice is a `ValueError`."""
    plan = _plan(rules)
    seen: set[ParticipantId] = set()
    records: list[AttendanceRecord] = []
    for f in facts:
        if f.participant_id in seen:
            raise ValueError(f"participant {f.participant_id!r} given twice")
        seen.add(f.participant_id)
        records.append(_evaluate(plan, f))
    return records
