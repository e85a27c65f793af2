"""Statements over many values, cut into chunks that both databases accept.

A statement may carry at most 32,767 bind parameters through asyncpg (the protocol counts them in 16 bits)
and 32,766 on SQLite (SQLITE_MAX_VARIABLE_NUMBER's default since 3.32; Debian builds it with 250,000). Every
chunk here keeps under the smaller, less room for the statement's own parameters (an event id, a state):
`BINDS`, the same 32,700 that SQLAlchemy's own "insertmanyvalues" batching keeps to.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Executable

T = TypeVar("T")
MAX_BINDS = 32_766  # min(asyncpg: 32,767, SQLite: 32,766)
BINDS = MAX_BINDS - 66  # what the chunked values may take of one statement


def chunked(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of `items`, in order: none empty, none longer than `size`."""
    if size < 1:
        raise ValueError(f"a chunk holds at least one item, not {size}")
    for start in range(0, len(items), size):
        yield items[start : start + size]


def rows_per_statement(columns: int) -> int:
    """How many rows of `columns` values one statement may carry (a multi-row INSERT, say)."""
    return BINDS // columns


def row_chunks(rows: Sequence[Mapping[str, Any]]) -> Iterator[Sequence[Mapping[str, Any]]]:
    """`rows` (alike parameter dicts) in chunks of at most `BINDS` values each."""
    return chunked(rows, rows_per_statement(len(rows[0]))) if rows else iter(())


async def execute_rows(
    conn: AsyncConnection, statement: Executable, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Execute `statement` once for each of `rows` (executemany), a chunk of rows at a time."""
    for chunk in row_chunks(rows):
        await conn.execute(statement, list(chunk))


async def select_in(conn: AsyncConnection, query: Executable, name: str, values: Sequence[Any]) -> list[Any]:
    """Rows of `query` for every chunk of `values` bound to its expanding parameter `name`."""
    rows: list[Any] = []
    for chunk in chunked(values, BINDS):
        rows.extend((await conn.execute(query, {name: list(chunk)})).all())
    return rows
