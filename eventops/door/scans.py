"""Venue check-in: a pass scanned at a station, or a participant checked in by hand.

The hot path counts round trips. One query resolves event, batch, pass, participant, their own batch and
any check-in they already have here. Then the scan is stored (its unique `scan_id` makes a retry a no-op)
together with the check-in when it admits someone (the unique (batch, participant) constraint decides who is
first, even between two stations at the same instant): on PostgreSQL in ONE self-committing statement
(`sql.PG_RECORD`, no BEGIN/COMMIT), elsewhere as two inserts and a commit. Nothing is acknowledged
before it is committed; then the scan is published live (`checkin`, batched to other processes, see `live`).
The statements are built once, in `sql`. The door's pass scans on PostgreSQL take the faster
path of `scans_pg` (the same rules and answers in one statement, without an ORM session).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NoReturn
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.catalog import events
from eventops.door.answers import BatchView, Method, PersonView, ScanAnswer, ScanResult
from eventops.door.sql import (
    FIRST_CHECKIN,
    INSERTS,
    LOOKUPS,
    MARK_DUPLICATE,
    PG_RECORD,
    REPLAY,
    Who,
)
from eventops.errors import Conflict, ErrorCode, Invalid, NotFound
from eventops.live import hub as live
from eventops.roster.nip import mask_nip, normalise_nip
from eventops.roster.passes import pass_url
from eventops.timeutil import to_utc, utcnow

MAX_AGE = timedelta(days=7)
AUTOCOMMIT = {"isolation_level": "AUTOCOMMIT"}
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


@dataclass(frozen=True, slots=True)
class ScanInput:
    """Who scanned, where and when (client time, any zone), under which client-made id."""

    scan_id: str
    station: str
    staff: str
    scanned_at: datetime


@dataclass(frozen=True, slots=True)
class Found:
    """What a scan resolved to: the scanned batch, and the participant and pass when there is one."""

    event_id: int
    timezone: str
    batch_id: int
    participant_id: int | None = None
    person: PersonView | None = None
    home: BatchView | None = None
    home_batch_id: int | None = None
    pass_id: int | None = None
    revoked: bool = False
    checked_in_at: datetime | None = None  # the participant's check-in at this batch, if any
    checked_in_station: str | None = None


def pass_token(raw: str) -> str:
    """The token a QR holds, given as the token itself or as the pass URL `…/p/{token}`; Invalid otherwise."""
    text = raw.strip()
    if "/" in text:
        segments = [s for s in urlsplit(text).path.split("/") if s]
        text = segments[-1] if segments else ""
    if not TOKEN_RE.match(text):
        raise Invalid(
            "kode kartu tidak terbaca · the pass code is not readable",
            code=ErrorCode.BAD_TOKEN,
            details=[{"field": "token", "message": "a pass token or a pass URL ending in /p/TOKEN"}],
        )
    return text


def scan_time(scanned_at: datetime, now: datetime) -> datetime:
    """The client's scan time in UTC, clamped to now; Invalid when older than MAX_AGE."""
    at = to_utc(scanned_at)
    if at > now:
        return now
    if at < now - MAX_AGE:
        raise Invalid(
            "waktu pindai terlalu lama · the scan is too old",
            code=ErrorCode.SCAN_TOO_OLD,
            details=[{"field": "scanned_at", "message": f"older than {MAX_AGE.days} days"}],
        )
    return at


def _person(row: Mapping[str, Any]) -> PersonView:
    return PersonView(
        name=row["p_name"],
        agency=row["p_agency"],
        unit=row["p_unit"],
        batch=row["h_code"],
        nip_masked=mask_nip(row["p_nip"]) if row["p_nip"] else None,
    )


def one_statement(session: AsyncSession) -> bool:
    """Whether a scan can be stored by one self-committing statement (PostgreSQL) instead of a transaction."""
    return session.bind is not None and session.bind.dialect.name == "postgresql"


async def _find(
    session: AsyncSession, who: Who, slug: str, code: str, value: object = None, autocommit: bool = False
) -> Found:
    """Resolve a door action in one query; NotFound for an unknown event or batch."""
    conn = await session.connection(execution_options=AUTOCOMMIT if autocommit else None)
    row = (await conn.execute(LOOKUPS[who], {"slug": slug, "code": code, "who": value})).first()
    if row is None:
        await no_batch(session, slug, code)
    return found_from_row(row._mapping, via_pass=who is Who.token)


