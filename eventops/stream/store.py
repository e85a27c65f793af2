"""What the YouTube pollers find, stored: chat messages once by id, viewer samples, and the poller's state."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.live import hub as live
from eventops.storage.chunks import row_chunks
from eventops.storage.db import upsert
from eventops.storage.models import (
    Batch,
    ChatMessage,
    Checkpoint,
    CheckpointSubmission,
    Event,
    StreamState,
    ViewerSample,
)
from eventops.storage.text import clean_fields
from eventops.stream import checkpoints
from integrations.youtube import ChatMessage as YouTubeMessage
from integrations.youtube.models import MESSAGE_DELETED, TEXT_MESSAGE

CHAT = ChatMessage.__table__  # type: ignore[attr-defined]
STATE = StreamState.__table__  # type: ignore[attr-defined]
SAMPLES = ViewerSample.__table__  # type: ignore[attr-defined]
# The daily quota resets at midnight Pacific time (fact sheet §2), so "today" for spending is a Pacific day.
QUOTA_ZONE = ZoneInfo("America/Los_Angeles")


def quota_day(at: datetime) -> datetime:
    """Midnight Pacific time of the quota day that `at` falls in, as an aware datetime."""
    local = at.astimezone(QUOTA_ZONE)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


async def load_state(session: AsyncSession, batch_id: int) -> StreamState | None:
    """The stored poller state of a batch, if any."""
    return (await session.exec(select(StreamState).where(StreamState.batch_id == batch_id))).first()


async def save_state(
    session: AsyncSession,
    batch_id: int,
    now: datetime,
    *,
    quota_delta: int = 0,
    quota_spent: int | None = None,
    **values: Any,
) -> str | None:
    """Create or update a batch's state; units spent are added (`quota_delta`) so that two pollers of one
    batch never overwrite each other's count, or set (`quota_spent`) when a new quota day starts. Returns
    the stored stop reason, which another process may have set."""
    conn = await session.connection()
    spent = quota_spent if quota_spent is not None else STATE.c.quota_spent + quota_delta
    insert = upsert(conn.dialect.name, STATE).values(
        batch_id=batch_id, updated_at=now, quota_spent=quota_spent or quota_delta, **values
    )
    statement = insert.on_conflict_do_update(
        index_elements=["batch_id"], set_={**values, "updated_at": now, "quota_spent": spent}
    ).returning(STATE.c.stop_reason)
    reason: str | None = (await conn.execute(statement)).scalar_one()
    if "running" in values or "stop_reason" in values:
        change: dict[str, Any] = {k: values[k] for k in ("running", "stop_reason", "detail") if k in values}
        await live.notify(session, batch_id, "youtube_state", change)
    return reason


async def spent_today(session: AsyncSession, batch_id: int, now: datetime) -> int:
    """Units this batch's stream spent in the current quota day (0 when the last spending was before it)."""
    state = await load_state(session, batch_id)
    if state is None or quota_day(state.updated_at) != quota_day(now):
        return 0
    return state.quota_spent


@dataclass(frozen=True)
class PollerState:
    """A batch's YouTube poller as the metrics show it."""

    event: str
    batch: str
    running: bool
    stop_reason: str | None
    quota_spent: int  # units spent in the current quota day


async def poller_states(session: AsyncSession, now: datetime) -> list[PollerState]:
    """Every batch whose stream was ever polled: running or why it stopped, and its units spent today."""
    query = (
        select(Event.slug, Batch.code, StreamState)
        .join(Batch, col(Batch.id) == StreamState.batch_id)
        .join(Event, col(Event.id) == Batch.event_id)
        .order_by(col(Event.slug), col(Batch.code))
    )
    return [
        PollerState(
            event=slug,
            batch=code,
            running=state.running,
            stop_reason=state.stop_reason,
            quota_spent=state.quota_spent if quota_day(state.updated_at) == quota_day(now) else 0,
        )
        for slug, code, state in (await session.exec(query)).all()
    ]


async def streams_that_day(session: AsyncSession, batch: Batch) -> int:
    """How many batches with a YouTube stream start in the same quota day as `batch` (they share it)."""
    day = quota_day(batch.starts_at)
    query = select(func.count()).where(
        col(Batch.youtube_video_id).is_not(None),
        col(Batch.starts_at) >= day,
        col(Batch.starts_at) < day + timedelta(days=1),
    )
    return max(1, int((await session.exec(query)).one()))


