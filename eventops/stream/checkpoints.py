"""Checkpoints: codes shown on the stream, and submissions of them by the public form or the live chat."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.errors import Conflict, ErrorCode, Invalid
from eventops.live import hub as live
from eventops.roster.nip import mask_nip, parse_nip
from eventops.storage.db import upsert
from eventops.storage.models import Batch, ChatMessage, Checkpoint, CheckpointSubmission, Participant
from eventops.stream.chat_codes import read_answer
from eventops.timeutil import to_utc

CODE_RE = re.compile(r"^[A-Z0-9]{2,32}$")
SUBMISSIONS = CheckpointSubmission.__table__  # type: ignore[attr-defined]
CHAT_TABLE = ChatMessage.__table__  # type: ignore[attr-defined]
CHUNK = 500

# Stable answers of a form submission (the page and the tests branch on these, never on wording).
RECORDED = "recorded"
ALREADY_RECORDED = "already_recorded"
INVALID_NIP = "invalid_nip"
WRONG_CODE = "wrong_code"
NOT_OPEN_YET = "not_open_yet"
CLOSED = "closed"
UNKNOWN_NIP = "unknown_nip"
FORM, YOUTUBE = "form", "youtube"


def normalise_code(raw: str) -> str:
    """A checkpoint code as stored: trimmed, upper case (codes compare case-insensitively)."""
    return raw.strip().upper()


async def create_checkpoint(
    session: AsyncSession, batch: Batch, code: str, opens_at: datetime, closes_at: datetime, created_by: str
) -> Checkpoint:
    """A new checkpoint of `batch`; Invalid for a bad code or window, Conflict when the code is taken."""
    code = normalise_code(code)
    problems = []
    if not CODE_RE.match(code):
        problems.append({"field": "code", "message": "2-32 letters or digits, e.g. 4821"})
    if closes_at <= opens_at:
        problems.append({"field": "closes_at", "message": "the checkpoint must close after it opens"})
    if problems:
        raise Invalid("the checkpoint is not valid", details=problems)
    assert batch.id is not None
    checkpoint = Checkpoint(
        batch_id=batch.id,
        code=code,
        opens_at=to_utc(opens_at),
        closes_at=to_utc(closes_at),
        created_by=created_by[:100],
    )
    session.add(checkpoint)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise Conflict(
            f"checkpoint {code!r} exists already in this batch", code=ErrorCode.CHECKPOINT_EXISTS
        ) from None
    return checkpoint


async def list_checkpoints(session: AsyncSession, batch: Batch) -> list[tuple[Checkpoint, int]]:
    """The batch's checkpoints in time order, each with its number of submissions."""
    counts = (
        select(CheckpointSubmission.checkpoint_id, func.count().label("n"))
        .group_by(col(CheckpointSubmission.checkpoint_id))
        .subquery()
    )
    query = (
        select(Checkpoint, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.checkpoint_id == Checkpoint.id)
        .where(Checkpoint.batch_id == batch.id)
        .order_by(col(Checkpoint.opens_at), col(Checkpoint.code))
    )
    return [(checkpoint, int(n)) for checkpoint, n in (await session.exec(query)).all()]


@dataclass(frozen=True)
class FormAnswer:
    """What the form tells a viewer: a stable result code and what the page may show with it."""

    result: str
    code: str = ""
    name: str = ""
    masked_nip: str = ""
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    recorded_at: datetime | None = None
    channel: str = ""

    @property
    def ok(self) -> bool:
        """True when the viewer's presence is (now or already) recorded."""
        return self.result in (RECORDED, ALREADY_RECORDED)


async def _insert(session: AsyncSession, rows: list[dict[str, Any]]) -> int:
    """Insert submissions, skipping (checkpoint, participant) pairs already stored; the number inserted."""
    conn = await session.connection()
    inserted = 0
    for i in range(0, len(rows), CHUNK):
        statement = (
            upsert(conn.dialect.name, SUBMISSIONS)
            .values(rows[i : i + CHUNK])
            .on_conflict_do_nothing(index_elements=["checkpoint_id", "participant_id"])
            .returning(SUBMISSIONS.c.id)
        )
        inserted += len((await conn.execute(statement)).all())
    return inserted


