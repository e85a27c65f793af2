"""The organisers' console pages over real HTTP: every form's success, its errors shown on the form with the
typed values kept, the role it needs and its CSRF token."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient
from openpyxl import load_workbook

from eventops.accounts.auth import Role
from eventops.storage.models import Event, Participant
from tests.helpers import EVENT, bearer, create_event, stored
from tests.rosters import changed, make_rows, to_csv
from tests.web.forms import csrf_of, log_in

NEW_EVENT = {"slug": "ntb-2024", "name": "Pelatihan ASN NTB 2024", "timezone": "Asia/Makassar"}
BATCH_FORM = {
    "code": "K1",
    "name": "Kelompok 1",
    "starts_at": "2023-08-21T08:00",
    "ends_at": "2023-08-21T12:00",
    "venue": "The Stones Hotel",
    "zoom_meeting_id": "812 3456 7890",
    "zoom_kind": "webinar",
    "youtube_video_id": "abcDEF12345",
    "rules.online_min_minutes": "120",
    "rules.min_checkpoints": "",
}


async def post_form(client: TestClient, url: str, data: dict[str, str], csrf: bool = True) -> Any:
    """POST a form as the browser does (with the CSRF field unless told not to), without following."""
    fields = {**data, "csrf": csrf_of(client)} if csrf else data
    return await client.post(url, data=fields, allow_redirects=False)


def field_error(html: str, field: str) -> str | None:
    """The message shown under a form field, or None."""
    found = re.search(rf'data-field="{re.escape(field)}">([^<]*)<', html)
    return found.group(1) if found else None


def value_of(html: str, field: str) -> str | None:
    """The value a text input of the form holds."""
    found = re.search(rf'name="{re.escape(field)}" type="[a-z-]+" value="([^"]*)"', html)
    return found.group(1) if found else None


@pytest.fixture
async def organiser(client: TestClient, db_url: str) -> TestClient:
    """The client, logged in as an organiser."""
    await log_in(client, db_url)
    return client


# --- a new event ----------------------------------------------------------------------------------------


async def test_a_new_event_lands_on_its_page(organiser: TestClient, db_url: str) -> None:
    form = await organiser.get("/events/new")
    assert form.status == 200
    assert 'name="timezone"' in await form.text() and "Asia/Jayapura" in await form.text()
    resp = await post_form(organiser, "/events/new", NEW_EVENT)
    assert resp.status == 303 and resp.headers["Location"] == "/events/ntb-2024"
    [event] = await stored(db_url, Event)
    assert (event.slug, event.name, event.timezone) == ("ntb-2024", NEW_EVENT["name"], "Asia/Makassar")
    page = await organiser.get("/events/ntb-2024")
    assert page.status == 200 and NEW_EVENT["name"] in await page.text()


async def test_a_bad_event_shows_its_errors_with_the_values_kept(organiser: TestClient, db_url: str) -> None:
    resp = await post_form(organiser, "/events/new", {**NEW_EVENT, "slug": "NTB 2024!"})
    assert resp.status == 422
    html = await resp.text()
    assert field_error(html, "slug") == "Huruf kecil, angka dan tanda hubung, 1 sampai 64 karakter."
    assert value_of(html, "slug") == "NTB 2024!" and value_of(html, "name") == NEW_EVENT["name"]
    assert 'value="Asia/Makassar" selected' in html
    resp = await post_form(organiser, "/events/new", {**NEW_EVENT, "timezone": "Asia/Bali"})
    assert resp.status == 422 and field_error(await resp.text(), "timezone") is not None
    assert await stored(db_url, Event) == []


async def test_a_taken_slug_is_said_on_the_form(organiser: TestClient, db_url: str) -> None:
    assert (await post_form(organiser, "/events/new", NEW_EVENT)).status == 303
    resp = await post_form(organiser, "/events/new", {**NEW_EVENT, "name": "Lain"})
    assert resp.status == 409
    html = await resp.text()
    assert 'id="form-message"' in html and value_of(html, "name") == "Lain"
    assert len(await stored(db_url, Event)) == 1


async def test_console_pages_need_the_organiser_role(client: TestClient, db_url: str) -> None:
    await log_in(client, db_url, Role.moderator)
    for url in ("/events/new", "/events/x", "/events/x/roster", "/events/x/recap", "/events/x/recap.xlsx"):
        assert (await client.get(url)).status == 403, url
    assert (await post_form(client, "/events/new", NEW_EVENT)).status == 403
    assert (await post_form(client, "/events/x/batches", BATCH_FORM)).status == 403
    assert await stored(db_url, Event) == []


async def test_a_form_without_its_csrf_token_is_refused(organiser: TestClient, db_url: str) -> None:
    assert (await post_form(organiser, "/events/new", NEW_EVENT, csrf=False)).status == 403
    assert await stored(db_url, Event) == []


# --- batches --------------------------------------------------------------------------------------------


@pytest.fixture
async def event(organiser: TestClient, tokens: dict[str, str]) -> str:
    """The Bali event (WITA) without batches; its slug."""
    return await create_event(organiser, tokens["organiser"], batches=())


async def batches_json(client: TestClient, slug: str, token: str) -> list[dict[str, Any]]:
    """The event's batches as the JSON API shows them."""
    resp = await client.get(f"/api/v1/events/{slug}/batches", headers=bearer(token))
    return list((await resp.json())["batches"])


