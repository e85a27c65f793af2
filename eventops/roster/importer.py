"""Roster import: a parsed file checked against the event's batches and stored all or nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.errors import ErrorCode, Invalid
from eventops.roster.issues import IssueCode
from eventops.roster.passes import new_token
from eventops.roster.reading import RowIssue
from eventops.roster.validation import ParsedRoster, RosterRow, parse_roster
from eventops.storage.chunks import execute_rows, row_chunks, select_in
from eventops.storage.models import Batch, Event, Participant, Pass
from eventops.timeutil import utcnow

FIELDS = ("batch_id", "name", "agency", "unit", "email", "phone", "mode")
Progress = Callable[[int, int], None]  # (rows stored, rows to store)
TABLE = Participant.__table__  # type: ignore[attr-defined]
PASS_TABLE = Pass.__table__  # type: ignore[attr-defined]
BATCH_TABLE = Batch.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ImportResult:
    """What an import did (or, on a dry run, would do)."""

    created: int
    updated: int
    unchanged: int
    dry_run: bool
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The API's answer."""
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "dry_run": self.dry_run,
            "warnings": self.warnings,
        }


def _issue_json(issue: RowIssue) -> dict[str, Any]:
    """A problem as data: `params` are the values its message names, for the web to say it in its language."""
    found = {"row": issue.row, "column": issue.column, "code": issue.code, "message": issue.message}
    return found | {"params": dict(issue.params)} if issue.params else found


async def _batch_ids(session: AsyncSession, event: Event) -> dict[str, int]:
    conn = await session.connection()
    rows = (
        await conn.execute(
            select(BATCH_TABLE.c.id, BATCH_TABLE.c.code).where(BATCH_TABLE.c.event_id == event.id)
        )
    ).all()
    return {code.casefold(): batch_id for batch_id, code in rows}


def _resolve_batches(parsed: ParsedRoster, batch_ids: dict[str, int]) -> list[RowIssue]:
    known = ", ".join(sorted(batch_ids)) or "none yet"
    return [
        RowIssue(
            row=row.row,
            column="batch",
            code=IssueCode.BATCH_UNKNOWN,
            message=f"kelompok/batch {row.batch!r} tidak ada di acara ini (ada: {known}) · no such batch",
            params={"value": row.batch, "known": ", ".join(sorted(batch_ids)) or "–"},
        )
        for row in parsed.rows
        if row.batch.casefold() not in batch_ids
    ]


def _values(row: RosterRow, batch_id: int) -> dict[str, Any]:
    return {
        "batch_id": batch_id,
        "name": row.name,
        "agency": row.agency,
        "unit": row.unit,
        "email": row.email,
        "phone": row.phone,
        "mode": row.mode,
    }


@dataclass
class _Plan:
    """Rows to insert and rows to update, from comparing the file with what is stored."""

    create: list[dict[str, Any]] = field(default_factory=list)
    update: list[dict[str, Any]] = field(default_factory=list)


async def _plan(
    session: AsyncSession, event: Event, parsed: ParsedRoster, batch_ids: dict[str, int]
) -> _Plan:
    columns = (TABLE.c.id, TABLE.c.nip, *(TABLE.c[f] for f in FIELDS))
    stored = await (await session.connection()).execute(select(*columns).where(TABLE.c.event_id == event.id))
    existing = {r.nip: r for r in stored.all()}
    now = utcnow()
    plan = _Plan()
    for row in parsed.rows:
        values = _values(row, batch_ids[row.batch.casefold()])
        old = existing.get(row.nip)
        if old is None:
            plan.create.append(
                {
                    **values,
                    "nip": row.nip,
                    "event_id": event.id,
                    "walk_in": False,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        elif any(getattr(old, f) != values[f] for f in FIELDS):
            plan.update.append({**values, "_id": old.id, "updated_at": now})
    return plan


async def _store(session: AsyncSession, event: Event, plan: _Plan, progress: Progress | None) -> None:
    """Insert new participants with a pass each, update changed ones, report progress by chunk."""
    conn = await session.connection()
    done, total = 0, len(plan.create) + len(plan.update)
    for chunk in row_chunks(plan.create):
        await conn.execute(insert(TABLE), list(chunk))
        done += len(chunk)
        if progress:
            progress(done, total)
    if plan.create:
        query = select(TABLE.c.id).where(
            TABLE.c.event_id == event.id, TABLE.c.nip.in_(bindparam("nips", expanding=True))
        )
        new_ids = await select_in(conn, query, "nips", [r["nip"] for r in plan.create])
        now = utcnow()
        passes = [{"participant_id": pid, "token": new_token(), "issued_at": now} for (pid,) in new_ids]
        await execute_rows(conn, insert(PASS_TABLE), passes)
    statement = (
        update(TABLE)
        .where(TABLE.c.id == bindparam("_id"))
        .values({f: bindparam(f) for f in (*FIELDS, "updated_at")})
    )
    for chunk in row_chunks(plan.update):
        await conn.execute(statement, list(chunk))
        done += len(chunk)
        if progress:
            progress(done, total)


async def import_roster(
    session: AsyncSession,
    event: Event,
    data: bytes,
    *,
    filename: str | None = None,
    content_type: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Validate a roster file and store it: new NIPs get a pass, known NIPs are updated; all or nothing."""
    # A big XLSX takes seconds of CPU: parsed in a thread, the server keeps answering meanwhile.
    parsed = await asyncio.to_thread(parse_roster, data, filename=filename, content_type=content_type)
    batch_ids = await _batch_ids(session, event)
    issues = sorted([*parsed.errors, *_resolve_batches(parsed, batch_ids)], key=lambda i: (i.row, i.column))
    if issues:
        count = len(issues)
        raise Invalid(
            f"{count} masalah di berkas; tidak ada yang disimpan · {count} problems, nothing stored",
            code=ErrorCode.ROSTER_INVALID,
            details=[_issue_json(i) for i in issues],
        )
    plan = await _plan(session, event, parsed, batch_ids)
    if not dry_run:
        await _store(session, event, plan, progress)
        await session.commit()
    return ImportResult(
        created=len(plan.create),
        updated=len(plan.update),
        unchanged=len(parsed.rows) - len(plan.create) - len(plan.update),
        dry_run=dry_run,
        warnings=[_issue_json(w) for w in parsed.warnings],
    )
