"""Database tables (sqlmodel). Every timestamp is a UTC column."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from eventops.storage.db import UTCDateTime
from eventops.timeutil import utcnow


def _utc(nullable: bool = False) -> Column[datetime]:
    return Column(UTCDateTime(), nullable=nullable)


class Event(SQLModel, table=True):
    """One programme run, e.g. Literasi Digital ASN Provinsi Bali 2023."""

    __tablename__ = "events"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200)
    timezone: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc())


class Batch(SQLModel, table=True):
    """One session (kelompok) of an event, with its window and attendance rules."""

    __tablename__ = "batches"
    __table_args__ = (UniqueConstraint("event_id", "code", name="uq_batches_event_code"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="events.id", index=True)
    code: str = Field(max_length=32)
    name: str = Field(max_length=200)
    starts_at: datetime = Field(sa_column=_utc())
    ends_at: datetime = Field(sa_column=_utc())
    venue: str = Field(default="", max_length=200)
    zoom_meeting_id: str | None = Field(default=None, max_length=64)
    zoom_kind: str = Field(default="meeting", max_length=16)
    youtube_video_id: str | None = Field(default=None, max_length=64)
    online_min_minutes: int | None = None
    min_checkpoints: int | None = None
    checkin_grace_before_minutes: int = 120
    checkin_grace_after_minutes: int = 0
    finalized_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc())


class Participant(SQLModel, table=True):
    """One person on an event's roster, assigned to one batch."""

    __tablename__ = "participants"
    __table_args__ = (
        UniqueConstraint("event_id", "nip", name="uq_participants_event_nip"),
        Index("ix_participants_event_batch", "event_id", "batch_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="events.id")
    batch_id: int = Field(foreign_key="batches.id", index=True)
    nip: str | None = Field(default=None, max_length=18)
    name: str = Field(max_length=200)
    agency: str = Field(default="", max_length=200)
    unit: str = Field(default="", max_length=200)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=32)
    mode: str = Field(default="online", max_length=8)
    walk_in: bool = False
    zoom_registrant_id: str | None = Field(default=None, max_length=64, index=True)
    zoom_join_url: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_utc())


class Pass(SQLModel, table=True):
    """A participant's QR pass; its token is random, never derived from the NIP."""

    __tablename__ = "passes"
    __table_args__ = (
        # At most one live pass per participant; revoked ones stay for the scan log.
        Index(
            "uq_passes_live",
            "participant_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participants.id", index=True)
    token: str = Field(max_length=64, unique=True)
    issued_at: datetime = Field(default_factory=utcnow, sa_column=_utc())
    revoked_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    revoked_reason: str | None = Field(default=None, max_length=200)


class User(SQLModel, table=True):
    """A person who logs in to the web pages: organiser, moderator or staff."""

    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True)
    role: str = Field(max_length=16)
    password_hash: str = Field(max_length=200)
    disabled: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc())
    lang: str | None = Field(default=None, max_length=8)  # the pages' language (id, en); None: the default


class ApiToken(SQLModel, table=True):
    """A bearer token (kind `api`) or a login session (kind `session`); only its hash is stored."""

    __tablename__ = "api_tokens"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    role: str = Field(max_length=16)
    kind: str = Field(default="api", max_length=16)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc())
    expires_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    revoked_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))


# --- venue check-in (issue 4) -------------------------------------------------------------------------------


class Scan(SQLModel, table=True):
    """Every reading of a pass at a station, accepted or not; the client-made `scan_id` makes retries safe."""

    __tablename__ = "scans"
    __table_args__ = (Index("ix_scans_batch_received", "batch_id", "received_at"),)

    id: int | None = Field(default=None, primary_key=True)
    scan_id: str = Field(max_length=64, unique=True)
    event_id: int = Field(foreign_key="events.id")
    batch_id: int = Field(foreign_key="batches.id")
    participant_id: int | None = Field(default=None, foreign_key="participants.id", index=True)
    pass_id: int | None = Field(default=None, foreign_key="passes.id")
    token: str = Field(default="", max_length=100)
    station: str = Field(max_length=64)
    staff: str = Field(max_length=100)
    method: str = Field(default="qr", max_length=16)
    result: str = Field(max_length=16)
    scanned_at: datetime = Field(sa_column=_utc())
    received_at: datetime = Field(default_factory=utcnow, sa_column=_utc())