async def submit_form(
    session: AsyncSession, batch: Batch, nip_text: str, code_text: str, now: datetime
) -> FormAnswer:
    """Record a self-attendance form (NIP + code) at `now`; every outcome is an answer, never an error."""
    parsed = parse_nip(nip_text[:64])
    if parsed.nip is None:
        return FormAnswer(INVALID_NIP)
    code = normalise_code(code_text[:64])
    query = select(Checkpoint).where(Checkpoint.batch_id == batch.id, Checkpoint.code == code)
    checkpoint = (await session.exec(query)).first() if CODE_RE.match(code) else None
    if checkpoint is None:
        return FormAnswer(WRONG_CODE)
    answer = FormAnswer(UNKNOWN_NIP, code=code, opens_at=checkpoint.opens_at, closes_at=checkpoint.closes_at)
    if now < checkpoint.opens_at:
        return replace(answer, result=NOT_OPEN_YET)
    if now > checkpoint.closes_at:
        return replace(answer, result=CLOSED)
    query_person = select(Participant).where(
        Participant.event_id == batch.event_id,
        Participant.batch_id == batch.id,
        Participant.nip == parsed.nip,
    )
    person = (await session.exec(query_person)).first()
    if person is None or person.id is None:
        return answer  # not on this batch's roster; nothing more is said about who is
    assert checkpoint.id is not None
    row = {
        "checkpoint_id": checkpoint.id,
        "participant_id": person.id,
        "channel": FORM,
        "submitted_at": now,
        "source_ref": None,
    }
    answer = replace(answer, name=person.name, masked_nip=mask_nip(parsed.nip))
    if await _insert(session, [row]):
        await live.notify(
            session, checkpoint.batch_id, "checkpoint_submission", {"channel": FORM, "code": code}
        )
        await session.commit()
        return replace(answer, result=RECORDED, recorded_at=now, channel=FORM)
    first_query = select(CheckpointSubmission).where(
        CheckpointSubmission.checkpoint_id == checkpoint.id, CheckpointSubmission.participant_id == person.id
    )
    first = (await session.exec(first_query)).one()
    answer = replace(answer, result=ALREADY_RECORDED, recorded_at=first.submitted_at, channel=first.channel)
    await session.rollback()
    return answer


@dataclass(frozen=True)
class ChatText:
    """A stored chat message to read an answer from."""

    message_id: str
    text: str
    published_at: datetime


@dataclass(frozen=True)
class ChatCredit:
    """What reading a batch of chat messages gave: submissions counted and messages tied to a participant."""

    submissions: int
    matched_messages: int


def _open_at(checkpoints: Sequence[Checkpoint], code: str, at: datetime) -> Checkpoint | None:
    return next((c for c in checkpoints if c.code == code and c.opens_at <= at <= c.closes_at), None)


async def record_chat_answers(
    session: AsyncSession, batch: Batch, messages: Sequence[ChatText]
) -> ChatCredit:
    """Credit NIP + code answers in chat messages (by their publishing time); call inside the caller's
    transaction, which commits."""
    checkpoints = [c for c, _ in await list_checkpoints(session, batch)] if messages else []
    codes = {c.code for c in checkpoints}
    answers = [(m, read_answer(m.text, codes)) for m in messages] if codes else []
    wanted = {nip for _, a in answers if a is not None for nip in a.nips}
    if not wanted:
        return ChatCredit(0, 0)
    query = select(Participant.nip, Participant.id).where(
        Participant.event_id == batch.event_id,
        Participant.batch_id == batch.id,
        col(Participant.nip).in_(sorted(wanted)),
    )
    roster = {nip: pid for nip, pid in (await session.exec(query)).all() if nip and pid is not None}
    rows: dict[tuple[int, int], dict[str, Any]] = {}
    matched: list[dict[str, Any]] = []
    for message, answer in sorted(answers, key=lambda pair: pair[0].published_at):
        pid = next((roster[n] for n in answer.nips if n in roster), None) if answer else None
        if answer is None or pid is None:
            continue
        matched.append({"_mid": message.message_id, "_pid": pid})
        for code in answer.codes:
            checkpoint = _open_at(checkpoints, code, message.published_at)
            if checkpoint is not None and checkpoint.id is not None:
                rows.setdefault(
                    (checkpoint.id, pid),
                    {
                        "checkpoint_id": checkpoint.id,
                        "participant_id": pid,
                        "channel": YOUTUBE,
                        "submitted_at": message.published_at,
                        "source_ref": message.message_id[:200],
                    },
                )
    if matched:
        conn = await session.connection()
        statement = (
            update(CHAT_TABLE)
            .where(CHAT_TABLE.c.message_id == bindparam("_mid"))
            .values(participant_id=bindparam("_pid"))
        )
        await conn.execute(statement, matched)
    return ChatCredit(await _insert(session, list(rows.values())), len(matched))
