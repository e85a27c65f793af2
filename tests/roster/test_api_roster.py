"""Roster import through the HTTP API: clean files, every kind of bad row, encodings, XLSX, re-import."""

from __future__ import annotations

import asyncio
import io
from typing import Any

from aiohttp import FormData
from aiohttp.test_utils import TestClient

from tests.helpers import bearer, create_event
from tests.rosters import make_rows, to_csv, to_xlsx

HEADER = "nip,nama,instansi,unit_kerja,email,no_hp,kelompok,mode"
GOOD = "198503122010011003,I Made Sudarma,Pemprov Bali,Diskominfo,made@baliprov.go.id,081234567890,K1,luring"


async def _import(client: TestClient, token: str, body: bytes, *, dry_run: bool = False, **kw: Any) -> Any:
    url = "/api/v1/events/bali-2023/roster" + ("?dry_run=1" if dry_run else "")
    return await client.post(url, data=body, headers={**bearer(token), **kw.get("headers", {})})


async def _participants(client: TestClient, token: str, **query: str) -> list[dict[str, Any]]:
    resp = await client.get(
        "/api/v1/events/bali-2023/participants", params={"limit": "500", **query}, headers=bearer(token)
    )
    assert resp.status == 200
    return (await resp.json())["participants"]


async def _tokens_by_nip(client: TestClient, db_url: str) -> dict[str, str]:
    from sqlmodel import select

    from eventops.storage.db import create_engine, make_sessionmaker
    from eventops.storage.models import Participant, Pass

    engine = create_engine(db_url)
    async with make_sessionmaker(engine)() as session:
        rows = (await session.exec(select(Participant.nip, Pass.token).join(Pass))).all()
    await engine.dispose()
    return {nip: token for nip, token in rows if nip}


async def test_clean_5000_row_file_imports(client: TestClient, tokens: dict[str, str], db_url: str) -> None:
    await create_event(client, tokens["organiser"])
    rows = make_rows(5000, batches=("K1", "K2"), seed=1)
    resp = await _import(client, tokens["organiser"], to_csv(rows))
    assert resp.status == 200, (await resp.text())[:2000]
    body = await resp.json()
    assert (body["created"], body["updated"], body["unchanged"]) == (5000, 0, 0)
    passes = await _tokens_by_nip(client, db_url)
    assert len(passes) == 5000 and len(set(passes.values())) == 5000
    assert all(len(t) >= 22 and nip not in t for nip, t in passes.items())


async def test_dry_run_validates_and_stores_nothing(client: TestClient, tokens: dict[str, str]) -> None:
    await create_event(client, tokens["organiser"])
    resp = await _import(client, tokens["organiser"], f"{HEADER}\n{GOOD}\n".encode(), dry_run=True)
    assert resp.status == 200
    assert (await resp.json())["created"] == 1
    assert await _participants(client, tokens["organiser"]) == []


BAD_ROWS = {
    "nip_length": ("19850312201001100", "nip"),
    "nip_birth_date": ("198513322010011003", "nip"),
    "nip_sex": ("198503122010013003", "nip"),
    "nip_excel_number": ("1.98503E+17", "nip"),
    "required": ("199001022015031004,,Pemprov Bali", "name"),
    "email_invalid": ("199001022015031004,Budi,Pemprov Bali,Setda,budi@", "email"),
    "phone_invalid": ("199001022015031004,Budi,Pemprov Bali,Setda,,12ab", "phone"),
    "batch_unknown": ("199001022015031004,Budi,Pemprov Bali,Setda,,,K9", "batch"),
    "mode_invalid": ("199001022015031004,Budi,Pemprov Bali,Setda,,,K1,hybrid", "mode"),
}


def _bad_line(spec: str) -> str:
    cells = spec.split(",") if "," in spec else [spec, "Budi Santoso", "Pemprov Bali"]
    defaults = ["", "Budi Santoso", "Pemprov Bali", "Setda", "", "", "K1", "daring"]
    cells = cells + defaults[len(cells) :]
    return ",".join(cells)


