"""Identity matching in the service: a batch's pending Zoom connections matched to its roster.

The ingest (`identity.exact`) decides the cheap cases; `match_pending` runs the whole cascade of
`eventops.matching` over what is left and stores each verdict: a match, or the reason and the suggestions the
review queue (`review_queue`) shows. A moderator's decision is never overwritten: every write here is
conditional on the row still being `pending`.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.identity.matching import Connection, MatchResult, RosterEntry, RosterIndex
from eventops.identity.review_evidence import batch_presence
from eventops.identity.states import ReviewState
from eventops.live import hub as live
from eventops.storage.chunks import execute_rows
from eventops.storage.models import Alias, Batch, OnlineSession, Participant
from eventops.timeutil import utcnow

SESSIONS = OnlineSession.__table__  # type: ignore[attr-defined]
PARTICIPANTS = Participant.__table__  # type: ignore[attr-defined]
ALIASES = Alias.__table__  # type: ignore[attr-defined]
# Roster indexes kept per process: a 5,000-name roster takes seconds to prepare, a 50,000-name one ~100 MB.
INDEXES_KEPT = 2

Fingerprint = tuple[int, int, int, datetime | None]
Group = tuple[str, str | None, str | None]  # display name, email, registrant id


@dataclass
class MatchRun:
    """What one matching run did: pending connections and distinct identities examined, matches by method,
    and the connections still unmatched by reason."""

    connections: int = 0
    groups: int = 0
    methods: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)

    @property
    def matched(self) -> int:
        """Connections matched by this run."""
        return sum(self.methods.values())

    def as_json(self) -> dict[str, Any]:
        """The API's answer."""
        return {
            "connections": self.connections,
            "groups": self.groups,
            "matched": self.matched,
            "methods": dict(sorted(self.methods.items())),
            "reasons": dict(sorted(self.reasons.items())),
        }


class RosterIndexCache:
    """Roster indexes recently built in this process, by batch and roster fingerprint.

    Only a shortcut: an index is rebuilt whenever the batch's roster changed (count, newest id or newest
    update differ), and another process simply builds its own. It also carries the process's matching policy:
    `by_presence` (EVENTOPS_MATCH_BY_PRESENCE, off by default) lets presence decide between namesakes.
    """

    def __init__(self, size: int = INDEXES_KEPT, *, by_presence: bool = False) -> None:
        """An empty cache keeping at most `size` indexes."""
        self._size = size
        self.by_presence = by_presence
        self._indexes: OrderedDict[int, tuple[Fingerprint, RosterIndex]] = OrderedDict()

    def get(self, batch_id: int, fingerprint: Fingerprint) -> RosterIndex | None:
        """The index built for this roster state, if kept."""
        found = self._indexes.get(batch_id)
        if found is None or found[0] != fingerprint:
            return None
        self._indexes.move_to_end(batch_id)
        return found[1]

    def put(self, batch_id: int, fingerprint: Fingerprint, index: RosterIndex) -> None:
        """Keep an index, dropping the least recently used beyond the size."""
        self._indexes[batch_id] = (fingerprint, index)
        self._indexes.move_to_end(batch_id)
        while len(self._indexes) > self._size:
            self._indexes.popitem(last=False)


async def roster_fingerprint(session: AsyncSession, batch_id: int) -> Fingerprint:
    """What changes whenever the batch's roster does: its size, newest id and newest update."""
    c = PARTICIPANTS.c
    query = select(func.count(), func.coalesce(func.max(c.id), 0), func.max(c.updated_at)).where(
        c.batch_id == batch_id
    )
    count, newest, updated = (await (await session.connection()).execute(query)).one()
    return batch_id, int(count), int(newest), updated


async def roster_entries(session: AsyncSession, batch_id: int) -> list[RosterEntry]:
    """The batch's roster as the matcher needs it."""
    c = PARTICIPANTS.c
    query = select(c.id, c.nip, c.name, c.email, c.agency, c.unit, c.zoom_registrant_id, c.phone).where(
        c.batch_id == batch_id
    )
    rows = (await (await session.connection()).execute(query)).all()
    return [
        RosterEntry(r.id, r.nip, r.name, r.email, r.agency, r.unit, r.zoom_registrant_id, r.phone)
        for r in rows
    ]


async def roster_index(
    session: AsyncSession, batch_id: int, cache: RosterIndexCache | None = None
) -> RosterIndex:
    """One `RosterIndex` of the batch's roster, from the cache when the roster has not changed."""
    # first: the entries read next are at least as new
    fingerprint = await roster_fingerprint(session, batch_id)
    index = cache.get(batch_id, fingerprint) if cache is not None else None
    if index is None:
        entries = await roster_entries(session, batch_id)
        # Preparing thousands of names is CPU work: keep the event loop (scans, webhooks) answering.
        index = await asyncio.to_thread(RosterIndex, entries)
        if cache is not None:
            cache.put(batch_id, fingerprint, index)
    return index