class CheckIn(SQLModel, table=True):
    """An accepted scan: at most one per participant per batch, enforced by the database."""

    __tablename__ = "checkins"
    __table_args__ = (UniqueConstraint("batch_id", "participant_id", name="uq_checkins_batch_participant"),)

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="batches.id")
    participant_id: int = Field(foreign_key="participants.id", index=True)
    scan_id: int | None = Field(default=None, foreign_key="scans.id")
    checked_in_at: datetime = Field(sa_column=_utc())
    station: str = Field(max_length=64)
    staff: str = Field(max_length=100)
    method: str = Field(default="qr", max_length=16)


# --- Zoom (issue 5) -----------------------------------------------------------------------------------------


class ZoomEvent(SQLModel, table=True):
    """A webhook delivery, stored raw before it is processed; `dedup_key` drops redeliveries."""

    __tablename__ = "zoom_events"
    __table_args__ = (
        # The worker's queue: rows not processed yet (a small set however large the table grows).
        Index(
            "ix_zoom_events_pending",
            "id",
            sqlite_where=text("processed_at IS NULL"),
            postgresql_where=text("processed_at IS NULL"),
        ),
        Index("ix_zoom_events_instance", "meeting_uuid", "event"),
        # Deliveries the worker could not process, kept aside for moderators (a handful at most).
        Index(
            "ix_zoom_events_quarantined",
            "id",
            sqlite_where=text("quarantined_at IS NOT NULL"),
            postgresql_where=text("quarantined_at IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    dedup_key: str = Field(max_length=200, unique=True)
    event: str = Field(max_length=64)
    event_ts: int = Field(sa_type=BigInteger)
    meeting_id: str = Field(default="", max_length=64, index=True)
    meeting_uuid: str | None = Field(default=None, max_length=200)
    connection_key: str | None = Field(default=None, max_length=200, index=True)
    body: str = Field(sa_type=Text)
    received_at: datetime = Field(default_factory=utcnow, sa_column=_utc())
    processed_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    error: str | None = Field(default=None, max_length=500)
    # Set when processing failed: the row waits, with its `error`, for a moderator's retry (zoom.quarantine).
    quarantined_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))


class OnlineSession(SQLModel, table=True):
    """One join-leave interval of one Zoom connection in a batch, from webhooks, the report, or both."""

    __tablename__ = "online_sessions"
    __table_args__ = (
        UniqueConstraint("batch_id", "connection_key", "joined_at", name="uq_online_sessions_connection"),
        Index("ix_online_sessions_batch_participant", "batch_id", "participant_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="batches.id")
    connection_key: str = Field(max_length=200)
    joined_at: datetime = Field(sa_column=_utc())
    left_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    display_name: str = Field(default="", max_length=200)
    email: str | None = Field(default=None, max_length=254)
    registrant_id: str | None = Field(default=None, max_length=64)
    participant_id: int | None = Field(default=None, foreign_key="participants.id")
    match_method: str | None = Field(default=None, max_length=16)
    match_score: float | None = None
    # A value of `identity.states.ReviewState` (spelled out here: storage imports no capability).
    review_state: str = Field(default="pending", max_length=16)
    # The matcher's verdict on a pending connection (issue 6, `eventops.review`): why it is not matched and
    # whom to suggest (JSON `[[participant_id, score], ...]`); NULL until `match_pending` examined it.
    match_reason: str | None = Field(default=None, max_length=32)
    suggestions: str | None = Field(default=None, sa_type=Text)
    seen_by_webhook: bool = False
    seen_in_report: bool = False
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_utc())


# --- YouTube and checkpoints (issue 7) ----------------------------------------------------------------------


class Checkpoint(SQLModel, table=True):
    """A code shown on the stream during a window; viewers submit it with their NIP."""

    __tablename__ = "checkpoints"
    __table_args__ = (UniqueConstraint("batch_id", "code", name="uq_checkpoints_batch_code"),)

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="batches.id", index=True)
    code: str = Field(max_length=32)
    opens_at: datetime = Field(sa_column=_utc())
    closes_at: datetime = Field(sa_column=_utc())
    created_by: str = Field(default="", max_length=100)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc())


class CheckpointSubmission(SQLModel, table=True):
    """A valid code from one participant for one checkpoint, by form or chat; counted once."""

    __tablename__ = "checkpoint_submissions"
    __table_args__ = (
        UniqueConstraint("checkpoint_id", "participant_id", name="uq_submissions_checkpoint_participant"),
    )

    id: int | None = Field(default=None, primary_key=True)
    checkpoint_id: int = Field(foreign_key="checkpoints.id")
    participant_id: int = Field(foreign_key="participants.id", index=True)
    channel: str = Field(max_length=16)
    submitted_at: datetime = Field(sa_column=_utc())
    source_ref: str | None = Field(default=None, max_length=200)


