"""The attendance service on a real database: facts to records, finalize and reopen, overrides, audit."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime

import pytest
from sqlmodel import select

from eventops.attendance import records as attendance
from eventops.attendance.rules import AttendanceRecord
from eventops.catalog import events
from eventops.errors import Conflict, Invalid, NotFound
from eventops.storage.models import AttendanceRecordRow, AuditEntry, Batch, Scan
from tests.helpers import AttendanceWorld, checkin, db_session, seed_attendance, wita, zoom

AFTER = wita(21, 13)  # an hour after K1 ended


@pytest.fixture
async def world(db_url: str) -> AttendanceWorld:
    """The seeded Bali event."""
    return await seed_attendance(db_url)


async def _records(db_url: str, code: str = "K1", now: datetime = AFTER) -> dict[int, AttendanceRecord]:
    async with db_session(db_url) as session:
        batch = (await session.exec(select(Batch).where(Batch.code == code))).one()
        return {int(r.participant_id): r for r in await attendance.compute(session, batch, now)}


def _verdict(r: AttendanceRecord) -> tuple[str, str | None, tuple[str, ...], tuple[str, ...]]:
    return r.status, r.mode, r.sources, r.flags


async def test_every_kind_of_evidence_gives_one_record_each(db_url: str, world: AttendanceWorld) -> None:
    records = await _records(db_url)
    ids = world.ids
    # the K1 roster, K2's visitor who checked in here, and the walk-in; no one else
    assert sorted(records) == sorted([*ids.values(), world.walk_in])
    assert _verdict(records[ids["venue"]]) == ("present", "offline", ("offline",), ())
    assert records[ids["venue"]].checked_in_at == wita(21, 7, 45)
    zoom2 = records[ids["zoom2"]]
    assert _verdict(zoom2) == ("present", "zoom", ("zoom",), ("shared_identity",))
    assert zoom2.online_minutes == 210  # 08.00-11.30: the two devices' overlap counts once
    assert (zoom2.first_seen, zoom2.last_seen) == (wita(21, 8), wita(21, 11, 30))
    partial = records[ids["zoom_partial"]]
    assert _verdict(partial) == ("partial", "zoom", ("zoom",), ()) and partial.online_minutes == 60
    stream = records[ids["stream"]]
    assert _verdict(stream) == ("present", "youtube", ("youtube",), ()) and stream.checkpoints == 2
    form = records[ids["form_partial"]]
    assert _verdict(form) == ("partial", "form", ("form",), ()) and form.checkpoints == 1
    assert _verdict(records[ids["absent"]]) == ("absent", None, (), ())
    assert records[ids["absent"]].first_seen is None
    hybrid = records[ids["hybrid"]]
    assert _verdict(hybrid) == ("present", "offline", ("offline", "zoom"), ("venue_and_online",))
    assert hybrid.online_minutes == 240
    assert _verdict(records[world.walk_in]) == ("present", "offline", ("offline",), ())


async def test_wrong_batch_is_flagged_on_both_sides(db_url: str, world: AttendanceWorld) -> None:
    k1 = await _records(db_url, "K1")
    assert _verdict(k1[world.ids["elsewhere"]]) == ("absent", None, (), ("wrong_batch",))
    assert _verdict(k1[world.ids["visitor"]]) == ("present", "offline", ("offline",), ("wrong_batch",))
    k2 = await _records(db_url, "K2", now=wita(22, 13))
    assert _verdict(k2[world.ids["visitor"]]) == ("absent", None, (), ("wrong_batch",))
    assert _verdict(k2[world.ids["elsewhere"]]) == ("present", "offline", ("offline",), ("wrong_batch",))
    assert set(k2) == {world.ids["visitor"], world.ids["elsewhere"]}


async def test_a_refused_scan_at_another_batch_is_flagged(db_url: str, world: AttendanceWorld) -> None:
    # The door answers `wrong_batch` and stores only the scan, no check-in.
    async with db_session(db_url) as session:
        event = await events.get_event(session, world.slug)
        session.add(
            Scan(
                scan_id="s-1",
                event_id=event.id,
                batch_id=world.k2,
                participant_id=world.ids["absent"],
                station="Gate 2",
                staff="petugas",
                result="wrong_batch",
                scanned_at=wita(22, 7, 40),
            )
        )
        await session.commit()
    assert _verdict((await _records(db_url))[world.ids["absent"]]) == ("absent", None, (), ("wrong_batch",))
    assert world.ids["absent"] not in await _records(db_url, "K2", now=wita(22, 13))


async def test_an_open_zoom_session_lasts_until_now_or_the_end(db_url: str, world: AttendanceWorld) -> None:
    during = await _records(db_url, now=wita(21, 9))
    assert (during[world.ids["open"]].status, during[world.ids["open"]].online_minutes) == ("partial", 60)
    after = await _records(db_url, now=AFTER)
    assert (after[world.ids["open"]].status, after[world.ids["open"]].online_minutes) == ("present", 240)
    assert after[world.ids["open"]].last_seen == wita(21, 12)


async def test_override_needs_a_reason_is_audited_and_flags_manual(
    db_url: str, world: AttendanceWorld
) -> None:
    async with db_session(db_url) as session:
        with pytest.raises(Invalid) as refused:
            await attendance.add_override(
                session, world.slug, "K1", world.nips["absent"], "present", "form", "  ", "panitia"
            )
        assert refused.value.details[0]["field"] == "reason"
        with pytest.raises(Invalid):
            await attendance.add_override(
                session, world.slug, "K1", world.nips["absent"], "absent", "zoom", "salah", "panitia"
            )
        with pytest.raises(NotFound):
            await attendance.add_override(
                session, world.slug, "K1", "199912312020121001", "present", "form", "x", "panitia"
            )
        result = await attendance.add_override(
            session,
            world.slug,
            "K1",
            world.nips["absent"],
            "present",
            "form",
            "isi formulir kertas",
            "panitia",
        )
    record = result.record
    assert (record.status, record.mode, record.flags) == ("present", "form", ("manual",))
    assert (record.computed_status, record.computed_mode) == ("absent", None)
    assert record.override is not None and record.override.by == "panitia"
    assert record.override.reason == "isi formulir kertas"
    assert (await _records(db_url))[world.ids["absent"]].flags == ("manual",)
    async with db_session(db_url) as session:
        [entry] = (
            await session.exec(select(AuditEntry).where(AuditEntry.action == "attendance.override"))
        ).all()
    assert (entry.actor, entry.subject, entry.batch_id) == ("panitia", world.nips["absent"], world.k1)
    assert json.loads(entry.details)["reason"] == "isi formulir kertas"


async def test_the_newest_override_applies(db_url: str, world: AttendanceWorld) -> None:
    async with db_session(db_url) as session:
        for status, mode in (("present", "offline"), ("absent", None)):
            await attendance.add_override(
                session, world.slug, "K1", world.nips["venue"], status, mode, f"jadi {status}", "panitia"
            )
    record = (await _records(db_url))[world.ids["venue"]]
    assert (record.status, record.computed_status, record.flags) == ("absent", "present", ("manual",))


async def test_override_for_someone_outside_the_batch_is_refused(db_url: str, world: AttendanceWorld) -> None:
    async with db_session(db_url) as session:
        with pytest.raises(Invalid) as refused:
            await attendance.add_override(
                session, world.slug, "K2", world.nips["venue"], "present", "zoom", "x", "panitia"
            )
    assert refused.value.code == "participant_not_in_batch"


async def _stored(db_url: str, batch_id: int) -> dict[int, AttendanceRecordRow]:
    async with db_session(db_url) as session:
        rows = (
            await session.exec(select(AttendanceRecordRow).where(AttendanceRecordRow.batch_id == batch_id))
        ).all()
    return {r.participant_id: r for r in rows}


async def test_finalize_stores_and_freezes_the_records(db_url: str, world: AttendanceWorld) -> None:
    async with db_session(db_url) as session:
        await attendance.add_override(
            session, world.slug, "K1", world.nips["absent"], "partial", "zoom", "koneksi putus", "panitia"
        )
        done = await attendance.finalize(session, world.slug, "K1", "panitia")
    assert done.frozen and done.batch.finalized_at is not None
    stored = await _stored(db_url, world.k1)
    assert len(stored) == len(done.records) == 11
    assert (
        stored[world.ids["absent"]].flags == "manual"
        and stored[world.ids["absent"]].computed_status == "absent"
    )
    assert stored[world.ids["hybrid"]].sources == "offline;zoom"

    async with db_session(db_url) as session:
        session.add(checkin(world.k1, world.ids["zoom_partial"], wita(21, 10)))  # a late sync of the door
        await session.commit()
        frozen = await attendance.batch_attendance(session, world.slug, "K1")
        assert frozen.frozen and frozen.records == done.records  # the stored records, as computed
        with pytest.raises(Conflict) as refused:
            await attendance.add_override(
                session, world.slug, "K1", world.nips["venue"], "absent", None, "x", "panitia"
            )
        assert refused.value.code == "batch_finalized"
        with pytest.raises(Conflict) as again:
            await attendance.finalize(session, world.slug, "K1", "panitia")
        assert again.value.code == "already_finalized"
        [entry] = (
            await session.exec(select(AuditEntry).where(AuditEntry.action == "attendance.finalize"))
        ).all()
    assert entry.actor == "panitia" and json.loads(entry.details)["records"]["present"] == 7


async def test_reopen_is_audited_and_the_next_finalize_recomputes(
    db_url: str, world: AttendanceWorld
) -> None:
    async with db_session(db_url) as session:
        await attendance.finalize(session, world.slug, "K1", "panitia")
        session.add(checkin(world.k1, world.ids["zoom_partial"], wita(21, 10)))
        await session.commit()
        with pytest.raises(Invalid):
            await attendance.reopen(session, world.slug, "K1", "kepala", " ")
        _, batch = await attendance.reopen(session, world.slug, "K1", "kepala", "data registrasi terlambat")
        assert batch.finalized_at is None
        with pytest.raises(Conflict) as not_final:
            await attendance.reopen(session, world.slug, "K1", "kepala", "lagi")
        assert not_final.value.code == "not_finalized"
        [entry] = (
            await session.exec(select(AuditEntry).where(AuditEntry.action == "attendance.reopen"))
        ).all()
        assert (entry.actor, json.loads(entry.details)) == ("kepala", {"reason": "data registrasi terlambat"})
        live = await attendance.batch_attendance(session, world.slug, "K1")
        assert not live.frozen
        assert _verdict(next(r for r in live.records if r.participant_id == world.ids["zoom_partial"]))[
            :2
        ] == (
            "present",
            "offline",
        )
        # the earlier records stay stored until the next finalize replaces them
        assert (await _stored(db_url, world.k1))[world.ids["zoom_partial"]].status == "partial"
        await attendance.finalize(session, world.slug, "K1", "panitia")
    stored = await _stored(db_url, world.k1)
    assert len(stored) == 11 and stored[world.ids["zoom_partial"]].status == "present"


async def test_concurrent_finalizes_store_once(db_url: str, world: AttendanceWorld) -> None:
    async def attempt() -> str:
        async with db_session(db_url) as session:
            try:
                await attendance.finalize(session, world.slug, "K1", "panitia")
            except Conflict as exc:
                return exc.code
            return "ok"

    assert sorted(await asyncio.gather(attempt(), attempt())) == ["already_finalized", "ok"]
    assert len(await _stored(db_url, world.k1)) == 11
    async with db_session(db_url) as session:
        entries = (
            await session.exec(select(AuditEntry).where(AuditEntry.action == "attendance.finalize"))
        ).all()
    assert len(entries) == 1


async def test_unmatched_and_other_batch_sessions_are_ignored(db_url: str, world: AttendanceWorld) -> None:
    async with db_session(db_url) as session:
        # a K1 participant's Zoom time in K2's meeting does not count for K1
        session.add(zoom(world.k2, world.ids["absent"], "k2-c1", "Absent", wita(22, 8), wita(22, 12)))
        await session.commit()
    assert (await _records(db_url))[world.ids["absent"]].status == "absent"


async def test_a_batch_without_participants_finalizes_empty(db_url: str, world: AttendanceWorld) -> None:
    async with db_session(db_url) as session:
        event = await events.get_event(session, world.slug)
        await events.create_batch(
            session, event, events.BatchInput("K3", "Kelompok K3", wita(23, 8), wita(23, 12))
        )
        done = await attendance.finalize(session, world.slug, "K3", "panitia")
    assert done.records == [] and done.summary().overall.expected == 0


async def test_finalize_first_matches_connections_nobody_matched_yet(
    db_url: str, world: AttendanceWorld
) -> None:
    from eventops.storage.models import Participant

    async with db_session(db_url) as session:
        person = await session.get(Participant, world.ids["absent"])
        assert person is not None
        session.add(zoom(world.k1, None, "late-c1", f"K1_{person.name}", wita(21, 8), wita(21, 12)))
        await session.commit()
    assert (await _records(db_url))[world.ids["absent"]].status == "absent"  # computing alone does not match
    async with db_session(db_url) as session:
        done = await attendance.finalize(session, world.slug, "K1", "panitia")
    [record] = [r for r in done.records if r.participant_id == world.ids["absent"]]
    assert (record.status, record.mode) == ("present", "zoom")
