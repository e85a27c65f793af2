"""The check-in statements, built once: a scan is on the hot path, and building SQL per request costs more
than running it. Values travel as bound parameters (`:slug`, `:code`, `:who`, …)."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, Select, String, and_, bindparam, false, select, text
from sqlalchemy.dialects.postgresql import asyncpg as asyncpg_dialect

from eventops.door import rules
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
    PARTICIPANTS.c.mode.label("p_mode"),
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


# A scan whose check-in stored nothing (the transaction path; see `scans._store_in_transaction`): its result
# settled as on PostgreSQL's one-statement paths, by the check-in that points at it or not.
SETTLE = text(
    "UPDATE scans SET result = "
    + rules.settled_sql(
        "result",
        "EXISTS (SELECT 1 FROM checkins WHERE checkins.batch_id = scans.batch_id"
        " AND checkins.participant_id = scans.participant_id AND checkins.scan_id = scans.id)",
    )
    + " WHERE id = :scan_pk RETURNING result"
).bindparams(bindparam("scan_pk", type_=Integer()))


def _admit_and_store(value: Mapping[str, str]) -> str:
    """PostgreSQL: the CTEs after a one-row `planned` (event_id, batch_id, p_id, pass_id and the `planned`
    result) that store a scan in ONE statement (atomic on its own, so no BEGIN/COMMIT round trips):
    `admitted`, the check-in when the plan admits, then `stored`, the scan, answering its result (no row when
    the scan_id was stored already: a retry). `value` spells the other values in the statement's parameter
    style.

    The scan's id is drawn first so the check-in can point at it; a check-in that loses the race (the unique
    (batch, participant) index, even against a transaction still in flight) settles the scan as a duplicate.
    """
    return f"""
ids AS (SELECT nextval(pg_get_serial_sequence('scans', 'id')) AS id),
admitted AS (
    INSERT INTO checkins (batch_id, participant_id, scan_id, checked_in_at, station, staff, method)
    SELECT planned.batch_id, planned.p_id, ids.id, {value["scanned_at"]}, {value["station"]},
           {value["staff"]}, {value["method"]}
    FROM planned, ids
    WHERE {rules.admits_sql("planned.planned")}
      AND NOT EXISTS (SELECT 1 FROM scans WHERE scan_id = {value["scan_id"]})
    ON CONFLICT (batch_id, participant_id) DO NOTHING
    RETURNING scan_id
),
stored AS (
    INSERT INTO scans (id, scan_id, event_id, batch_id, participant_id, pass_id, token, station, staff,
                       method, result, scanned_at, received_at)
    SELECT ids.id, {value["scan_id"]}, planned.event_id, planned.batch_id, planned.p_id,
           CASE WHEN planned.p_id IS NULL THEN NULL ELSE planned.pass_id END,
           {value["token"]}, {value["station"]}, {value["staff"]}, {value["method"]},
           {rules.settled_sql("planned.planned", "EXISTS (SELECT 1 FROM admitted)")},
           {value["scanned_at"]}, {value["received_at"]}
    FROM planned, ids
    ON CONFLICT (scan_id) DO NOTHING
    RETURNING result
)"""


_SCAN_VALUES = ("scan_id", "token", "station", "staff", "method", "scanned_at", "received_at")

# PostgreSQL: a scan planned in Python (its lookup done already: manual check-in) stored in one statement.
PG_RECORD = text(
    f"""
WITH planned AS (
    SELECT :event_id AS event_id, :batch_id AS batch_id, :participant_id AS p_id, :pass_id AS pass_id,
           :result AS planned
),{_admit_and_store({name: f":{name}" for name in _SCAN_VALUES})}
SELECT result FROM stored
"""
).bindparams(
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


# PostgreSQL's raw scan path: a whole pass scan in ONE self-committing statement (one round trip): the lookup
# by pass token, the result it plans (`rules.case_sql`, as `rules.classify` on the lookup's row), then the
# check-in and the scan (`_admit_and_store`). It answers the lookup's row plus `stored`, the stored result
# (NULL when the scan_id was stored already: a retry); no row when the batch does not exist. The pass id is
# stored only for this event's participant (as `scans._find`).
PG_RAW_LOOKUP = _raw(LOOKUPS[Who.token])
assert PG_RAW_LOOKUP.names == ("who", "slug", "code")  # PG_RAW_SCAN numbers its own parameters from $4
assert set(LOOKUPS[Who.token].selected_columns.keys()) >= rules.COLUMNS  # what the rules read
_RAW_TYPES = {
    "scanned_at": "TIMESTAMP WITH TIME ZONE",
    "station": "VARCHAR",
    "staff": "VARCHAR",
    "scan_id": "VARCHAR",
    "received_at": "TIMESTAMP WITH TIME ZONE",
    "method": "VARCHAR",
}
_RAW_NAMES = (*PG_RAW_LOOKUP.names, *_RAW_TYPES)
_RAW_VALUES = {"token": "$1::VARCHAR"} | {
    name: f"${_RAW_NAMES.index(name) + 1}::{kind}" for name, kind in _RAW_TYPES.items()
}
PG_RAW_SCAN = Raw(
    f"""
WITH found AS ({PG_RAW_LOOKUP.sql}),
planned AS (SELECT found.*, {rules.case_sql("found")} AS planned FROM found),{_admit_and_store(_RAW_VALUES)}
SELECT planned.*, (SELECT result FROM stored) AS stored FROM planned
""",
    _RAW_NAMES,
)
