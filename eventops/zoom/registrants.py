"""Personal Zoom join links: register a batch's online participants at Zoom and store their links.

A participant who joins through a personal link is matched exactly by registrant id (DESIGN.md). Links are
pushed in chunks, each committed, so a failure midway keeps what succeeded and a rerun pushes only the
participants still without a registrant id. Zoom accepts 4,999 registrants per meeting (fact sheet §3.2):
a push that would pass that is refused before any call. Zoom returns the same registrant for an email it
already knows, so participants sharing an email are skipped: two people must not share one link.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.errors import Conflict, ErrorCode
from eventops.storage.models import Batch, Participant
from eventops.timeutil import utcnow
from integrations.zoom import Kind, NewRegistrant, RegistrationFailure, ZoomClient
from integrations.zoom.client import REGISTRANT_CAP

CHUNK = 100
PARTICIPANTS = Participant.__table__  # type: ignore[attr-defined]
BATCHES = Batch.__table__  # type: ignore[attr-defined]
SHOWN_FAILURES = 50


@dataclass
class RegistrantResult:
    """What a push did: registered now, failed, and skipped (with why)."""

    registered: int = 0
    failed: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    failures: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The API's answer."""
        return {
            "registered": self.registered,
            "failed": self.failed,
            "skipped": sum(self.skipped.values()),
            "skipped_reasons": dict(self.skipped),
            "failures": self.failures[:SHOWN_FAILURES],
        }


def _email(person: Participant) -> str:
    return (person.email or "").strip().lower()


async def _registered_on_meeting(session: AsyncSession, meeting_id: str) -> int:
    """Participants (of any batch on this meeting) who already hold a registrant id."""
    p, b = PARTICIPANTS.c, BATCHES.c
    query = (
        select(func.count())
        .select_from(PARTICIPANTS.join(BATCHES, p.batch_id == b.id))
        .where(b.zoom_meeting_id == meeting_id, p.zoom_registrant_id.is_not(None))
    )
    return int((await (await session.connection()).execute(query)).scalar_one())


def _plan(people: list[Participant], result: RegistrantResult) -> list[Participant]:
    """The online participants to push now; the others are counted as skipped."""
    shared = Counter(_email(p) for p in people if _email(p))
    todo = []
    for person in people:
        if person.zoom_registrant_id:
            result.skipped["already_registered"] += 1
        elif not _email(person):
            result.skipped["no_email"] += 1
        elif shared[_email(person)] > 1:
            result.skipped["shared_email"] += 1
        else:
            todo.append(person)
    return todo


def _failure(person: Participant, failure: RegistrationFailure) -> dict[str, Any]:
    return {
        "nip": person.nip,
        "name": person.name,
        "status": failure.status,
        "code": failure.code,
        "message": failure.message if failure.attempted else f"not tried: {failure.message}",
    }


async def push_registrants(session: AsyncSession, client: ZoomClient, batch: Batch) -> RegistrantResult:
    """Register the batch's online participants without a registrant id; store each id and join link."""
    meeting_id = batch.zoom_meeting_id
    if not meeting_id:
        raise Conflict(f"batch {batch.code} has no Zoom meeting id", code=ErrorCode.NO_ZOOM_MEETING)
    query = select(Participant).where(Participant.batch_id == batch.id, Participant.mode == "online")
    people = list((await session.exec(query.order_by(col(Participant.id)))).all())
    result = RegistrantResult()
    todo = _plan(people, result)
    already = await _registered_on_meeting(session, meeting_id)
    if already + len(todo) > REGISTRANT_CAP:
        raise Conflict(
            f"Zoom menerima paling banyak {REGISTRANT_CAP} pendaftar per rapat · Zoom accepts at most"
            f" {REGISTRANT_CAP} registrants per meeting: {already} are registered and {len(todo)} more were"
            " asked for; nothing was sent",
            code=ErrorCode.REGISTRANT_CAP,
        )
    kind: Kind = "webinar" if batch.zoom_kind == "webinar" else "meeting"
    statement = (
        update(PARTICIPANTS)
        .where(PARTICIPANTS.c.id == bindparam("_id"))
        .values(
            zoom_registrant_id=bindparam("registrant_id"),
            zoom_join_url=bindparam("join_url"),
        )
    )
    for start in range(0, len(todo), CHUNK):
        chunk = todo[start : start + CHUNK]
        by_email = {_email(p): p for p in chunk}
        people_in = [NewRegistrant(email=(p.email or "").strip(), first_name=p.name[:64]) for p in chunk]
        outcome = await client.add_registrants(meeting_id, kind, people_in)
        now = utcnow()
        rows = [
            {
                "_id": by_email[r.email.lower()].id,
                "registrant_id": r.registrant_id,
                "join_url": r.join_url,
            }
            for r in outcome.registered
        ]
        if rows:
            await (await session.connection()).execute(statement.values(updated_at=now), rows)
        await session.commit()
        result.registered += len(rows)
        result.failed += len(outcome.failed)
        result.failures.extend(_failure(by_email[f.person.email.lower()], f) for f in outcome.failed)
        if outcome.failed and (not outcome.registered or any(not f.attempted for f in outcome.failed)):
            # An error that hits everyone (capacity, credentials, daily limit): do not try the rest.
            rest = len(todo) - start - len(chunk)
            result.failed += rest
            if rest:
                result.failures.append({"message": f"{rest} not tried after: {outcome.failed[0].message}"})
            break
    return result
