"""The check-in statements, built once: a scan is on the hot path, and building SQL per request costs more
than running it. Values travel as bound parameters (`:slug`, `:code`, `:who`, …)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Boolean, Integer, Select, String, Update, and_, bindparam, false, select, text, update
from sqlalchemy.dialects.postgresql import asyncpg as asyncpg_dialect

from eventops.storage.db import UTCDateTime, upsert
from eventops.storage.models import Batch, CheckIn, Event, Participant, Pass, Scan

SCANS = Scan.__table__  # type: ignore[attr-defined]
CHECKINS = CheckIn.__table__  # type: ignore[attr-defined]
PASSES = Pass.__table__  # type: ignore[attr-defined]
PARTICIPANTS = Participant.__table__  # type: ignore[attr-defined]
BATCHES = Batch.__table__  # type: ignore[attr-defined]
EVENTS = Event.__table__  # type: ignore[attr-defined]
HOME = BATCHES.alias("home_batch")  # the batch a participant is registered for
LIVE_PASS = PASSES.alias("live_pass")


class Who(enum.Enum):
    """How a lookup picks the participant: by pass token, NIP, participant id, or nobody (batch only)."""

    token = "token"
    nip = "nip"
    participant_id = "participant_id"
    nobody = "nobody"


PERSON_COLUMNS = (
    PARTICIPANTS.c.id.label("p_id"),
    PARTICIPANTS.c.name.label("p_name"),
    PARTICIPANTS.c.agency.label("p_agency"),
    PARTICIPANTS.c.unit.label("p_unit"),
    PARTICIPANTS.c.nip.label("p_nip"),
    HOME.c.id.label("h_id"),
    HOME.c.code.label("h_code"),
    HOME.c.name.label("h_name"),
    HOME.c.starts_at.label("h_starts_at"),
)


def _lookup(who: Who) -> Select[Any]:
    """One query for a door action: the batch (by :slug and :code), its event, the participant :who picks,
    their home batch, their pass (by token) and their check-in at this batch if there is one."""
    joined = BATCHES.join(EVENTS, EVENTS.c.id == BATCHES.c.event_id)
    columns: list[Any] = [EVENTS.c.id.label("event_id"), EVENTS.c.timezone, BATCHES.c.id.label("batch_id")]
    if who is Who.token:
        joined = joined.outerjoin(PASSES, PASSES.c.token == bindparam("who"))
        match = PARTICIPANTS.c.id == PASSES.c.participant_id
        columns += [PASSES.c.id.label("pass_id"), PASSES.c.revoked_at]
    elif who is Who.nip:
        match = PARTICIPANTS.c.nip == bindparam("who")
    elif who is Who.participant_id:
        match = PARTICIPANTS.c.id == bindparam("who")
    else:
        match = false()
    joined = (
        joined.outerjoin(PARTICIPANTS, and_(match, PARTICIPANTS.c.event_id == EVENTS.c.id))
        .outerjoin(HOME, HOME.c.id == PARTICIPANTS.c.batch_id)
        .outerjoin(
            CHECKINS,
            and_(CHECKINS.c.batch_id == BATCHES.c.id, CHECKINS.c.participant_id == PARTICIPANTS.c.id),
        )
    )
    columns += [*PERSON_COLUMNS, CHECKINS.c.checked_in_at.label("c_at"), CHECKINS.c.station.label("c_st")]
    return (
        select(*columns)
        .select_from(joined)
        .where(EVENTS.c.slug == bindparam("slug"), BATCHES.c.code == bindparam("code"))
    )


LOOKUPS: dict[Who, Select[Any]] = {who: _lookup(who) for who in Who}

MARK_DUPLICATE: Update = (
    update(SCANS).where(SCANS.c.id == bindparam("scan_pk")).values(result=bindparam("result"))
)
FIRST_CHECKIN: Select[Any] = select(CHECKINS.c.checked_in_at, CHECKINS.c.station).where(
    CHECKINS.c.batch_id == bindparam("batch_id"), CHECKINS.c.participant_id == bindparam("participant_id")
)
SCAN_SEEN: Select[Any] = select(SCANS.c.id).where(SCANS.c.scan_id == bindparam("scan_id"))

# A stored scan with what its answer showed: the participant, the check-in it met, the live pass (walk-ins).
REPLAY: Select[Any] = (
    select(
        SCANS.c.batch_id,
        SCANS.c.result,
        SCANS.c.method,
        EVENTS.c.timezone,
        *PERSON_COLUMNS,
        CHECKINS.c.checked_in_at,
        CHECKINS.c.station,
        LIVE_PASS.c.token,
    )
    .select_from(
        SCANS.join(EVENTS, EVENTS.c.id == SCANS.c.event_id)
        .outerjoin(PARTICIPANTS, PARTICIPANTS.c.id == SCANS.c.participant_id)
        .outerjoin(HOME, HOME.c.id == PARTICIPANTS.c.batch_id)
        .outerjoin(
            CHECKINS,
            and_(
                CHECKINS.c.batch_id == SCANS.c.batch_id,
                CHECKINS.c.participant_id == SCANS.c.participant_id,
            ),
        )
        .outerjoin(
            LIVE_PASS, and_(LIVE_PASS.c.participant_id == PARTICIPANTS.c.id, LIVE_PASS.c.revoked_at.is_(None))
        )
    )
    .where(SCANS.c.scan_id == bindparam("scan_id"))
)


@dataclass(frozen=True)
class Inserts:
    """The two insert-or-nothing statements of a dialect; each returns the new id, or no row on conflict."""

    scan: Any
    checkin: Any


def _inserts(dialect_name: str) -> Inserts:
    return Inserts(
        scan=upsert(dialect_name, SCANS)
        .on_conflict_do_nothing(index_elements=["scan_id"])
        .returning(SCANS.c.id),
        checkin=upsert(dialect_name, CHECKINS)
        .on_conflict_do_nothing(index_elements=["batch_id", "participant_id"])
        .returning(CHECKINS.c.id),
    )


INSERTS = {name: _inserts(name) for name in ("sqlite", "postgresql")}


# PostgreSQL: the scan and its check-in in ONE statement (atomic on its own, so no BEGIN/COMMIT round trips).
# The scan's id is drawn first so the check-in can point at it; a check-in that loses the race (the unique
# (batch, participant) index, even against a transaction still in flight) turns the scan into a duplicate.
# No row back means the scan_id was stored already: a retry.
PG_RECORD = text(
    """