class ChatMessage(SQLModel, table=True):
    """A live-chat message, stored once by its YouTube id; the text is kept as plain text."""

    __tablename__ = "chat_messages"
    __table_args__ = (Index("ix_chat_messages_batch_published", "batch_id", "published_at"),)

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="batches.id")
    message_id: str = Field(max_length=200, unique=True)
    author_channel_id: str = Field(default="", max_length=64)
    author_name: str = Field(default="", max_length=200)
    text: str = Field(default="", sa_type=Text)
    published_at: datetime = Field(sa_column=_utc())
    received_at: datetime = Field(default_factory=utcnow, sa_column=_utc())
    participant_id: int | None = Field(default=None, foreign_key="participants.id")
    # snippet.type; a messageDeletedEvent sets `deleted_at` on the message it names, which keeps its credit
    kind: str = Field(default="textMessageEvent", max_length=32)
    deleted_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))


class ViewerSample(SQLModel, table=True):
    """Concurrent viewers of a batch's stream at one moment."""

    __tablename__ = "viewer_samples"
    __table_args__ = (Index("ix_viewer_samples_batch_sampled", "batch_id", "sampled_at"),)

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="batches.id")
    sampled_at: datetime = Field(sa_column=_utc())
    viewers: int | None = None


class StreamState(SQLModel, table=True):
    """The YouTube poller's state for a batch: where it is in the chat, and why it stopped."""

    __tablename__ = "stream_states"

    batch_id: int = Field(foreign_key="batches.id", primary_key=True)
    live_chat_id: str | None = Field(default=None, max_length=200)
    page_token: str | None = Field(default=None, max_length=500)
    running: bool = False
    stop_reason: str | None = Field(default=None, max_length=32)
    detail: str | None = Field(default=None, max_length=500)
    quota_spent: int = 0
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_utc())


# --- matching and attendance (issue 6) ----------------------------------------------------------------------


class Alias(SQLModel, table=True):
    """A display name a moderator resolved to a participant, remembered across the event's batches."""

    __tablename__ = "aliases"
    __table_args__ = (UniqueConstraint("event_id", "key", name="uq_aliases_event_key"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="events.id")
    key: str = Field(max_length=200)
    participant_id: int = Field(foreign_key="participants.id")
    created_by: str = Field(default="", max_length=100)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc())


class AttendanceRecordRow(SQLModel, table=True):
    """The unified result for one participant in one batch (frozen once the batch is finalized)."""

    __tablename__ = "attendance_records"
    __table_args__ = (UniqueConstraint("batch_id", "participant_id", name="uq_attendance_batch_participant"),)

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="batches.id")
    participant_id: int = Field(foreign_key="participants.id", index=True)
    status: str = Field(max_length=16)
    mode: str | None = Field(default=None, max_length=16)
    checked_in_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    online_minutes: int = 0
    checkpoints: int = 0
    first_seen: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    last_seen: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    sources: str = Field(default="", max_length=100)
    flags: str = Field(default="", max_length=100)
    # What the evidence said before an override (status and mode above are the final word).
    computed_status: str | None = Field(default=None, max_length=16)
    computed_mode: str | None = Field(default=None, max_length=16)
    computed_at: datetime = Field(default_factory=utcnow, sa_column=_utc())


class Override(SQLModel, table=True):
    """An organiser's decision on one record, with who, when and why; the newest one applies."""

    __tablename__ = "overrides"
    __table_args__ = (Index("ix_overrides_batch_participant", "batch_id", "participant_id"),)

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="batches.id")
    participant_id: int = Field(foreign_key="participants.id")
    status: str = Field(max_length=16)
    mode: str | None = Field(default=None, max_length=16)
    reason: str = Field(max_length=500)
    by: str = Field(max_length=100)
    at: datetime = Field(default_factory=utcnow, sa_column=_utc())


class AuditEntry(SQLModel, table=True):
    """Who did what and when: finalize, reopen, overrides, revocations, review decisions."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_column=_utc())
    actor: str = Field(max_length=100)
    action: str = Field(max_length=64)
    event_id: int | None = Field(default=None, foreign_key="events.id", index=True)
    batch_id: int | None = Field(default=None, foreign_key="batches.id")
    subject: str = Field(default="", max_length=200)
    details: str = Field(default="", sa_type=Text)
