"""Database tables (sqlmodel). Every timestamp is a UTC column."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from eventops.db import UTCDateTime
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
