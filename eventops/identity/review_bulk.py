"""What moderators decide many at a time: the queue by suggested person, the one candidate of several
items accepted at once, devices, too-little names, namesakes and names close to nobody dismissed in bulk.

Each decision is the one a moderator makes item by item (`review_decisions.apply_decision`): it resolves every
pending connection of the display name, is remembered as an alias of the event and audited. A bulk request
decides what it can and says, item by item, why it skipped the rest.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.errors import Conflict, ErrorCode, Invalid, NotFound
from eventops.identity.matching import MatchReason
from eventops.identity.review import RosterIndexCache
from eventops.identity.review_decisions import Decision, apply_decision, pending_item
from eventops.identity.review_queue import (
    ReviewItem,
    group_minutes,
    one_candidate,
    pending_groups,
    queue_items,
    suggestions_of,
)
from eventops.live import hub as live
from eventops.storage.models import Batch, Event, Participant
from eventops.timeutil import utcnow

PAGE = 50
# Reasons whose items a moderator may dismiss all at once: nothing in the name says who they are (a device, no
# name, a lone word, namesakes), or no roster name is close to it (a guest, someone of another batch, a
# nickname). The people behind them prove attendance with checkpoint codes (their NIP).
DISMISSABLE = frozenset(
    {
        MatchReason.DEVICE_NAME,
        MatchReason.NO_NAME,
        MatchReason.TOO_LITTLE,
        MatchReason.HOMONYM,
        MatchReason.LOW_SCORE,
    }
)
# Of those, the reasons the queue groups by reason. Namesakes stay under their first suggested person: their
# groups stay small enough to page, and a moderator who knows more sees one person's names together. A name
# close to nobody has only hints, no person to group it under.
BY_REASON = frozenset(
    {MatchReason.DEVICE_NAME, MatchReason.NO_NAME, MatchReason.TOO_LITTLE, MatchReason.LOW_SCORE}
)


@dataclass(frozen=True)
class PersonGroup:
    """Queue items whose first suggestion is one participant; or, with no suggestion, one reason."""

    person: Participant | None
    reason: str | None  # set for a group of one reason (`BY_REASON`), or when nobody is suggested
    minutes: int  # of its items together
    items: list[ReviewItem]


@dataclass(frozen=True)
class PersonQueue:
    """A page of groups (most minutes first), the number of groups and of items in all."""

    groups: list[PersonGroup]
    total: int
    items: int
    one_candidate: int = 0  # items of the whole queue that accepting in bulk would resolve
    dismissable: dict[str, int] = field(default_factory=dict)  # items dismissable in bulk, by reason
    presence: int = 0  # items matched by presence, which a moderator may review (`presence=True`)


@dataclass(frozen=True)
class Skipped:
    """An item a bulk request left alone, and why."""

    id: int
    code: ErrorCode


@dataclass(frozen=True)
class BulkDecision:
    """What a bulk request decided, and what it skipped."""

    decided: list[Decision]
    skipped: list[Skipped]


async def queue_by_person(
    session: AsyncSession,
    batch: Batch,
    *,
    limit: int = PAGE,
    offset: int = 0,
    cache: RosterIndexCache | None = None,
    now: datetime | None = None,
    presence: bool = False,
) -> PersonQueue:
    """The queue grouped by first suggested participant, so that one person's names are decided together;
    the bulk groups of devices, no name, too little to identify and close to nobody by reason (namesakes,
    dismissable in bulk too, stay by person). `presence`: instead, the names
    matched by presence, grouped by the person they were matched to."""
    groups = await pending_groups(session, batch, cache, presence=presence)
    checks = groups if presence else await pending_groups(session, batch, cache, presence=True)
    minutes = group_minutes(groups, batch, now or utcnow())
    parsed: dict[str, list[list[Any]]] = {}
    keyed: dict[tuple[int | None, str | None], list[str]] = defaultdict(list)
    dismissable: Counter[str] = Counter()
    acceptable = 0
    for name, rows in groups.items():
        picks = suggestions_of(rows, parsed)
        only = one_candidate(rows, parsed)
        reason = _bulk_reason(rows, only)
        if rows[0].participant_id is not None:
            keyed[(rows[0].participant_id, None)].append(name)
        else:
            by_reason = (None, reason or rows[0].match_reason)
            keyed[(picks[0][0], None) if picks and reason not in BY_REASON else by_reason].append(name)
        acceptable += only is not None
        if reason is not None:
            dismissable[reason] += 1

    def weight(names: list[str]) -> tuple[int, int]:
        return -sum(minutes[n] for n in names), min(groups[n][0].id for n in names)

    ordered = sorted(keyed.items(), key=lambda kv: weight(kv[1]))
    page = ordered[offset : offset + limit]
    names = [n for _, group in page for n in sorted(group, key=lambda n: (-minutes[n], groups[n][0].id))]
    items = {
        i.display_name: i for i in await queue_items(session, batch, [(n, groups[n]) for n in names], minutes)
    }
    out = []
    for (pid, reason), group in page:
        members = [items[n] for n in names if n in set(group)]
        person = next(
            (s.participant for i in members for s in i.suggestions if s.participant.id == pid), None
        )
        if person is None and pid is not None:  # the person matched by presence is always shown
            person = await session.get(Participant, pid)
        out.append(PersonGroup(person, reason, sum(i.minutes for i in members), members))
    return PersonQueue(
        out, len(ordered), len(groups), acceptable, dict(sorted(dismissable.items())), len(checks)
    )


async def accept_many(
    session: AsyncSession,
    event: Event,
    batch: Batch,
    ids: Sequence[int] | None,
    actor: str,
    cache: RosterIndexCache | None = None,
) -> BulkDecision:
    """Resolve each item to its one compatible candidate; an item with none or several is skipped. `ids`
    None: every item of the queue that has one."""
    assert batch.id is not None
    groups = await pending_groups(session, batch, cache)
    parsed: dict[str, list[list[Any]]] = {}
    if ids is None:
        ids = [rows[0].id for rows in groups.values() if one_candidate(rows, parsed) is not None]
    decided: list[Decision] = []
    skipped: list[Skipped] = []
    for item_id in dict.fromkeys(ids):
        try:
            name = await pending_item(session, batch, item_id)
            pid = one_candidate(groups.get(name, []), parsed)
            if pid is None:
                skipped.append(Skipped(item_id, ErrorCode.NOT_ONE_CANDIDATE))
                continue
            person = await session.get(Participant, pid)
            if person is None or person.batch_id != batch.id:  # moved to another batch by a re-import
                skipped.append(Skipped(item_id, ErrorCode.PARTICIPANT_NOT_FOUND))
                continue
            decided.append(await apply_decision(session, event, batch, item_id, person, actor))
        except (NotFound, Conflict) as exc:
            skipped.append(Skipped(item_id, exc.code))
    return await _commit(session, batch, BulkDecision(decided, skipped))


async def dismiss_many(
    session: AsyncSession,
    event: Event,
    batch: Batch,
    actor: str,
    *,
    ids: Sequence[int] = (),
    reason: str | None = None,
    cache: RosterIndexCache | None = None,
) -> BulkDecision:
    """Dismiss the items named, or every item of a reason nothing in the name decides (`DISMISSABLE`).
    Invalid for a reason a moderator must decide item by item."""
    assert batch.id is not None
    if reason is not None:
        if reason not in DISMISSABLE:
            allowed = ", ".join(sorted(DISMISSABLE))
            raise Invalid(f"only items of these reasons are dismissed in bulk: {allowed}")
        groups = await pending_groups(session, batch, cache)
        parsed: dict[str, list[list[Any]]] = {}
        ids = [
            rows[0].id
            for rows in groups.values()
            if _bulk_reason(rows, one_candidate(rows, parsed)) == reason
        ]
    decided: list[Decision] = []
    skipped: list[Skipped] = []
    for item_id in dict.fromkeys(ids):
        try:
            decided.append(await apply_decision(session, event, batch, item_id, None, actor))
        except (NotFound, Conflict) as exc:
            skipped.append(Skipped(item_id, exc.code))
    return await _commit(session, batch, BulkDecision(decided, skipped))


def _bulk_reason(rows: list[Any], only: int | None) -> str | None:
    """The reason a queue item is dismissable in bulk by, if it is: never an item with one compatible
    candidate (`only`: `Budi Santosa`, close to no name but `Budi Santoso`), which accepting decides."""
    reason = rows[0].match_reason
    if reason not in DISMISSABLE or only is not None:
        return None
    return str(reason)


async def _commit(session: AsyncSession, batch: Batch, bulk: BulkDecision) -> BulkDecision:
    assert batch.id is not None
    if bulk.decided:
        await live.notify(session, batch.id, "review", {"decided": sum(d.connections for d in bulk.decided)})
    await session.commit()
    return bulk