async def test_a_batch_is_added_with_times_in_the_events_zone(
    organiser: TestClient, event: str, tokens: dict[str, str]
) -> None:
    resp = await post_form(organiser, f"/events/{event}/batches", BATCH_FORM)
    assert resp.status == 303 and resp.headers["Location"] == f"/events/{event}"
    [batch] = await batches_json(organiser, event, tokens["organiser"])
    assert (
        batch["starts_at"] == "2023-08-21T08:00:00+08:00" and batch["ends_at"] == "2023-08-21T12:00:00+08:00"
    )
    assert (batch["zoom_meeting_id"], batch["zoom_kind"]) == ("81234567890", "webinar")
    assert batch["rules"]["online_min_minutes"] == 120 and batch["rules"]["min_checkpoints"] is None
    page = await (await organiser.get(f"/events/{event}")).text()
    assert 'data-code="K1"' in page and f'href="/events/{event}/batches/K1"' in page
    assert f'href="/dashboard/{event}/K1"' in page


async def test_a_bad_batch_shows_each_problem_with_the_values_kept(
    organiser: TestClient, event: str, tokens: dict[str, str]
) -> None:
    bad = {**BATCH_FORM, "ends_at": "2023-08-21T07:00", "rules.min_checkpoints": "dua"}
    resp = await post_form(organiser, f"/events/{event}/batches", bad)
    assert resp.status == 422
    html = await resp.text()
    assert field_error(html, "rules.min_checkpoints") == "Isi bilangan bulat."
    assert (
        value_of(html, "ends_at") == "2023-08-21T07:00" and value_of(html, "rules.min_checkpoints") == "dua"
    )
    resp = await post_form(
        organiser, f"/events/{event}/batches", {**BATCH_FORM, "ends_at": "2023-08-21T07:00"}
    )
    assert field_error(await resp.text(), "ends_at") == "Kelompok harus selesai setelah mulai."
    resp = await post_form(organiser, f"/events/{event}/batches", {**BATCH_FORM, "starts_at": "besok"})
    assert field_error(await resp.text(), "starts_at") == "Isi tanggal dan waktu yang sah."
    assert await batches_json(organiser, event, tokens["organiser"]) == []


async def test_field_problems_speak_english_after_the_switch(organiser: TestClient, event: str) -> None:
    organiser.session.cookie_jar.update_cookies({"lang": "en"})
    bad = {**BATCH_FORM, "code": "", "name": "N" * 201, "zoom_kind": "zoom", "ends_at": ""}
    html = await (await post_form(organiser, f"/events/{event}/batches", bad)).text()
    assert field_error(html, "name") == "At most 200 characters."
    assert field_error(html, "zoom_kind") == "Choose one of: meeting, webinar."
    assert field_error(html, "ends_at") == "Enter a date and time."
    html = await (
        await post_form(organiser, f"/events/{event}/batches", {**BATCH_FORM, "code": "K 1"})
    ).text()
    assert field_error(html, "code") == "Letters, digits, _ and -, 1 to 32 characters (e.g. K1)."


async def test_a_taken_batch_code_is_said_on_the_form(organiser: TestClient, event: str) -> None:
    assert (await post_form(organiser, f"/events/{event}/batches", BATCH_FORM)).status == 303
    resp = await post_form(organiser, f"/events/{event}/batches", {**BATCH_FORM, "name": "Lagi"})
    assert resp.status == 409 and value_of(await resp.text(), "name") == "Lagi"


