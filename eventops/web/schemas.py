"""The JSON API's answers as pydantic models, for the OpenAPI document.

The handlers build their answers as dicts; these models say what those dicts hold, and tests validate real
answers against the document's schemas, so a field added, dropped or retyped on one side fails until the other
follows. Times are ISO 8601 with the event's offset.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from eventops.door.answers import ScanResult
from eventops.errors import ErrorCode


class Answer(BaseModel):
    """Base: an answer has exactly these fields (the document says `additionalProperties: false`)."""

    model_config = ConfigDict(extra="forbid")


class Error(Answer):
    """Every error: a stable machine code, a message for people in the request's language, the service's own
    (English) detail; 422s list each problem in `errors`."""

    error: ErrorCode
    message: str = Field(
        description="the code's sentence in the user's language, else Accept-Language's (id or en)"
    )
    detail: str = Field(description="the service's own account of this case, in English")
    errors: list[dict[str, Any]] | None = Field(
        default=None,
        description="422: `{field, message}` per invalid field; a roster:"
        " `{row, column, code, message, detail}` per problem",
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


class CheckinStats(Answer):
    """A batch's door counter."""

    checked_in: int
    expected: int
    expected_offline: int
    walk_ins: int


class RecentScan(Answer):
    """One stored scan."""

    scan_id: str
    result: ScanResult
    method: str
    name: str | None
    station: str
    scanned_at: datetime
    received_at: datetime


class RecentScans(Answer):
    """A batch's latest scans, newest first."""

    scans: list[RecentScan]


class WalkIn(Answer):
    """A walk-in with their personal data (organisers)."""

    participant_id: int
    nip: str | None
    name: str
    agency: str
    unit: str
    email: str | None
    phone: str | None
    batch: str
    registered_at: datetime
    checked_in_at: datetime | None
    station: str | None
    registered_by: str | None
    pass_url: str | None


class WalkInList(Answer):
    """An event's walk-ins."""

    walk_ins: list[WalkIn]


class RosterImport(Answer):
    """What a roster import stored (or, with dry_run, would store)."""

    created: int
    updated: int
    unchanged: int
    dry_run: bool
    warnings: list[dict[str, Any]] = Field(
        description="`{row, column, code, message, detail}` per row kept, warned: `message` in the request's"
        " language, `detail` the service's"
    )


class ZoomOnline(Answer):
    """A batch's Zoom sessions open now, matched to the roster and not, and in all."""

    online_now: int
    matched: int
    unmatched: int
    participants_online: int
    sessions_total: int


class OnlinePerson(Answer):
    """A participant with their Zoom presence (NIP masked)."""

    id: int
    name: str
    nip: str | None
    agency: str
    mode: str
    online_now: bool
    minutes: int
    connections: int


class OnlinePage(Answer):
    """A page of the batch's participants by Zoom presence, and how many match the filter."""

    total: int
    participants: list[OnlinePerson]


class QueuedAgain(Answer):
    """A quarantined delivery back in the worker's queue."""

    id: int
    status: Literal["queued"]