async def test_each_bad_row_is_reported_and_nothing_is_stored(
    client: TestClient, tokens: dict[str, str]
) -> None:
    await create_event(client, tokens["organiser"])
    for code, (spec, column) in BAD_ROWS.items():
        body = f"{HEADER}\n{GOOD}\n{_bad_line(spec)}\n".encode()
        resp = await _import(client, tokens["organiser"], body)
        assert resp.status == 422, code
        payload = await resp.json()
        assert payload["error"] == "roster_invalid"
        assert [(e["row"], e["column"], e["code"]) for e in payload["errors"]] == [(3, column, code)], code
        # the problem's sentence in the request's language (Indonesian by default), the service's beside it
        assert all(e["message"] != e["detail"] and "%(" not in e["message"] for e in payload["errors"]), code
    assert await _participants(client, tokens["organiser"]) == []


async def test_roster_problems_speak_the_request_language(client: TestClient, tokens: dict[str, str]) -> None:
    await create_event(client, tokens["organiser"])
    body = f"{HEADER}\n{GOOD}\n{_bad_line(BAD_ROWS['batch_unknown'][0])}\n".encode()
    said = {}
    for language in ("id", "en"):
        resp = await _import(client, tokens["organiser"], body, headers={"Accept-Language": language})
        (problem,) = (await resp.json())["errors"]
        assert (problem["row"], problem["column"], problem["code"]) == (3, "batch", "batch_unknown")
        assert "'K9'" in problem["detail"]
        said[language] = problem["message"]
    assert said == {
        "id": "Acara ini tidak punya kelompok 'K9' (yang ada: k1, k2).",
        "en": "The event has no batch 'K9' (it has: k1, k2).",
    }


async def test_duplicate_nip_in_one_file_is_rejected(client: TestClient, tokens: dict[str, str]) -> None:
    await create_event(client, tokens["organiser"])
    resp = await _import(client, tokens["organiser"], f"{HEADER}\n{GOOD}\n{GOOD}\n".encode())
    assert resp.status == 422
    errors = (await resp.json())["errors"]
    assert [(e["row"], e["code"]) for e in errors] == [(3, "nip_duplicate")]


async def test_every_error_is_listed(client: TestClient, tokens: dict[str, str]) -> None:
    await create_event(client, tokens["organiser"])
    lines = [_bad_line(spec) for spec, _ in BAD_ROWS.values()]
    resp = await _import(client, tokens["organiser"], "\n".join([HEADER, *lines]).encode())
    assert resp.status == 422
    assert len((await resp.json())["errors"]) >= len(BAD_ROWS)


async def test_semicolon_file_with_bom(client: TestClient, tokens: dict[str, str]) -> None:
    await create_event(client, tokens["organiser"])
    text = f"{HEADER}\n{GOOD}\n".replace(",", ";")
    resp = await _import(client, tokens["organiser"], b"\xef\xbb\xbf" + text.encode())
    assert resp.status == 200, await resp.text()
    [person] = await _participants(client, tokens["organiser"])
    assert person["name"] == "I Made Sudarma" and person["mode"] == "offline" and person["batch"] == "K1"


async def test_windows_1252_file(client: TestClient, tokens: dict[str, str]) -> None:
    await create_event(client, tokens["organiser"])
    line = GOOD.replace("I Made Sudarma", "Ni Luh Putu Ayu Setiawatí")
    resp = await _import(client, tokens["organiser"], f"{HEADER}\n{line}\n".encode("cp1252"))
    assert resp.status == 200, await resp.text()
    [person] = await _participants(client, tokens["organiser"])
    assert person["name"] == "Ni Luh Putu Ayu Setiawatí"


