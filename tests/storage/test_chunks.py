"""Chunked statements: the chunks cover the input in order, and a statement never passes the bind limit."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Column, Integer, MetaData, Table, bindparam, insert, select

from eventops.storage.chunks import (
    BINDS,
    MAX_BINDS,
    chunked,
    execute_rows,
    row_chunks,
    rows_per_statement,
    select_in,
)
from eventops.storage.db import create_engine


@given(st.lists(st.integers()), st.integers(min_value=1, max_value=50))
def test_chunks_cover_the_input_in_order_none_empty_none_too_long(items: list[int], size: int) -> None:
    chunks = list(chunked(items, size))
    assert [item for chunk in chunks for item in chunk] == items
    assert all(1 <= len(chunk) <= size for chunk in chunks)
    assert all(len(chunk) == size for chunk in chunks[:-1])


def test_a_chunk_of_nothing_is_refused() -> None:
    with pytest.raises(ValueError):
        list(chunked([1, 2], 0))


@given(st.integers(min_value=1, max_value=40), st.integers(min_value=0, max_value=100_000))
def test_row_chunks_stay_under_the_bind_limit(columns: int, count: int) -> None:
    rows = [{str(c): 0 for c in range(columns)}] * count
    chunks = list(row_chunks(rows))
    assert sum(len(c) for c in chunks) == count
    assert all(len(c) * columns <= BINDS < MAX_BINDS for c in chunks)
    assert rows_per_statement(columns) * columns > BINDS - columns  # as full as the limit allows


async def test_more_values_than_one_statement_may_bind(db_url: str) -> None:
    numbers = Table("numbers", MetaData(), Column("n", Integer, primary_key=True), prefixes=["TEMPORARY"])
    stored = range(0, 120_000, 3)
    wanted = list(range(0, 80_000, 2))  # 40,000: more than either database binds in one statement
    query = select(numbers.c.n).where(numbers.c.n.in_(bindparam("wanted", expanding=True)))
    engine = create_engine(db_url)
    try:
        async with engine.connect() as conn:
            await conn.run_sync(numbers.metadata.create_all)
            await execute_rows(conn, insert(numbers), [{"n": n} for n in stored])
            found = await select_in(conn, query, "wanted", wanted)
    finally:
        await engine.dispose()
    assert sorted(n for (n,) in found) == sorted(set(stored) & set(wanted))
