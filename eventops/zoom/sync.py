"""Report sync: pull a batch's Zoom participant report and reconcile it with the webhook sessions.

The report is the authority for intervals (fact sheet §2.1). Each report row (one connection; waiting-room
rows skipped) is paired with the session a webhook opened for the same connection: same connection key
(`{instance uuid}/u:{user_id}`, see `eventops.zoom.sessions`) and join times at most `TOLERANCE` apart
(webhooks are stamped when Zoom sends them, the report when Zoom bills the minute). When the keys differ,
a webhook-only session of the same instance with the same registrant id, or the same display name and
email, joined within the tolerance, is paired instead and takes the report's key. A paired session takes
the report's times; an unpaired row becomes a new session. Sessions only webhooks saw are kept and stay
`seen_in_report=False`. A second run finds every row's session by key at distance zero and changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.errors import Conflict, ErrorCode, RateLimited
from eventops.identity.exact import Identity, identify, match_columns
from eventops.identity.states import ReviewState
from eventops.storage.db import upsert
from eventops.storage.models import Batch
from eventops.timeutil import utcnow
from eventops.zoom.sessions import SESSIONS, connection_key
from integrations.zoom import (
    InstanceReport,
    Kind,
    ReportParticipant,
    ZoomApiError,
    ZoomClient,
    ZoomRateLimited,
    ZoomReportNotReady,
)

TOLERANCE = timedelta(minutes=2)
CHUNK = 1000
Progress = Callable[[str], None]
_COMPARED = ("connection_key", "joined_at", "left_at", "display_name", "email", "registrant_id")
_MATCH = ("participant_id", "match_method", "match_score", "review_state")


@dataclass(frozen=True)
class SyncResult:
    """What one sync did."""

    report_rows: int
    sessions_created: int
    sessions_updated: int
    webhook_only: int
    instances: int

    def as_json(self) -> dict[str, int]:
        """The API's answer."""
        return {
            "report_rows": self.report_rows,
            "sessions_created": self.sessions_created,
            "sessions_updated": self.sessions_updated,
            "webhook_only": self.webhook_only,
            "instances": self.instances,
        }


def _not_ready(meeting_id: str) -> Conflict:
    return Conflict(
        f"Laporan Zoom untuk rapat {meeting_id} belum tersedia; coba lagi beberapa menit lagi"
        f" · Zoom's report for meeting {meeting_id} is not ready yet (it is built a few minutes after"
        " the meeting ends): try again in a few minutes. This does not mean nobody attended.",
        code=ErrorCode.REPORT_NOT_READY,
    )


async def fetch_reports(client: ZoomClient, batch: Batch) -> list[InstanceReport]:
    """The reports of every instance of the batch's meeting that started in its window (§6.4)."""
    meeting_id = batch.zoom_meeting_id
    if not meeting_id:
        raise Conflict(f"batch {batch.code} has no Zoom meeting id", code=ErrorCode.NO_ZOOM_MEETING)
    kind: Kind = "webinar" if batch.zoom_kind == "webinar" else "meeting"
    try:
        reports = await client.instance_reports(meeting_id, kind, batch.starts_at, batch.ends_at)
    except ZoomReportNotReady:
        raise _not_ready(meeting_id) from None
    except ZoomRateLimited as exc:
        when = f" after {exc.retry_at:%Y-%m-%d %H:%M} UTC" if exc.retry_at else " later"
        raise RateLimited(
            f"Zoom's rate limit was reached; try again{when}", code=ErrorCode.ZOOM_RATE_LIMITED
        ) from None
    except ZoomApiError as exc:
        if exc.code == 3001:  # unknown, still running, or just ended: Zoom does not say which (§5.3)
            raise _not_ready(meeting_id) from None
        raise Conflict(f"Zoom answered an error: {exc.message}", code=ErrorCode.ZOOM_ERROR) from None
    if not reports:
        raise _not_ready(meeting_id)
    return reports


@dataclass
class _Stored:
    """An existing session of the batch, as read before reconciling."""

    values: dict[str, Any]
    claimed: bool = False


def _row_values(batch_id: int, uuid: str, row: ReportParticipant) -> dict[str, Any]:
    return {
        "batch_id": batch_id,
        "connection_key": connection_key(uuid, row.user_id, "", row.name, row.join_time),
        "joined_at": row.join_time,
        "left_at": max(row.leave_time, row.join_time),
        "display_name": row.name[:200],
        "email": row.user_email.strip()[:254] or None,
        "registrant_id": row.registrant_id[:64] or None,
    }


def _report_rows(batch_id: int, reports: list[InstanceReport]) -> list[dict[str, Any]]:
    """One value dict per in-meeting report row, duplicates (same key and join) dropped."""
    rows: dict[tuple[str, datetime], dict[str, Any]] = {}
    for report in reports:
        for row in report.participants:
            if row.status != "in_meeting":
                continue  # a waiting-room segment is not attendance (§2.1)
            values = _row_values(batch_id, report.instance.uuid, row)
            rows.setdefault((values["connection_key"], values["joined_at"]), values)
    return list(rows.values())


async def _stored(session: AsyncSession, batch_id: int) -> list[_Stored]:
    c = SESSIONS.c
    columns = (c.id, c.seen_in_report, *(c[n] for n in _COMPARED), *(c[n] for n in _MATCH))
    result = await (await session.connection()).execute(select(*columns).where(c.batch_id == batch_id))
    return [_Stored(dict(r._mapping)) for r in result.all()]