async def test_a_batch_is_edited_from_its_filled_form(
    organiser: TestClient, event: str, tokens: dict[str, str]
) -> None:
    assert (await post_form(organiser, f"/events/{event}/batches", BATCH_FORM)).status == 303
    form = await (await organiser.get(f"/events/{event}?edit=K1")).text()
    assert value_of(form, "starts_at") == "2023-08-21T08:00" and value_of(form, "name") == "Kelompok 1"
    assert 'name="editing" value="K1"' in form
    edited = {**BATCH_FORM, "editing": "K1", "name": "Kelompok Satu", "starts_at": "2023-08-21T09:00"}
    resp = await post_form(organiser, f"/events/{event}/batches", edited)
    assert resp.status == 303
    [batch] = await batches_json(organiser, event, tokens["organiser"])
    assert (batch["code"], batch["name"], batch["starts_at"]) == (
        "K1",
        "Kelompok Satu",
        "2023-08-21T09:00:00+08:00",
    )
    resp = await post_form(organiser, f"/events/{event}/batches", {**edited, "editing": "K9"})
    assert resp.status == 404


async def test_an_unknown_event_is_404(organiser: TestClient) -> None:
    assert (await organiser.get("/events/nope")).status == 404
    assert (await post_form(organiser, "/events/nope/batches", BATCH_FORM)).status == 404


# --- the roster -----------------------------------------------------------------------------------------


def upload(client: TestClient, data: bytes, filename: str = "peserta.csv") -> FormData:
    """A multipart roster upload with the client's CSRF field."""
    form = FormData()
    form.add_field("csrf", csrf_of(client))
    form.add_field("file", io.BytesIO(data), filename=filename, content_type="text/csv")
    return form


@pytest.fixture
async def two_batches(organiser: TestClient, tokens: dict[str, str]) -> str:
    """The Bali event with K1 and K2; its slug."""
    return await create_event(organiser, tokens["organiser"])


async def test_a_roster_with_a_bad_row_lists_it_and_stores_nothing(
    organiser: TestClient, two_batches: str, db_url: str
) -> None:
    rows = changed(make_rows(4, seed=3), 2, nip="12345")
    resp = await organiser.post(f"/events/{two_batches}/roster", data=upload(organiser, to_csv(rows)))
    assert resp.status == 422
    html = await resp.text()
    assert re.search(r'class="issue" data-row="4" data-column="nip" data-code="nip_length"', html)
    assert 'id="import"' not in html
    assert await stored(db_url, Participant) == []


@pytest.mark.parametrize(
    ("headers", "said"),
    [
        (
            {},
            ("NIP terdiri atas 18 digit; yang ini 5 digit.", "Nomor HP '81234567890' kehilangan 0 di depan"),
        ),
        (
            {"Cookie": "lang=en"},
            ("A NIP has 18 digits; this one has 5.", "The phone number '81234567890' lost"),
        ),
    ],
)
async def test_roster_problems_and_warnings_speak_the_page_language(
    organiser: TestClient, two_batches: str, headers: dict[str, str], said: tuple[str, str]
) -> None:
    url = f"/events/{two_batches}/roster"
    bad = changed(make_rows(4, seed=3), 2, nip="12345")
    html = await (await organiser.post(url, data=upload(organiser, to_csv(bad)), headers=headers)).text()
    cells = re.search(
        r'data-row="4" data-column="nip" data-code="nip_length"><td>4</td><td>nip</td><td>([^<]*)<', html
    )
    assert cells is not None and cells.group(1) == said[0].replace("'", "&#39;")
    warned = changed(make_rows(2, seed=4), 1, phone="81234567890")
    html = await (await organiser.post(url, data=upload(organiser, to_csv(warned)), headers=headers)).text()
    assert re.search(r'class="warning">[^<]*3, phone: ' + re.escape(said[1].replace("'", "&#39;")), html)


