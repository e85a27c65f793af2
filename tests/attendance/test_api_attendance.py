"""The attendance API over HTTP: records, finalize and reopen, overrides, the summary and the downloads."""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections import Counter
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from eventops.attendance.rules import MODES, STATUSES
from tests.helpers import AttendanceWorld, bearer, checkin, db_session, seed_attendance, wita

BATCH = "/api/v1/events/bali-2023/batches/K1"


@pytest.fixture
async def world(db_url: str) -> AttendanceWorld:
    """The seeded Bali event."""
    return await seed_attendance(db_url)


async def _json(client: TestClient, method: str, path: str, token: str, body: Any = None) -> tuple[int, Any]:
    resp = await client.request(method, BATCH + path, json=body, headers=bearer(token))
    return resp.status, await resp.json()


async def _override(client: TestClient, token: str, nip: str, **body: Any) -> tuple[int, Any]:
    fields = {"participant_nip": nip, "status": "present", "mode": "form", "reason": "absen manual", **body}
    return await _json(client, "POST", "/overrides", token, fields)


async def test_records_as_json_in_the_event_zone(
    client: TestClient, tokens: dict[str, str], world: AttendanceWorld
) -> None:
    status, body = await _json(client, "GET", "/attendance", tokens["organiser"])
    assert status == 200 and body["frozen"] is False and body["count"] == 11
    venue = next(r for r in body["records"] if r["nip"] == world.nips["venue"])
    assert venue["checked_in_at"] == "2023-08-21T07:45:00+08:00"
    assert (venue["status"], venue["mode"], venue["sources"], venue["flags"]) == (
        "present",
        "offline",
        ["offline"],
        [],
    )
    visitor = next(r for r in body["records"] if r["nip"] == world.nips["visitor"])
    assert visitor["flags"] == ["wrong_batch"]


async def test_override_with_a_reason_shows_as_manual(
    client: TestClient, tokens: dict[str, str], world: AttendanceWorld
) -> None:
    status, body = await _override(client, tokens["organiser"], world.nips["absent"], reason="")
    assert status == 422 and body["error"] == "invalid"
    status, body = await _override(client, tokens["organiser"], world.nips["absent"], mode="phone")
    assert status == 422
    status, body = await _override(client, tokens["organiser"], "199912312020121001")
    assert status == 404 and body["error"] == "participant_not_found"
    status, body = await _override(client, tokens["organiser"], world.nips["absent"])
    assert status == 201, body
    record = body["record"]
    assert (record["status"], record["mode"], record["flags"]) == ("present", "form", ["manual"])
    assert record["computed_status"] == "absent"
    assert record["override"]["by"] == "test-organiser" and record["override"]["reason"] == "absen manual"


async def test_the_api_takes_every_status_and_mode_the_service_declares(
    client: TestClient, tokens: dict[str, str], world: AttendanceWorld
) -> None:
    for status, mode in itertools.product(STATUSES, (*MODES, None)):
        code, body = await _override(
            client, tokens["organiser"], world.nips["absent"], status=status, mode=mode
        )
        if (status == "absent") == (mode is None):
            assert code == 201, (status, mode, body)
            assert (body["record"]["status"], body["record"]["mode"]) == (status, mode)
        else:
            assert code == 422 and [e["field"] for e in body["errors"]] == ["mode"], (status, mode, body)
    code, body = await _override(client, tokens["organiser"], world.nips["absent"], status="late", mode=None)
    assert code == 422 and body["error"] == "invalid"


async def test_finalize_freezes_until_reopened(
    client: TestClient, tokens: dict[str, str], world: AttendanceWorld, db_url: str
) -> None:
    organiser = tokens["organiser"]
    status, body = await _json(client, "POST", "/finalize", organiser)
    assert status == 200 and body["frozen"] is True and body["finalized_at"].endswith("+08:00")
    assert body["by_status"] == {"present": 7, "partial": 2, "absent": 2}
    status, body = await _json(client, "POST", "/finalize", organiser)
    assert (status, body["error"]) == (409, "already_finalized")
    status, body = await _override(client, organiser, world.nips["venue"])
    assert (status, body["error"]) == (409, "batch_finalized")

    async with db_session(db_url) as session:
        session.add(checkin(world.k1, world.ids["absent"], wita(21, 8, 30)))
        await session.commit()
    status, body = await _json(client, "GET", "/attendance", organiser)
    assert body["frozen"] is True
    assert next(r for r in body["records"] if r["nip"] == world.nips["absent"])["status"] == "absent"

    status, body = await _json(client, "POST", "/reopen", organiser, {})
    assert status == 422
    status, body = await _json(client, "POST", "/reopen", organiser, {"reason": "registrasi susulan"})
    assert status == 200 and body["frozen"] is False and body["finalized_at"] is None
    status, body = await _json(client, "POST", "/reopen", organiser, {"reason": "lagi"})
    assert (status, body["error"]) == (409, "not_finalized")
    status, body = await _json(client, "GET", "/attendance", organiser)
    assert next(r for r in body["records"] if r["nip"] == world.nips["absent"])["status"] == "present"


