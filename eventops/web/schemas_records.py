"""The JSON API's answers about attendance records, the review queue and checkpoints (see web/schemas.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import ConfigDict, Field

from eventops.attendance.rules import Flag, Mode, Source, Status
from eventops.errors import ErrorCode
from eventops.identity.states import ReviewState
from eventops.web.schemas import Answer

Phase = Literal["before", "during", "after"]


class Override(Answer):
    """Who overrode a record, when and why."""

    by: str
    at: datetime
    reason: str


class AttendanceRecord(Answer):
    """One participant's attendance record in a batch (full NIP: organisers only)."""

    nip: str | None
    name: str
    agency: str
    unit: str
    batch: str
    walk_in: bool
    status: Status
    mode: Mode | None
    checked_in_at: datetime | None
    online_minutes: int
    checkpoints: int
    first_seen: datetime | None
    last_seen: datetime | None
    sources: list[Source]
    flags: list[Flag]
    computed_status: Status
    computed_mode: Mode | None
    override: Override | None


class BatchState(Answer):
    """Whether a batch is frozen (finalized)."""

    event: str
    batch: str
    frozen: bool
    finalized_at: datetime | None


class Attendance(BatchState):
    """A batch's records: frozen once finalized, else computed now."""

    count: int
    records: list[AttendanceRecord]


class Finalized(BatchState):
    """What finalizing froze."""

    count: int
    by_status: dict[str, int]


class OverrideReply(Answer):
    """The override's id and the record it changed."""

    id: int
    record: AttendanceRecord


class ReviewPerson(Answer):
    """A participant as moderators see it: the NIP masked, an opaque reference to send back."""

    participant_ref: int
    participant_nip_masked: str | None
    name: str
    agency: str


class Suggestion(ReviewPerson):
    """A roster participant the name may belong to, with the evidence that separates namesakes."""

    score: float
    unit: str | None = None
    mode: str | None = Field(default=None, description="where the roster expects them: online, or offline")
    checked_in: bool | None = Field(default=None, description="already checked in at the venue's door")
    zoom_connections: int | None = Field(default=None, description="other Zoom connections already theirs")
    zoom_strong: bool | None = Field(default=None, description="one of them by email, NIP, phone, registrant")


class ReviewItem(Answer):
    """Unmatched Zoom connections under one display name."""

    id: int
    display_name: str
    email: str | None
    connections: int
    first_joined: datetime
    minutes: int
    reason: str | None
    suggestions: list[Suggestion]
    one_candidate: int | None = Field(description="the participant_ref accepting in bulk would pick")
    matched_ref: int | None = Field(
        default=None, description="matched by presence: to whom (deciding again changes it), else null"
    )


class ReviewQueue(Answer):
    """A page of the review queue."""

    event: str
    batch: str
    total: int
    items: list[ReviewItem]


class ReviewGroup(Answer):
    """The items whose first suggestion is one person (or, without one, that share a reason)."""

    person: ReviewPerson | None
    reason: str | None
    minutes: int
    items: list[ReviewItem]


class BulkCounts(Answer):
    """What the bulk bar offers for the whole queue: items with one compatible candidate, and the items
    dismissable at once by reason (device_name, no_name, too_little, homonym, low_score)."""

    one_candidate: int
    dismissable: dict[str, int]


class ReviewByPerson(Answer):
    """A page of the review queue by suggested person (`?presence=1`: the names matched by presence)."""

    event: str
    batch: str
    total: int
    items_total: int
    bulk: BulkCounts
    presence: int = Field(description="names matched by presence (EVENTOPS_MATCH_BY_PRESENCE=1)")
    groups: list[ReviewGroup]


class Decision(Answer):
    """What a decision did."""

    id: int
    display_name: str
    state: ReviewState
    connections: int
    participant: ReviewPerson | None
    alias: str | None


class Skipped(Answer):
    """An item a bulk request left, with the error code deciding it alone would have answered."""

    id: int
    error: ErrorCode


class BulkDecision(Answer):
    """What a bulk request decided and skipped."""

    decided: list[Decision]
    skipped: list[Skipped]


class Checkpoint(Answer):
    """A checkpoint code of a batch and its answers so far."""

    code: str
    opens_at: datetime
    closes_at: datetime
    created_by: str
    submissions: int


class CheckpointList(Answer):
    """A batch's checkpoints."""

    checkpoints: list[Checkpoint]


class Counts(Answer):
    """Expected and present per attendance kind, for the batch or one agency (or unit)."""

    expected: int
    present_offline: int
    present_online: int
    partial: int
    absent: int
    attendance_pct: float


class GroupCounts(Counts):
    """The counts of one agency, or of one unit of an agency."""

    agency: str
    unit: str | None = None


class Summary(BatchState):
    """Counts only, no personal data; before the batch's end `absent` means not here yet."""

    phase: Phase
    total: int
    overall: Counts
    by_status: dict[str, int]
    by_mode: dict[str, int]
    by_agency: list[GroupCounts]
    by_unit: list[GroupCounts]


class PersonStatus(Answer):
    """A person of the batch with the status of every channel (NIP masked)."""

    name: str
    nip: str | None
    agency: str
    unit: str
    status: Status
    mode: Mode | None
    sources: list[Source]
    checked_in_at: datetime | None
    online_minutes: int
    checkpoints: int


class People(BatchState):
    """A page of the batch's people."""

    phase: Phase
    total: int
    people: list[PersonStatus]


class MatchRun(Answer):
    """What one matching run did: connections and distinct names examined, matches by method, the rest by
    reason."""

    event: str
    batch: str
    connections: int
    groups: int
    matched: int
    methods: dict[str, int]
    reasons: dict[str, int]


class TimelinePoint(Answer):
    """One moment of the chart: check-ins so far, Zoom connections open, YouTube viewers (null: no sample)."""

    t: datetime
    venue: int
    zoom: int
    youtube: int | None


class Timeline(Answer):
    """GET …/timeline: the window (`from`, `until`), the step in seconds, whether it ends now, the points."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    start: datetime = Field(alias="from")
    until: datetime
    step: int
    live: bool
    points: list[TimelinePoint]


class ImportProgress(Answer):
    """GET /events/{event}/roster/import/{upload_id}: how far a roster import has got."""

    phase: Literal["checking", "storing", "done", "failed"]
    done: int
    total: int
