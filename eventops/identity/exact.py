"""Cheap, exact identity matching of Zoom connections at ingest: registrant id, email, NIP in the name.

Only the first three rules of the cascade (DESIGN.md, identity matching); everything else stays `pending`
for the matching engine and the moderators' review queue. An identity that points at two participants
(a shared office email, say) is not a match: precision first.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.identity.states import ReviewState
from eventops.roster.nip import parse_nip
from eventops.storage.models import Batch, Participant

PARTICIPANTS = Participant.__table__  # type: ignore[attr-defined]
CHUNK = 500
# 18 digits standing alone, optionally grouped by spaces, dots or dashes as people type them.
_NIP_RUN = re.compile(r"(?<![\d])(\d(?:[ .\-]?\d){17})(?![\d])")


@dataclass(frozen=True, slots=True)
class Identity:
    """What a connection says about who it is."""

    batch_id: int
    registrant_id: str = ""
    email: str = ""
    name: str = ""


@dataclass(frozen=True, slots=True)
class Match:
    """A decided match: the participant and the rule that decided it."""

    participant_id: int
    method: str


def nips_in(text: str) -> list[str]:
    """Valid 18-digit NIPs written in a display name (grouped or not)."""
    found = []
    for raw in _NIP_RUN.findall(text):
        result = parse_nip(raw)
        if result.ok and result.nip:
            found.append(result.nip)
    return found


def match_columns(match: Match | None) -> dict[str, Any]:
    """The online_sessions columns a match decides."""
    if match is None:
        return {
            "participant_id": None,
            "match_method": None,
            "match_score": None,
            "review_state": ReviewState.PENDING,
        }
    return {
        "participant_id": match.participant_id,
        "match_method": match.method,
        "match_score": 1.0,
        "review_state": ReviewState.MATCHED,
    }


def _chunks(values: Sequence[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(values), CHUNK):
        yield list(values[start : start + CHUNK])


async def _lookup(session: AsyncSession, query: Any, name: str, values: set[str]) -> list[Any]:
    """Rows of `query` for every chunk of `values` bound to the expanding parameter `name`."""
    conn = await session.connection()
    rows: list[Any] = []
    for chunk in _chunks(sorted(values)):
        rows.extend((await conn.execute(query, {name: chunk})).all())
    return rows


def _unique(found: dict[Any, set[int]], key: Any) -> int | None:
    ids = found.get(key)
    return next(iter(ids)) if ids and len(ids) == 1 else None


async def identify(session: AsyncSession, identities: Sequence[Identity]) -> list[Match | None]:
    """Match each identity to one participant: registrant id and email within the batch's event, then a
    NIP of the batch's roster in the display name; None where no rule decides."""
    if not identities:
        return []
    conn = await session.connection()
    batch_ids = sorted({i.batch_id for i in identities})
    batches = Batch.__table__  # type: ignore[attr-defined]
    query = select(batches.c.id, batches.c.event_id).where(batches.c.id.in_(batch_ids))
    events: dict[int, int] = {batch_id: event_id for batch_id, event_id in (await conn.execute(query)).all()}
    registrants = {i.registrant_id for i in identities if i.registrant_id}
    emails = {i.email.strip().lower() for i in identities if i.email.strip()}
    nips = {n for i in identities for n in nips_in(i.name)}
    c = PARTICIPANTS.c
    by_registrant: dict[tuple[int, str], set[int]] = defaultdict(set)
    by_email: dict[tuple[int, str], set[int]] = defaultdict(set)
    by_nip: dict[tuple[int, str], set[int]] = defaultdict(set)
    event_ids = sorted(set(events.values()))
    if registrants:
        query = select(c.id, c.event_id, c.zoom_registrant_id).where(
            c.zoom_registrant_id.in_(bindparam("v", expanding=True))
        )
        for pid, event_id, value in await _lookup(session, query, "v", registrants):
            by_registrant[(event_id, value)].add(pid)
    if emails:
        lowered = func.lower(c.email)
        query = select(c.id, c.event_id, lowered).where(
            c.event_id.in_(event_ids), lowered.in_(bindparam("v", expanding=True))
        )
        for pid, event_id, value in await _lookup(session, query, "v", emails):
            by_email[(event_id, value)].add(pid)
    if nips:
        query = select(c.id, c.batch_id, c.nip).where(
            c.event_id.in_(event_ids), c.nip.in_(bindparam("v", expanding=True))
        )
        for pid, batch_id, value in await _lookup(session, query, "v", nips):
            by_nip[(batch_id, value)].add(pid)
    return [_decide(i, events.get(i.batch_id), by_registrant, by_email, by_nip) for i in identities]


def _decide(
    identity: Identity,
    event_id: int | None,
    by_registrant: dict[tuple[int, str], set[int]],
    by_email: dict[tuple[int, str], set[int]],
    by_nip: dict[tuple[int, str], set[int]],
) -> Match | None:
    """The first rule of the cascade that names exactly one participant."""
    if event_id is None:
        return None
    if identity.registrant_id:
        pid = _unique(by_registrant, (event_id, identity.registrant_id))
        if pid is not None:
            return Match(pid, "registrant")
    email = identity.email.strip().lower()
    if email:
        pid = _unique(by_email, (event_id, email))
        if pid is not None:
            return Match(pid, "email")
    found = {pid for nip in nips_in(identity.name) for pid in by_nip.get((identity.batch_id, nip), ())}
    if len(found) == 1:
        return Match(found.pop(), "nip")
    return None
