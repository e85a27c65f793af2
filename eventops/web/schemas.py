"""The JSON API's answers as pydantic models, for the OpenAPI document.

The handlers build their answers as dicts; these models say what those dicts hold, and tests validate real
answers against the document's schemas, so a field added, dropped or retyped on one side fails until the other
follows. Times are ISO 8601 with the event's offset.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from eventops.attendance.rules import Flag, Mode, Source, Status
from eventops.door.answers import ScanResult
from eventops.errors import ErrorCode
from eventops.identity.states import ReviewState


class Answer(BaseModel):
    """Base: an answer has exactly these fields (the document says `additionalProperties: false`)."""

    model_config = ConfigDict(extra="forbid")


class Error(Answer):
    """Every error: a stable machine code, a message for people; 422s list each problem in `errors`."""

    error: ErrorCode
    message: str
    errors: list[dict[str, Any]] | None = Field(
        default=None,
        description="422: `{field, message}` per invalid field; a roster: `{row, column, message}`",
    )


class Health(Answer):
    """GET /healthz."""

    status: Literal["ok", "unavailable", "schema_outdated"]


class Event(Answer):
    """An event."""

    slug: str
    name: str
    timezone: str = Field(
        description="an IANA zone: Asia/Jakarta (WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT)"
    )
    created_at: datetime


class Rules(Answer):
    """A batch's attendance rules."""

    online_min_minutes: int | None
    min_checkpoints: int | None
    checkin_grace_before_minutes: int | None
    checkin_grace_after_minutes: int | None


class Batch(Answer):
    """A batch (a session of an event), times in the event's zone."""

    event: str
    code: str
    name: str
    starts_at: datetime
    ends_at: datetime
    venue: str
    zoom_meeting_id: str | None
    zoom_kind: Literal["meeting", "webinar"]
    youtube_video_id: str | None
    rules: Rules
    finalized_at: datetime | None


class EventList(Answer):
    """Every event."""

    events: list[Event]


class EventWithBatches(Event):
    """One event with its batches."""

    batches: list[Batch]


class BatchList(Answer):
    """An event's batches."""

    batches: list[Batch]


class Participant(Answer):
    """A participant: NIP, email and phone in full to organisers only (the NIP masked for the others)."""

    id: int
    nip: str | None
    name: str
    agency: str
    unit: str
    batch: str
    mode: str
    walk_in: bool
    checked_in_at: datetime | None
    email: str | None = Field(default=None, description="organisers only")
    phone: str | None = Field(default=None, description="organisers only")


class ParticipantList(Answer):
    """A page of participants."""

    participants: list[Participant]


class PassUrl(Answer):
    """The new pass's address."""

    pass_url: str


class ScanParticipant(Answer):
    """The participant as door staff see them (NIP masked)."""

    name: str
    agency: str
    unit: str
    batch: str
    nip_masked: str | None
    mode: str


class ExpectedBatch(Answer):
    """The batch a wrong-batch participant is registered for."""

    code: str
    name: str
    starts_at: datetime


class ScanReply(Answer):
    """The answer to a scan, a manual check-in or a walk-in; a retried scan_id gets the first answer again."""

    result: ScanResult
    participant: ScanParticipant | None
    checked_in_at: datetime | None
    station: str | None
    expected_batch: ExpectedBatch | None
    message: str = Field(description="one line for the door, Indonesian first: `<Indonesian> · <English>`")
    pass_url: str | None = Field(default=None, description="walk-ins only: their new pass")


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
    """A roster participant the name may belong to."""

    score: float


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


class ReviewByPerson(Answer):
    """A page of the review queue by suggested person."""

    event: str
    batch: str
    total: int
    items_total: int
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