async def event_aliases(session: AsyncSession, event_id: int) -> dict[str, int]:
    """The event's remembered decisions: alias key -> participant id."""
    query = select(ALIASES.c.key, ALIASES.c.participant_id).where(ALIASES.c.event_id == event_id)
    return {key: pid for key, pid in (await (await session.connection()).execute(query)).all()}


def suggestions_json(result: MatchResult) -> str | None:
    """The suggestions of an unmatched result as stored: `[[participant_id, score], ...]`, the one
    compatible candidate (if any) marked by a third element `1`."""
    if not result.suggestions:
        return None
    return json.dumps([[s.participant_id, s.score, *([1] if s.only else [])] for s in result.suggestions])


def _pending_query(batch_id: int, fresh_only: bool) -> Any:
    c = SESSIONS.c
    query = select(c.id, c.display_name, c.email, c.registrant_id, c.match_reason, c.suggestions).where(
        c.batch_id == batch_id, c.participant_id.is_(None), c.review_state == ReviewState.PENDING
    )
    return query.where(c.match_reason.is_(None)) if fresh_only else query


_MATCH = (
    update(SESSIONS)
    .where(SESSIONS.c.id == bindparam("_id"), SESSIONS.c.review_state == ReviewState.PENDING)
    .values(
        participant_id=bindparam("_pid"),
        match_method=bindparam("_method"),
        match_score=bindparam("_score"),
        review_state=ReviewState.MATCHED,
        match_reason=None,
        suggestions=bindparam("_suggestions"),  # a match by presence keeps the namesakes it chose among
        updated_at=bindparam("_now"),
    )
)
_VERDICT = (
    update(SESSIONS)
    .where(SESSIONS.c.id == bindparam("_id"), SESSIONS.c.review_state == ReviewState.PENDING)
    .values(match_reason=bindparam("_reason"), suggestions=bindparam("_suggestions"))
)


async def _write(session: AsyncSession, statement: Any, rows: Sequence[dict[str, Any]]) -> None:
    await execute_rows(await session.connection(), statement, rows)


async def _weigh_presence(
    session: AsyncSession,
    batch_id: int,
    index: RosterIndex,
    conns: list[Connection],
    aliases: dict[str, int],
    results: list[MatchResult],
) -> None:
    """Decide again, with their whereabouts, the connections whose namesakes presence could tell apart (only
    those: asking where everyone is would cost a second on a large batch)."""
    open_ = [i for i, result in enumerate(results) if result.namesakes]
    if not open_:
        return
    presence = await batch_presence(session, batch_id, (p for i in open_ for p in results[i].namesakes))
    if not (presence.checked_in or presence.strong):
        return
    again = await asyncio.to_thread(index.match_many, [conns[i] for i in open_], aliases, presence)
    for i, result in zip(open_, again, strict=True):
        results[i] = result


async def match_pending(
    session: AsyncSession, batch: Batch, *, fresh_only: bool = False, cache: RosterIndexCache | None = None
) -> MatchRun:
    """Match the batch's pending connections to its roster (one transaction) and store every verdict.

    Each distinct (display name, email, registrant id) is matched once. `fresh_only` examines only
    connections never examined before (what the review queue needs); a full run also re-examines the rest
    against the current roster and aliases.
    """
    assert batch.id is not None
    run = MatchRun()
    conn = await session.connection()
    rows = (await conn.execute(_pending_query(batch.id, fresh_only))).all()
    if not rows:
        await session.commit()
        return run
    groups: dict[Group, list[Any]] = defaultdict(list)
    for row in rows:
        groups[(row.display_name, row.email, row.registrant_id)].append(row)
    index = await roster_index(session, batch.id, cache)
    aliases = await event_aliases(session, batch.event_id)
    keys = list(groups)
    conns = [Connection(name, email, registrant) for name, email, registrant in keys]
    results = await asyncio.to_thread(index.match_many, conns, aliases)
    if cache is not None and cache.by_presence:
        await _weigh_presence(session, batch.id, index, conns, aliases, results)
    now = utcnow()
    matched: list[dict[str, Any]] = []
    verdicts: list[dict[str, Any]] = []
    for key, result in zip(keys, results, strict=True):
        members = groups[key]
        if result.participant_id is not None and result.method is not None:
            run.methods[result.method] += len(members)
            score = round(result.score / 100.0, 4)  # 0-1, as the ingest stores its exact matches (1.0)
            stored = suggestions_json(result)
            matched.extend(
                {
                    "_id": r.id,
                    "_pid": result.participant_id,
                    "_method": result.method,
                    "_score": score,
                    "_suggestions": stored,
                    "_now": now,
                }
                for r in members
            )
            continue
        run.reasons[result.reason] += len(members)
        stored = suggestions_json(result)
        verdicts.extend(
            {"_id": r.id, "_reason": result.reason, "_suggestions": stored}
            for r in members
            if (r.match_reason, r.suggestions) != (result.reason, stored)
        )
    run.connections, run.groups = len(rows), len(keys)
    await _write(session, _MATCH, matched)
    await _write(session, _VERDICT, verdicts)
    if matched:
        await live.notify(session, batch.id, "review", {"matched": len(matched)})
    await session.commit()
    return run