async def test_a_roster_preview_stores_nothing_and_its_import_does(
    organiser: TestClient, two_batches: str, db_url: str
) -> None:
    rows = make_rows(6, seed=5)
    resp = await organiser.post(f"/events/{two_batches}/roster", data=upload(organiser, to_csv(rows)))
    assert resp.status == 200
    html = await resp.text()
    assert 'data-count="created">6<' in html
    assert await stored(db_url, Participant) == []
    found = re.search(r'name="upload_id" value="([^"]+)"', html)
    assert found is not None
    progress = f"/events/{two_batches}/roster/import/{found.group(1)}"
    assert f'data-progress="{progress}"' in html
    resp = await organiser.get(progress)  # no import of it has begun
    assert (resp.status, (await resp.json())["error"]) == (404, "not_found")
    resp = await post_form(
        organiser, f"/events/{two_batches}/roster/import", {"upload_id": found.group(1), "filename": "p.csv"}
    )
    assert resp.status == 200 and 'data-count="created">6<' in await resp.text()
    assert len(await stored(db_url, Participant)) == 6
    resp = await organiser.get(progress)
    assert (resp.status, await resp.json()) == (200, {"phase": "done", "done": 6, "total": 6})
    # the kept file is gone once imported: a second click imports nothing twice
    resp = await post_form(
        organiser, f"/events/{two_batches}/roster/import", {"upload_id": found.group(1), "filename": "p.csv"}
    )
    assert resp.status == 410
    page = await (await organiser.get(f"/events/{two_batches}")).text()
    assert re.search(r'id="roster-total">6 ', page)

    # the same file again: all unchanged; one changed name: one changed
    again = await organiser.post(
        f"/events/{two_batches}/roster", data=upload(organiser, to_csv(changed(rows, 0, name="X Y")))
    )
    html = await again.text()
    assert 'data-count="updated">1<' in html and 'data-count="unchanged">5<' in html


async def test_an_unknown_or_foreign_upload_id_imports_nothing(
    organiser: TestClient, two_batches: str, db_url: str
) -> None:
    for upload_id in ("", "../../etc/passwd", "A" * 22):
        resp = await post_form(organiser, f"/events/{two_batches}/roster/import", {"upload_id": upload_id})
        assert resp.status == 410, upload_id
    assert await stored(db_url, Participant) == []


async def test_a_roster_form_without_a_file_or_csrf_is_refused(
    organiser: TestClient, two_batches: str, db_url: str
) -> None:
    resp = await post_form(organiser, f"/events/{two_batches}/roster", {})
    assert resp.status == 400
    form = FormData()
    form.add_field("file", to_csv(make_rows(2)), filename="p.csv")
    assert (await organiser.post(f"/events/{two_batches}/roster", data=form)).status == 403
    too_big = b"nip,name\n" + b"x" * 2_000_000  # the test settings take 2,000,000 bytes
    assert (
        await organiser.post(f"/events/{two_batches}/roster", data=upload(organiser, too_big))
    ).status == 413
    assert await stored(db_url, Participant) == []


# --- the recap ------------------------------------------------------------------------------------------


async def test_the_recap_shows_and_downloads_every_agency(
    organiser: TestClient, two_batches: str, tokens: dict[str, str]
) -> None:
    rows = make_rows(8, seed=9)
    resp = await organiser.post(
        f"/api/v1/events/{two_batches}/roster", data=to_csv(rows), headers=bearer(tokens["organiser"])
    )
    assert resp.status == 200
    page = await organiser.get(f"/events/{two_batches}/recap")
    assert page.status == 200
    html = await page.text()
    for agency in {r.agency for r in rows}:
        assert agency in html
    resp = await organiser.get(f"/events/{two_batches}/recap.xlsx")
    assert resp.status == 200 and "attachment" in resp.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(await resp.read()))
    sheet = book["Rekap Acara"]
    *agencies, total = list(sheet.iter_rows(min_row=2, values_only=True))
    assert (
        total[0] == "Jumlah / Total" and total[1] == 8 and total[5] == 8
    )  # everyone absent: no evidence yet
    assert {a[0] for a in agencies} == {r.agency for r in rows}
    assert {row[0] for row in book["Rekap Kelompok"].iter_rows(min_row=2, values_only=True)} == {"K1", "K2"}


async def test_the_home_page_links_the_console_for_organisers(
    organiser: TestClient, two_batches: str, client: TestClient, db_url: str
) -> None:
    html = await (await organiser.get("/")).text()
    assert 'href="/events/new"' in html and f'href="/events/{EVENT["slug"]}"' in html
    await log_in(client, db_url, Role.staff)
    html = await (await client.get("/")).text()
    assert 'href="/events/new"' not in html and f'href="/events/{two_batches}"' not in html


async def test_a_finalized_batch_is_not_edited(
    organiser: TestClient, two_batches: str, tokens: dict[str, str]
) -> None:
    resp = await organiser.post(
        f"/api/v1/events/{two_batches}/batches/K1/finalize", headers=bearer(tokens["organiser"])
    )
    assert resp.status == 200, await resp.text()
    edited = {**BATCH_FORM, "editing": "K1", "name": "Berubah"}
    resp = await post_form(organiser, f"/events/{two_batches}/batches", edited)
    assert resp.status == 409 and value_of(await resp.text(), "name") == "Berubah"
    [k1, _] = await batches_json(organiser, two_batches, tokens["organiser"])
    assert k1["name"] == "Kelompok K1"
