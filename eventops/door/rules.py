"""The door's result rules, defined once: an ordered table that `classify` reads in Python and `case_sql`
renders as the SQL `CASE` PostgreSQL's one-statement scan plans with, so the two cannot drift apart.

A condition reads the columns of a door lookup's row (`sql.LOOKUPS`): `p_id` (the participant; NULL when the
pass or NIP is not of this event), `revoked_at` (the scanned pass's revocation; a lookup without a pass has no
such column, which counts as NULL), `h_id` (the participant's own batch), `batch_id` (the batch at the door)
and `c_at` (their check-in at it, if any). The race between stations is settled afterwards, in SQL
(`settled_sql`), once the database has decided whose check-in was first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from eventops.door.answers import ScanResult


@dataclass(frozen=True, slots=True)
class IsNull:
    """The column is NULL (or missing from the row)."""

    column: str

    @property
    def columns(self) -> tuple[str, ...]:
        """The lookup columns the condition reads."""
        return (self.column,)

    def holds(self, row: Mapping[str, Any]) -> bool:
        """Whether the condition holds for a lookup row."""
        return row.get(self.column) is None

    def sql(self, table: str) -> str:
        """The condition in SQL, over the columns of `table`."""
        return f"{table}.{self.column} IS NULL"


@dataclass(frozen=True, slots=True)
class IsSet:
    """The column is not NULL."""

    column: str

    @property
    def columns(self) -> tuple[str, ...]:
        """The lookup columns the condition reads."""
        return (self.column,)

    def holds(self, row: Mapping[str, Any]) -> bool:
        """Whether the condition holds for a lookup row."""
        return row.get(self.column) is not None

    def sql(self, table: str) -> str:
        """The condition in SQL, over the columns of `table`."""
        return f"{table}.{self.column} IS NOT NULL"


@dataclass(frozen=True, slots=True)
class Differs:
    """The two columns differ, NULL counting as a value of its own (SQL's `IS DISTINCT FROM`)."""

    column: str
    other: str

    @property
    def columns(self) -> tuple[str, ...]:
        """The lookup columns the condition reads."""
        return (self.column, self.other)

    def holds(self, row: Mapping[str, Any]) -> bool:
        """Whether the condition holds for a lookup row."""
        return bool(row.get(self.column) != row.get(self.other))

    def sql(self, table: str) -> str:
        """The condition in SQL, over the columns of `table`."""
        return f"{table}.{self.column} IS DISTINCT FROM {table}.{self.other}"


Condition = IsNull | IsSet | Differs


@dataclass(frozen=True, slots=True)
class Rule:
    """A door result and the condition on the lookup row that gives it."""

    result: ScanResult
    when: Condition


# The first rule that holds decides, so the order is the contract: a revoked pass answers `revoked` even for
# someone of another batch or someone already in; someone registered for another batch answers `wrong_batch`
# even when they have a check-in here (moved by a roster re-import after it).
RULES: tuple[Rule, ...] = (
    Rule(ScanResult.unknown, IsNull("p_id")),
    Rule(ScanResult.revoked, IsSet("revoked_at")),
    Rule(ScanResult.wrong_batch, Differs("h_id", "batch_id")),
    Rule(ScanResult.duplicate, IsSet("c_at")),
)
OTHERWISE = ScanResult.ok  # when no rule holds
ADMITS = ScanResult.ok  # the one result that stores a check-in
LOST_RACE = ScanResult.duplicate  # a scan planned to admit whose check-in another station stored first
COLUMNS = frozenset(column for rule in RULES for column in rule.when.columns)


def classify(row: Mapping[str, Any]) -> ScanResult:
    """The result a door action plans, from its lookup row: that of the first rule that holds."""
    for rule in RULES:
        if rule.when.holds(row):
            return rule.result
    return OTHERWISE


def _literal(result: ScanResult) -> str:
    return f"'{result.value}'"  # the codes are plain words: nothing to escape


def case_sql(table: str) -> str:
    """`classify` as a SQL `CASE` over the lookup columns of `table`."""
    whens = " ".join(f"WHEN {rule.when.sql(table)} THEN {_literal(rule.result)}" for rule in RULES)
    return f"CASE {whens} ELSE {_literal(OTHERWISE)} END"


def admits_sql(planned: str) -> str:
    """SQL: whether the planned result (a SQL expression) stores a check-in."""
    return f"{planned} = {_literal(ADMITS)}"


def settled_sql(planned: str, admitted: str) -> str:
    """SQL for the result to store: the planned one, except that a scan planned to admit whose check-in was
    not stored (`admitted`, a SQL condition, is false) lost the race to another station: a duplicate."""
    return f"CASE WHEN {admits_sql(planned)} AND NOT {admitted} THEN {_literal(LOST_RACE)} ELSE {planned} END"