async def test_xlsx_file_as_multipart(client: TestClient, tokens: dict[str, str]) -> None:
    await create_event(client, tokens["organiser"])
    rows = make_rows(40, batches=("K1", "K2"), seed=2)
    form = FormData()
    form.add_field(
        "file",
        to_xlsx(rows),
        filename="peserta.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    resp = await client.post(
        "/api/v1/events/bali-2023/roster", data=form, headers=bearer(tokens["organiser"])
    )
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["created"] == 40
    assert len(await _participants(client, tokens["organiser"], batch="K2")) == 20


async def test_xlsx_with_nip_as_number_is_rejected_with_advice(
    client: TestClient, tokens: dict[str, str]
) -> None:
    await create_event(client, tokens["organiser"])
    resp = await _import(
        client, tokens["organiser"], to_xlsx(make_rows(3, batches=("K1",)), nip_as_number=True)
    )
    assert resp.status == 422
    errors = (await resp.json())["errors"]
    assert {e["code"] for e in errors} == {"nip_excel_number"}
    assert "Teks" in errors[0]["message"] and "Text" in errors[0]["detail"]


async def test_reimport_updates_by_nip_and_keeps_passes(
    client: TestClient, tokens: dict[str, str], db_url: str
) -> None:
    await create_event(client, tokens["organiser"])
    rows = make_rows(30, batches=("K1", "K2"), seed=3)
    assert (await _import(client, tokens["organiser"], to_csv(rows))).status == 200
    before = await _tokens_by_nip(client, db_url)
    moved = f"{HEADER}\n{GOOD}\n".encode()  # one new person
    resp = await _import(client, tokens["organiser"], to_csv(rows) + moved.split(b"\n", 1)[1])
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["created"] == 1 and (await resp.json())["unchanged"] == 30
    changed = to_csv(rows).replace(b",K1,", b",K2,")
    resp = await _import(client, tokens["organiser"], changed)
    body = await resp.json()
    assert body["updated"] == 15 and body["created"] == 0
    after = await _tokens_by_nip(client, db_url)
    assert {nip: after[nip] for nip in before} == before


async def test_staff_see_masked_nips_only(client: TestClient, tokens: dict[str, str]) -> None:
    await create_event(client, tokens["organiser"])
    await _import(client, tokens["organiser"], f"{HEADER}\n{GOOD}\n".encode())
    [as_staff] = await _participants(client, tokens["staff"], q="sudar")
    assert as_staff["nip"] == "198503**********03" and "email" not in as_staff and "phone" not in as_staff
    [as_organiser] = await _participants(client, tokens["organiser"], q="sudar")
    assert as_organiser["nip"] == "198503122010011003" and as_organiser["phone"]


async def test_oversized_and_empty_uploads(client: TestClient, tokens: dict[str, str]) -> None:
    await create_event(client, tokens["organiser"])
    resp = await _import(client, tokens["organiser"], io.BytesIO(b"x" * 2_100_000))  # type: ignore[arg-type]
    assert resp.status == 413
    resp = await _import(client, tokens["organiser"], b"")
    assert resp.status == 400
    resp = await _import(client, tokens["organiser"], b"\x00\x01\x02garbage\xff" * 50)
    assert resp.status == 422


async def test_the_server_answers_while_a_big_xlsx_is_parsed(
    client: TestClient, tokens: dict[str, str]
) -> None:
    await create_event(client, tokens["organiser"])
    data = to_xlsx(make_rows(4_000))
    upload = asyncio.create_task(_import(client, tokens["organiser"], data, dry_run=True))
    answered = 0  # health checks answered while the file was still being read
    while not upload.done():
        resp = await client.get("/healthz")
        assert resp.status == 200
        answered += not upload.done()
    resp = await upload
    assert resp.status == 200 and (await resp.json())["created"] == 4_000
    # Parsed on the event loop, the file lets two checks through (tried); read in a thread, a dozen or more
    # (fewer on a busy machine, where the checks slow down as much as the reading).
    assert answered >= 5
