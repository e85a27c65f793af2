"""What moderators decide on a review queue item: a participant, or a dismissal.

A decision resolves every open connection of that display name in the batch (pending, or matched among
namesakes by presence alone), is remembered as an alias of the event (so the next connection under that name
matches by itself), and is audited. Of two moderators deciding at once, one wins.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.errors import Conflict, ErrorCode, Invalid, NotFound
from eventops.identity.review import ALIASES, SESSIONS
from eventops.identity.states import ReviewState
from eventops.identity.verdicts import alias_key
from eventops.live import hub as live
from eventops.roster.nip import normalise_nip
from eventops.storage.db import upsert
from eventops.storage.models import AuditEntry, Batch, Event, Participant
from eventops.timeutil import utcnow

_C = SESSIONS.c
# What a moderator may still decide: a pending connection, or one matched among namesakes by presence alone.
OPEN = sa.or_(
    _C.review_state == ReviewState.PENDING,
    sa.and_(_C.review_state == ReviewState.MATCHED, _C.match_method == "presence"),
)


@dataclass(frozen=True)
class Decision:
    """What a decision did: the group, its new state, the connections it resolved, the alias it left."""

    id: int
    display_name: str
    state: ReviewState
    connections: int
    participant: Participant | None
    alias: str | None


async def _target(
    session: AsyncSession, event: Event, batch: Batch, nip: str | None, ref: int | None
) -> Participant:
    """The participant a moderator named, by full NIP or by reference; on this batch's roster."""
    if nip is not None:
        query = select(Participant).where(
            Participant.event_id == event.id, Participant.nip == normalise_nip(nip)
        )
    else:
        query = select(Participant).where(Participant.event_id == event.id, Participant.id == ref)
    person = (await session.exec(query)).first()
    if person is None:
        raise NotFound(
            "peserta tidak ditemukan di acara ini · no such participant in this event",
            code=ErrorCode.PARTICIPANT_NOT_FOUND,
        )
    if person.batch_id != batch.id:
        assigned = (await session.exec(select(Batch.code).where(Batch.id == person.batch_id))).first()
        raise Invalid(
            f"peserta ini terdaftar di kelompok {assigned}, bukan {batch.code} · this participant is on the "
            f"roster of batch {assigned}, not {batch.code}",
            code=ErrorCode.WRONG_BATCH,
            details=[{"field": "participant", "message": f"assigned to batch {assigned}"}],
        )
    return person


async def decide(
    session: AsyncSession,
    event: Event,
    batch: Batch,
    item_id: int,
    actor: str,
    *,
    nip: str | None = None,
    participant_ref: int | None = None,
    dismiss: bool = False,
) -> Decision:
    """Resolve (to a participant named by NIP or reference) or dismiss a queue item and every pending
    connection with its display name; remembered as an alias, audited. NotFound, Invalid (wrong_batch),
    Conflict (already decided)."""
    assert batch.id is not None
    await pending_item(session, batch, item_id)  # an unknown or decided item first, then the person
    person = None if dismiss else await _target(session, event, batch, nip, participant_ref)
    try:
        decision = await apply_decision(session, event, batch, item_id, person, actor)
    except Conflict:
        await session.rollback()
        raise
    await live.notify(session, batch.id, "review", {"decided": decision.connections})
    await session.commit()
    return decision


async def pending_item(session: AsyncSession, batch: Batch, item_id: int) -> str:
    """The display name of a pending queue item of the batch. NotFound, Conflict (already decided)."""
    c = SESSIONS.c
    query = sa.select(c.display_name, c.review_state, OPEN.label("open")).where(
        c.id == item_id, c.batch_id == batch.id
    )
    found = (await (await session.connection()).execute(query)).first()
    if found is None:
        raise NotFound(
            f"no connection {item_id} in batch {batch.code!r}", code=ErrorCode.REVIEW_ITEM_NOT_FOUND
        )
    display_name, state, is_open = found
    if not is_open:
        raise Conflict(f"connection {item_id} is {state} already", code=ErrorCode.ALREADY_DECIDED)
    return str(display_name)


async def apply_decision(
    session: AsyncSession, event: Event, batch: Batch, item_id: int, person: Participant | None, actor: str
) -> Decision:
    """Resolve a queue item and every pending connection of its display name to `person` (None: dismiss),
    remember the alias and add the audit entry, uncommitted. NotFound, Conflict (already decided)."""
    assert event.id is not None and batch.id is not None
    c = SESSIONS.c
    conn = await session.connection()
    display_name = await pending_item(session, batch, item_id)
    values: dict[str, Any] = (
        {
            "review_state": ReviewState.DISMISSED,
            "match_method": None,
            "match_score": None,
            "participant_id": None,
        }
        if person is None
        else {
            "review_state": ReviewState.RESOLVED,
            "match_method": "alias",
            "match_score": 1.0,
            "participant_id": person.id,
        }
    )
    values["updated_at"] = utcnow()
    # The guarded update of the item itself is the claim: of two moderators deciding at once, one wins.
    claimed = await conn.execute(sa.update(SESSIONS).where(c.id == item_id, OPEN).values(**values))
    if claimed.rowcount == 0:
        raise Conflict(f"connection {item_id} was decided meanwhile", code=ErrorCode.ALREADY_DECIDED)
    others = await conn.execute(
        sa.update(SESSIONS)
        .where(c.batch_id == batch.id, c.display_name == display_name, OPEN)
        .values(**values)
    )
    key = alias_key(display_name) if person is not None else ""
    if person is not None and key:
        await _remember(session, event.id, key, person.id, actor)  # type: ignore[arg-type]
    decision = Decision(
        item_id, display_name, values["review_state"], 1 + others.rowcount, person, key or None
    )
    session.add(_audit(decision, event.id, batch.id, actor))
    return decision


async def _remember(session: AsyncSession, event_id: int, key: str, participant_id: int, actor: str) -> None:
    """Upsert the event's alias: a later decision on the same name replaces an earlier one."""
    conn = await session.connection()
    stmt = upsert(conn.dialect.name, ALIASES).values(
        event_id=event_id, key=key, participant_id=participant_id, created_by=actor[:100], created_at=utcnow()
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["event_id", "key"],
        set_={
            "participant_id": stmt.excluded.participant_id,
            "created_by": stmt.excluded.created_by,
            "created_at": stmt.excluded.created_at,
        },
    )
    await conn.execute(stmt)


def _audit(decision: Decision, event_id: int, batch_id: int, actor: str) -> AuditEntry:
    details = {
        "display_name": decision.display_name,
        "connections": decision.connections,
        "participant_id": decision.participant.id if decision.participant else None,
        "alias": decision.alias,
    }
    return AuditEntry(
        actor=actor[:100],
        action=f"review.{'dismiss' if decision.participant is None else 'resolve'}",
        event_id=event_id,
        batch_id=batch_id,
        subject=f"online_session:{decision.id}",
        details=json.dumps(details, ensure_ascii=False),
    )