async def store_viewers(session: AsyncSession, batch_id: int, at: datetime, viewers: int | None) -> None:
    """Store one concurrent-viewer reading (None: YouTube did not say)."""
    conn = await session.connection()
    await conn.execute(SAMPLES.insert().values(batch_id=batch_id, sampled_at=at, viewers=viewers))
    await live.notify(
        session, batch_id, "youtube_viewers", {"viewers": viewers, "sampled_at": at.isoformat()}
    )


@dataclass(frozen=True)
class StoredChat:
    """What storing a page of chat did."""

    new_messages: int
    submissions: int


def _row(batch_id: int, m: YouTubeMessage, now: datetime) -> dict[str, Any]:
    return {
        "batch_id": batch_id,
        "message_id": m.id[:200],
        "author_channel_id": m.author_channel_id[:64],
        "author_name": m.author_display_name[:200],
        "text": m.text or "",  # kept exactly as typed; pages escape it
        "published_at": m.published_at,
        "received_at": now,
        "kind": m.kind[:32],
    }


async def store_chat(
    session: AsyncSession, batch: Batch, messages: Sequence[YouTubeMessage], now: datetime
) -> StoredChat:
    """Store messages not seen before (by id) and credit the NIP + code answers among them."""
    assert batch.id is not None
    messages = [clean_fields(m) for m in messages]  # as typed, but storable: no NULs, no lone surrogates
    conn = await session.connection()
    rows = list({m.id: _row(batch.id, m, now) for m in messages}.values())
    new_ids: set[str] = set()
    for chunk in row_chunks(rows):
        statement = (
            upsert(conn.dialect.name, CHAT)
            .values(list(chunk))
            .on_conflict_do_nothing(index_elements=["message_id"])
            .returning(CHAT.c.message_id)
        )
        new_ids.update((await conn.execute(statement)).scalars())
    fresh = [m for m in messages if m.id in new_ids]
    deleted = [
        {"_mid": m.deleted_message_id, "_at": m.published_at}
        for m in fresh
        if m.kind == MESSAGE_DELETED and m.deleted_message_id
    ]
    if deleted:
        # a deleted answer keeps its credit (fact sheet §1): only the fact is recorded
        statement = (
            update(CHAT)
            .where(CHAT.c.message_id == bindparam("_mid"), CHAT.c.batch_id == batch.id)
            .values(deleted_at=bindparam("_at"))
        )
        await conn.execute(statement, deleted)
    answers = [
        checkpoints.ChatText(m.id, m.text, m.published_at) for m in fresh if m.kind == TEXT_MESSAGE and m.text
    ]
    credit = await checkpoints.record_chat_answers(session, batch, answers)
    if new_ids:
        change = {"new_messages": len(new_ids), "submissions": credit.submissions}
        await live.notify(session, batch.id, "youtube_chat", change)
    return StoredChat(len(new_ids), credit.submissions)


@dataclass(frozen=True)
class StreamFigures:
    """What the dashboard shows besides the state: the latest reading and running totals."""

    viewers: int | None
    sampled_at: datetime | None
    messages: int
    submissions: int
    recent: list[ChatMessage]


async def stream_figures(session: AsyncSession, batch_id: int, recent: int = 10) -> StreamFigures:
    """The latest viewer reading, message and chat-submission counts, and the newest messages."""
    sample = (
        await session.exec(
            select(ViewerSample)
            .where(ViewerSample.batch_id == batch_id)
            .order_by(col(ViewerSample.sampled_at).desc(), col(ViewerSample.id).desc())
            .limit(1)
        )
    ).first()
    messages = (await session.exec(select(func.count()).where(ChatMessage.batch_id == batch_id))).one()
    submissions = (
        await session.exec(
            select(func.count())
            .select_from(CheckpointSubmission)
            .join(Checkpoint, col(Checkpoint.id) == CheckpointSubmission.checkpoint_id)
            .where(Checkpoint.batch_id == batch_id, CheckpointSubmission.channel == checkpoints.YOUTUBE)
        )
    ).one()
    newest = await session.exec(
        select(ChatMessage)
        .where(ChatMessage.batch_id == batch_id, ChatMessage.kind == TEXT_MESSAGE)
        .order_by(col(ChatMessage.published_at).desc(), col(ChatMessage.id).desc())
        .limit(recent)
    )
    return StreamFigures(
        viewers=sample.viewers if sample else None,
        sampled_at=sample.sampled_at if sample else None,
        messages=int(messages),
        submissions=int(submissions),
        recent=list(newest.all()),
    )