def _csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


@pytest.mark.parametrize("finalized", [False, True], ids=["live", "finalized"])
async def test_csv_numbers_agree_with_the_summary(
    client: TestClient, tokens: dict[str, str], world: AttendanceWorld, finalized: bool
) -> None:
    await _override(client, tokens["organiser"], world.nips["form_partial"], status="present")
    if finalized:
        assert (await _json(client, "POST", "/finalize", tokens["organiser"]))[0] == 200
    resp = await client.get(BATCH + "/attendance.csv", headers=bearer(tokens["organiser"]))
    assert resp.status == 200 and resp.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = resp.headers["Content-Disposition"]
    assert disposition == 'attachment; filename="daftar-hadir_bali-2023_K1_2023-08-21.csv"'
    rows = _csv(await resp.read())
    assert len(rows) == len({r["nip"] for r in rows}) == 11

    status, summary = await _json(client, "GET", "/summary", tokens["moderator"])
    assert status == 200 and summary["frozen"] is finalized
    assert summary["total"] == len(rows)
    assert summary["by_status"] == dict.fromkeys(("present", "partial", "absent"), 0) | Counter(
        r["status"] for r in rows
    )
    assert {k: v for k, v in summary["by_mode"].items() if v} == Counter(r["mode"] for r in rows if r["mode"])
    assert sorted(g["agency"] for g in summary["by_agency"]) == sorted({r["agency"] for r in rows})
    for group in summary["by_agency"]:
        mine = [r for r in rows if r["agency"] == group["agency"]]
        assert group["expected"] == len(mine)
        assert group["present_offline"] == sum(
            r["status"] == "present" and r["mode"] == "offline" for r in mine
        )
        assert group["partial"] == sum(r["status"] == "partial" for r in mine)
        assert group["absent"] == sum(r["status"] == "absent" for r in mine)
    assert summary["overall"]["attendance_pct"] == round(100 * 8 / 11, 1)
    assert not any(nip in json.dumps(summary) for nip in world.nips.values())  # counts only, no NIPs


async def test_downloads_in_every_format(
    client: TestClient, tokens: dict[str, str], world: AttendanceWorld
) -> None:
    for fmt, content_type, magic in (
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
        ("pdf", "application/pdf", b"%PDF-"),
    ):
        resp = await client.get(f"{BATCH}/attendance.{fmt}", headers=bearer(tokens["organiser"]))
        assert resp.status == 200 and resp.headers["Content-Type"] == content_type
        assert resp.headers["Content-Disposition"].endswith(f'_K1_2023-08-21.{fmt}"')
        assert (await resp.read()).startswith(magic)


async def test_roles(client: TestClient, tokens: dict[str, str], world: AttendanceWorld) -> None:
    for path in ("/attendance", "/attendance.csv", "/attendance.xlsx", "/attendance.pdf"):
        resp = await client.get(BATCH + path, headers=bearer(tokens["moderator"]))
        assert resp.status == 403, path
    for path in ("/finalize", "/reopen", "/overrides"):
        resp = await client.post(BATCH + path, json={}, headers=bearer(tokens["moderator"]))
        assert resp.status == 403, path
    assert (await client.get(BATCH + "/summary", headers=bearer(tokens["staff"]))).status == 403
    assert (await client.get(BATCH + "/summary", headers=bearer(tokens["moderator"]))).status == 200
    assert (await client.get(BATCH + "/summary")).status == 401


async def test_unknown_batch_or_event(
    client: TestClient, tokens: dict[str, str], world: AttendanceWorld
) -> None:
    for path in (
        "/api/v1/events/bali-2023/batches/K9/attendance.csv",
        "/api/v1/events/nowhere/batches/K1/summary",
    ):
        resp = await client.get(path, headers=bearer(tokens["organiser"]))
        assert resp.status == 404
        assert (await resp.json())["error"] in {"batch_not_found", "event_not_found"}
    resp = await client.post(
        "/api/v1/events/bali-2023/batches/K9/finalize", headers=bearer(tokens["organiser"])
    )
    assert resp.status == 404