def _closest(candidates: list[_Stored], joined: datetime) -> _Stored | None:
    near = [s for s in candidates if not s.claimed and abs(s.values["joined_at"] - joined) <= TOLERANCE]
    return min(near, key=lambda s: abs(s.values["joined_at"] - joined)) if near else None


def _same_person(stored: dict[str, Any], row: dict[str, Any]) -> bool:
    if stored["registrant_id"] and stored["registrant_id"] == row["registrant_id"]:
        return True
    return stored["display_name"] == row["display_name"] and stored["email"] == row["email"]


def _pair(rows: list[dict[str, Any]], stored: list[_Stored]) -> list[tuple[dict[str, Any], _Stored | None]]:
    """Each report row with the stored session it corrects, or None (a new session)."""
    by_key: dict[str, list[_Stored]] = defaultdict(list)
    by_instance: dict[str, list[_Stored]] = defaultdict(list)
    for item in stored:
        by_key[item.values["connection_key"]].append(item)
        if not item.values["seen_in_report"]:
            by_instance[item.values["connection_key"].split("/", 1)[0]].append(item)
    pairs: list[tuple[dict[str, Any], _Stored | None]] = []
    for row in rows:
        found = _closest(by_key.get(row["connection_key"], []), row["joined_at"])
        if found is not None:
            found.claimed = True
        pairs.append((row, found))
    for index, (row, found) in enumerate(pairs):
        if found is None:  # second pass: only what no key claimed may be paired by identity
            instance = row["connection_key"].split("/", 1)[0]
            same = [s for s in by_instance.get(instance, []) if _same_person(s.values, row)]
            other = _closest(same, row["joined_at"])
            if other is not None:
                other.claimed = True
                pairs[index] = (row, other)
    return pairs


async def _apply(
    session: AsyncSession, batch_id: int, pairs: list[tuple[dict[str, Any], _Stored | None]]
) -> tuple[int, int]:
    """Insert new sessions and correct paired ones; (created, updated)."""
    now = utcnow()
    creates, updates = [], []
    for row, found in pairs:
        if found is None:
            creates.append({**row, "seen_by_webhook": False, "seen_in_report": True, "updated_at": now})
            continue
        old = found.values
        new = {
            **{name: old[name] for name in _MATCH},
            **row,
            "display_name": old["display_name"] or row["display_name"],
            "email": old["email"] or row["email"],
            "registrant_id": old["registrant_id"] or row["registrant_id"],
        }
        if old["seen_in_report"] and all(old[n] == new[n] for n in _COMPARED):
            continue
        updates.append({**{n: new[n] for n in (*_COMPARED, *_MATCH)}, "_id": old["id"]})
    # Exact rules only (registrant, email, NIP) for what is still pending; the rest is the review queue's.
    todo = [*creates, *(u for u in updates if u["review_state"] == ReviewState.PENDING)]
    identities = [
        Identity(batch_id, r["registrant_id"] or "", r["email"] or "", r["display_name"]) for r in todo
    ]
    for values, match in zip(todo, await identify(session, identities), strict=True):
        values.update(match_columns(match))
    conn = await session.connection()
    # DO NOTHING: the webhook worker may store the same connection at this very moment (it then counts once).
    insert_new = upsert(conn.dialect.name, SESSIONS).on_conflict_do_nothing()
    for start in range(0, len(creates), CHUNK):
        await conn.execute(insert_new, creates[start : start + CHUNK])
    if updates:
        c = SESSIONS.c
        statement = (
            update(SESSIONS)
            .where(c.id == bindparam("_id"))
            .values(
                {
                    **{n: bindparam(n) for n in (*_COMPARED, *_MATCH)},
                    "seen_in_report": True,
                    "updated_at": now,
                }
            )
        )
        for start in range(0, len(updates), CHUNK):
            await conn.execute(statement, updates[start : start + CHUNK])
    return len(creates), len(updates)


async def reconcile(session: AsyncSession, batch: Batch, reports: list[InstanceReport]) -> SyncResult:
    """Store what the reports say about the batch's connections (see the module docstring); one commit."""
    assert batch.id is not None
    rows = _report_rows(batch.id, reports)
    created, updated = await _apply(session, batch.id, _pair(rows, await _stored(session, batch.id)))
    c = SESSIONS.c
    only = select(func.count()).where(c.batch_id == batch.id, c.seen_in_report.is_(False))
    webhook_only = int((await (await session.connection()).execute(only)).scalar_one())
    await session.commit()
    return SyncResult(len(rows), created, updated, webhook_only, len(reports))


async def sync_batch(
    session: AsyncSession, client: ZoomClient, batch: Batch, progress: Progress | None = None
) -> SyncResult:
    """Pull the batch's participant reports from Zoom and reconcile them with the stored sessions."""
    say = progress or (lambda _message: None)
    say(f"fetching Zoom reports of {batch.zoom_kind} {batch.zoom_meeting_id}")
    reports = await fetch_reports(client, batch)
    say(f"{sum(len(r.participants) for r in reports)} report rows from {len(reports)} instance(s)")
    result = await reconcile(session, batch, reports)
    say(f"{result.sessions_created} sessions created, {result.sessions_updated} updated")
    return result