async def no_batch(session: AsyncSession, slug: str, code: str) -> NoReturn:
    """Raise NotFound for a door action whose batch the lookup did not find (or whose event is missing)."""
    event = await events.get_event(session, slug)  # NotFound for the event, else the batch is missing
    raise NotFound(f"no batch {code!r} in event {event.slug!r}", code=ErrorCode.BATCH_NOT_FOUND)


def found_from_row(row: Mapping[str, Any], via_pass: bool) -> Found:
    """A lookup's row (see `sql.LOOKUPS`) as what the door action found."""
    if row["p_id"] is None:
        return Found(event_id=row["event_id"], timezone=row["timezone"], batch_id=row["batch_id"])
    return Found(
        event_id=row["event_id"],
        timezone=row["timezone"],
        batch_id=row["batch_id"],
        participant_id=row["p_id"],
        person=_person(row),
        home=BatchView(row["h_code"], row["h_name"], row["h_starts_at"]),
        home_batch_id=row["h_id"],
        pass_id=row["pass_id"] if via_pass else None,
        revoked=via_pass and row["revoked_at"] is not None,
        checked_in_at=row["c_at"],
        checked_in_station=row["c_st"],
    )


async def find_batch(session: AsyncSession, slug: str, code: str) -> Found:
    """The event and batch of a check-in, or NotFound."""
    return await _find(session, Who.nobody, slug, code)


def _classify(found: Found) -> ScanResult:
    if found.participant_id is None:
        return ScanResult.unknown
    if found.revoked:
        return ScanResult.revoked
    if found.home_batch_id != found.batch_id:
        return ScanResult.wrong_batch
    if found.checked_in_at is not None:
        return ScanResult.duplicate
    return ScanResult.ok


async def record(
    session: AsyncSession,
    found: Found,
    scan: ScanInput,
    method: Method,
    token: str = "",
    public_url: str | None = None,
) -> ScanAnswer:
    """Store the scan and, when it admits the participant, the check-in; commit; answer.

    On a connection in autocommit (see `one_statement`) both go in one statement; otherwise in a transaction.
    """
    conn = await session.connection()
    values = _values(found, scan, method, token)
    planned = ScanResult(values["result"])
    sync = conn.sync_connection
    if sync is not None and sync.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
        result = await _store_in_one_statement(conn, values, planned is ScanResult.ok)
    else:
        result = await _store_in_transaction(conn, values, planned is ScanResult.ok)
        if result is not None:
            await session.commit()
    if result is None:  # a retry: nothing new was stored, the first answer is repeated
        await session.rollback()
        return await replay(session, scan.scan_id, found.batch_id, public_url)
    first: tuple[datetime, str] | None = None
    if result is ScanResult.duplicate and found.checked_in_at is None:
        # lost the race to another station: read who won
        won = await (await session.connection()).execute(
            FIRST_CHECKIN, {"batch_id": found.batch_id, "participant_id": found.participant_id}
        )
        first = tuple(won.one())
    return answered(session.info, found, scan, method, values["scanned_at"], result, first, token, public_url)


def _values(found: Found, scan: ScanInput, method: Method, token: str) -> dict[str, Any]:
    """The scan row to store (its result as planned from the lookup)."""
    now = utcnow()
    at = scan_time(scan.scanned_at, now)
    planned = _classify(found)
    return {
        "scan_id": scan.scan_id,
        "event_id": found.event_id,
        "batch_id": found.batch_id,
        "participant_id": found.participant_id,
        "pass_id": found.pass_id,
        "token": token,
        "station": scan.station,
        "staff": scan.staff[:100],
        "method": method.value,
        "result": planned.value,
        "scanned_at": at,
        "received_at": now,
    }


def answered(
    info: Mapping[str, Any],
    found: Found,
    scan: ScanInput,
    method: Method,
    at: datetime,
    result: ScanResult,
    first: tuple[datetime, str] | None,
    token: str,
    public_url: str | None,
) -> ScanAnswer:
    """Publish a committed scan live (through the hub in the session `info`, as `live.publish_committed`) and
    build its answer (`first`: the check-in that won a race)."""
    hub = info.get(live.HUB_KEY)
    if isinstance(hub, live.Hub):
        change = {
            "result": result.value,
            "name": found.person.name if found.person is not None else None,
            "station": scan.station,
            "method": method.value,
        }
        hub.committed(live.Change(found.batch_id, "checkin", change))
    checked_in_at, station = None, None
    if result is ScanResult.ok:
        checked_in_at, station = at, scan.station
    elif result is ScanResult.duplicate:
        checked_in_at, station = found.checked_in_at, found.checked_in_station
        if checked_in_at is None and first is not None:
            checked_in_at, station = first
    return ScanAnswer(
        result=result,
        timezone=found.timezone,
        participant=found.person,
        checked_in_at=checked_in_at,
        station=station,
        expected_batch=found.home if result is ScanResult.wrong_batch else None,
        pass_url=pass_url(public_url, token) if public_url is not None and token else None,
    )


