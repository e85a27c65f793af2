"""Roster import in the service: a province-sized roster, more rows than one statement may bind."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from eventops.catalog import events
from eventops.roster import importer as roster
from eventops.storage.models import Participant, Pass
from tests.helpers import db_session
from tests.rosters import make_rows, to_csv

ROWS = 40_000


@pytest.fixture(scope="module")
def big_roster() -> bytes:
    """40,000 rows over two batches, made once for both databases."""
    return to_csv(make_rows(ROWS, batches=("K1", "K2"), seed=40))


async def test_40000_row_roster_imports_with_a_pass_each(db_url: str, big_roster: bytes) -> None:
    async with db_session(db_url) as session:
        event = await events.create_event(session, "jatim-2024", "Jawa Timur 2024", "Asia/Jakarta")
        start = datetime(2024, 3, 4, 1, tzinfo=UTC)
        for day, code in enumerate(("K1", "K2")):
            at = start + timedelta(days=day)
            await events.create_batch(
                session, event, events.BatchInput(code, code, at, at + timedelta(hours=4))
            )
        result = await roster.import_roster(session, event, big_roster, filename="peserta.csv")
        people = await session.scalar(select(func.count()).select_from(Participant))
        passes = (
            await session.exec(select(func.count(), func.count(func.distinct(Pass.participant_id))))
        ).one()
    assert (result.created, result.updated, result.unchanged) == (ROWS, 0, 0)
    assert people == ROWS
    assert tuple(passes) == (ROWS, ROWS)