WITH ids AS (SELECT nextval(pg_get_serial_sequence('scans', 'id')) AS id),
admitted AS (
    INSERT INTO checkins (batch_id, participant_id, scan_id, checked_in_at, station, staff, method)
    SELECT :batch_id, :participant_id, ids.id, :scanned_at, :station, :staff, :method FROM ids
    WHERE :admit AND NOT EXISTS (SELECT 1 FROM scans WHERE scan_id = :scan_id)
    ON CONFLICT (batch_id, participant_id) DO NOTHING
    RETURNING scan_id
)
INSERT INTO scans (id, scan_id, event_id, batch_id, participant_id, pass_id, token, station, staff, method,
                   result, scanned_at, received_at)
SELECT ids.id, :scan_id, :event_id, :batch_id, :participant_id, :pass_id, :token, :station, :staff, :method,
       CASE WHEN :admit AND NOT EXISTS (SELECT 1 FROM admitted) THEN 'duplicate' ELSE :result END,
       :scanned_at, :received_at
FROM ids
ON CONFLICT (scan_id) DO NOTHING
RETURNING id, result
"""
).bindparams(
    bindparam("admit", type_=Boolean()),
    bindparam("batch_id", type_=Integer()),
    bindparam("event_id", type_=Integer()),
    bindparam("participant_id", type_=Integer()),
    bindparam("pass_id", type_=Integer()),
    bindparam("scan_id", type_=String()),
    bindparam("token", type_=String()),
    bindparam("station", type_=String()),
    bindparam("staff", type_=String()),
    bindparam("method", type_=String()),
    bindparam("result", type_=String()),
    bindparam("scanned_at", type_=UTCDateTime()),
    bindparam("received_at", type_=UTCDateTime()),
)


@dataclass(frozen=True)
class Raw:
    """A statement compiled once for asyncpg itself ($1, $2, …): the scan path on PostgreSQL skips
    SQLAlchemy's per-execute work (parameter processing, result objects), which costs more than the query."""

    sql: str
    names: tuple[str, ...]

    def args(self, params: dict[str, Any]) -> list[Any]:
        """The positional arguments, in the order of the compiled statement."""
        return [params[name] for name in self.names]