async def _store_in_transaction(
    conn: AsyncConnection, values: dict[str, Any], admit: bool
) -> ScanResult | None:
    """Insert the scan, then (when it admits) the check-in, in the caller's transaction; None for a retry."""
    statements = INSERTS[conn.dialect.name]
    scan_pk = (await conn.execute(statements.scan, values)).scalar()
    if scan_pk is None:
        return None
    result = ScanResult(values["result"])
    if admit:
        admitted = await conn.execute(
            statements.checkin,
            {
                "batch_id": values["batch_id"],
                "participant_id": values["participant_id"],
                "scan_id": scan_pk,
                "checked_in_at": values["scanned_at"],
                "station": values["station"],
                "staff": values["staff"],
                "method": values["method"],
            },
        )
        if admitted.scalar() is None:
            # Another station admitted this participant since the lookup (maybe at this very instant): the
            # unique (batch, participant) constraint decided, and this scan is a duplicate of that one.
            result = ScanResult.duplicate
            await conn.execute(MARK_DUPLICATE, {"scan_pk": scan_pk, "result": result.value})
    return result


async def _store_in_one_statement(
    conn: AsyncConnection, values: dict[str, Any], admit: bool
) -> ScanResult | None:
    """PostgreSQL: scan and check-in in one self-committing statement (see PG_RECORD); None for a retry."""
    row = (await conn.execute(PG_RECORD, {**values, "admit": admit})).first()
    return None if row is None else ScanResult(row.result)


async def replay(
    session: AsyncSession, scan_id: str, batch_id: int, public_url: str | None = None
) -> ScanAnswer:
    """The answer a stored scan got, rebuilt from what was stored; Conflict if its id was used elsewhere."""
    row = (await (await session.connection()).execute(REPLAY, {"scan_id": scan_id})).first()
    if row is None or row.batch_id != batch_id:
        raise Conflict(
            "scan_id ini sudah dipakai · this scan_id was used for another batch", code=ErrorCode.SCAN_ID_USED
        )
    result = ScanResult(row.result)
    admitted = result in (ScanResult.ok, ScanResult.duplicate)
    walk_in = row.method == Method.walk_in.value and row.token is not None
    return ScanAnswer(
        result=result,
        timezone=row.timezone,
        participant=_person(row._mapping) if row.p_id is not None else None,
        checked_in_at=row.checked_in_at if admitted else None,
        station=row.station if admitted else None,
        expected_batch=BatchView(row.h_code, row.h_name, row.h_starts_at)
        if result is ScanResult.wrong_batch
        else None,
        pass_url=pass_url(public_url, row.token) if walk_in and public_url is not None else None,
    )


async def scan_pass(
    session: AsyncSession, slug: str, code: str, raw_token: str, scan: ScanInput
) -> ScanAnswer:
    """A pass scanned at a station of a batch: `ok`, `duplicate`, `wrong_batch`, `unknown` or `revoked`."""
    token = pass_token(raw_token)
    found = await _find(session, Who.token, slug, code, token, autocommit=one_statement(session))
    return await record(session, found, scan, Method.qr, token)


async def check_in_by_hand(
    session: AsyncSession,
    slug: str,
    code: str,
    scan: ScanInput,
    *,
    nip: str | None = None,
    participant_id: int | None = None,
) -> ScanAnswer:
    """A roster participant found by search and checked in by staff (by full NIP or participant id)."""
    if nip is not None:
        found = await _find(session, Who.nip, slug, code, normalise_nip(nip), one_statement(session))
    elif participant_id is not None:
        found = await _find(session, Who.participant_id, slug, code, participant_id, one_statement(session))
    else:
        raise Invalid("give participant_nip or participant_id", details=[])
    if found.participant_id is None:
        raise NotFound(
            "peserta tidak ditemukan di acara ini · no such participant in this event",
            code=ErrorCode.PARTICIPANT_NOT_FOUND,
        )
    return await record(session, found, scan, Method.manual)