def _raw(statement: Any) -> Raw:
    compiled = statement.compile(dialect=asyncpg_dialect.dialect())
    return Raw(compiled.string, tuple(compiled.positiontup or ()))


# PostgreSQL's raw scan path: the lookup by pass token (inside PG_RAW_SCAN) and a race's winner.
PG_RAW_LOOKUP = _raw(LOOKUPS[Who.token])
PG_RAW_FIRST_CHECKIN = _raw(FIRST_CHECKIN)

# PostgreSQL: a whole pass scan in ONE self-committing statement (one round trip): the token lookup
# (above), the result it plans (as `checkin._classify`), then PG_RECORD's two inserts fed from it. It answers
# the lookup's row plus `stored`, the stored result (NULL when the scan_id was stored already: a retry); no
# row when the batch does not exist. The pass id is kept only for this event's participant (as `_find`).
assert PG_RAW_LOOKUP.names == ("who", "slug", "code")  # PG_RAW_SCAN numbers its own parameters from $4
PG_RAW_SCAN = Raw(
    f"""
WITH found AS ({PG_RAW_LOOKUP.sql}),
planned AS (
    SELECT found.*,
           CASE WHEN found.p_id IS NULL THEN 'unknown'
                WHEN found.revoked_at IS NOT NULL THEN 'revoked'
                WHEN found.h_id IS DISTINCT FROM found.batch_id THEN 'wrong_batch'
                WHEN found.c_at IS NOT NULL THEN 'duplicate'
                ELSE 'ok' END AS planned
    FROM found
),
ids AS (SELECT nextval(pg_get_serial_sequence('scans', 'id')) AS id),
admitted AS (
    INSERT INTO checkins (batch_id, participant_id, scan_id, checked_in_at, station, staff, method)
    SELECT planned.batch_id, planned.p_id, ids.id, $4::TIMESTAMP WITH TIME ZONE, $5::VARCHAR, $6::VARCHAR,
           $9::VARCHAR
    FROM planned, ids
    WHERE planned.planned = 'ok' AND NOT EXISTS (SELECT 1 FROM scans WHERE scan_id = $7::VARCHAR)
    ON CONFLICT (batch_id, participant_id) DO NOTHING
    RETURNING scan_id
),
stored AS (
    INSERT INTO scans (id, scan_id, event_id, batch_id, participant_id, pass_id, token, station, staff,
                       method, result, scanned_at, received_at)
    SELECT ids.id, $7::VARCHAR, planned.event_id, planned.batch_id, planned.p_id,
           CASE WHEN planned.p_id IS NULL THEN NULL ELSE planned.pass_id END,
           $1::VARCHAR, $5::VARCHAR, $6::VARCHAR, $9::VARCHAR,
           CASE WHEN planned.planned = 'ok' AND NOT EXISTS (SELECT 1 FROM admitted) THEN 'duplicate'
                ELSE planned.planned END,
           $4::TIMESTAMP WITH TIME ZONE, $8::TIMESTAMP WITH TIME ZONE
    FROM planned, ids
    ON CONFLICT (scan_id) DO NOTHING
    RETURNING result
)
SELECT planned.*, (SELECT result FROM stored) AS stored FROM planned
""",
    (*PG_RAW_LOOKUP.names, "scanned_at", "station", "staff", "scan_id", "received_at", "method"),
)
