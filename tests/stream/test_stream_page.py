"""The stream page's checkpoint forms: open and close a code from the browser, with errors on the form."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient

from eventops.accounts import auth
from eventops.accounts.auth import Role
from eventops.storage.models import Checkpoint
from eventops.timeutil import to_utc, utcnow
from tests.helpers import (
    EVENT,
    bearer,
    db_session,
    hadir_result,
    open_checkpoint,
    post_hadir,
    seed_door,
    stored,
)

PAGE = f"/stream/{EVENT['slug']}/K1"
API = f"/api/v1/events/{EVENT['slug']}/batches/K1/checkpoints"


async def _log_in(client: TestClient, db_url: str, role: Role) -> str:
    """A browser session for `role` on the client; the CSRF token its pages carry."""
    async with db_session(db_url) as session:
        token = await auth.create_token(session, role, f"page-{role.name}", kind="session")
    client.session.cookie_jar.update_cookies({"eventops_session": token})
    page = await client.get(PAGE)
    assert page.status == 200, await page.text()
    found = re.search(r'name="csrf" value="([^"]+)"', await page.text())
    assert found is not None
    return found.group(1)


def _local(minutes: int) -> str:
    """A `datetime-local` value `minutes` from now in the event's zone (WITA)."""
    return (utcnow() + timedelta(hours=8, minutes=minutes)).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
async def moderator(client: TestClient, tokens: dict[str, str], db_url: str) -> str:
    """The Bali event and a moderator logged in through the browser; their CSRF token."""
    await seed_door(client, tokens["organiser"])
    return await _log_in(client, db_url, Role.moderator)


async def test_a_moderator_opens_a_code_from_the_page_and_viewers_can_use_it(
    client: TestClient, moderator: str, db_url: str
) -> None:
    resp = await client.post(
        f"{PAGE}/checkpoints",
        data={"csrf": moderator, "code": " 4821 ", "opens_at": "", "closes_at": _local(15)},
        allow_redirects=False,
    )
    assert resp.status == 303 and resp.headers["Location"] == PAGE
    [row] = await stored(db_url, Checkpoint)
    assert row.code == "4821" and row.created_by == "page-moderator"
    assert to_utc(row.opens_at) <= utcnow() < to_utc(row.closes_at) <= utcnow() + timedelta(minutes=16)
    html = await (await client.get(PAGE)).text()
    assert 'data-code="4821" data-state="open"' in html
    assert hadir_result((await post_hadir(client, "198503122010011003", "4821"))[1]) == "recorded"


async def test_a_bad_code_or_window_shows_on_the_form_with_what_was_typed(
    client: TestClient, moderator: str, db_url: str
) -> None:
    typed = {"csrf": moderator, "code": "x", "opens_at": _local(10), "closes_at": _local(5)}
    resp = await client.post(f"{PAGE}/checkpoints", data=typed)
    html = await resp.text()
    assert resp.status == 422
    assert "Kode: 2–32 huruf atau angka" in html and "Waktu tutup harus" in html
    assert (
        'value="x"' in html
        and f'value="{typed["opens_at"]}"' in html
        and f'value="{typed["closes_at"]}"' in html
    )
    resp = await client.post(f"{PAGE}/checkpoints", data={**typed, "code": "ABC", "closes_at": "soon"})
    assert resp.status == 422 and "expected YYYY-MM-DDTHH:MM" in await resp.text()
    assert await stored(db_url, Checkpoint) == []


async def test_a_code_used_already_is_said_on_the_form(
    client: TestClient, moderator: str, db_url: str
) -> None:
    form = {"csrf": moderator, "code": "4821", "opens_at": "", "closes_at": _local(15)}
    assert (await client.post(f"{PAGE}/checkpoints", data=form, allow_redirects=False)).status == 303
    resp = await client.post(f"{PAGE}/checkpoints", data=form)
    assert resp.status == 409 and "Kode ini sudah dipakai" in await resp.text()
    assert len(await stored(db_url, Checkpoint)) == 1


async def test_closing_a_code_stops_answers_counting(client: TestClient, moderator: str, db_url: str) -> None:
    form = {"csrf": moderator, "code": "4821", "opens_at": "", "closes_at": _local(15)}
    await client.post(f"{PAGE}/checkpoints", data=form, allow_redirects=False)
    resp = await client.post(
        f"{PAGE}/checkpoints/4821/close", data={"csrf": moderator}, allow_redirects=False
    )
    assert resp.status == 303
    [row] = await stored(db_url, Checkpoint)
    assert to_utc(row.closes_at) <= utcnow()
    assert 'data-code="4821" data-state="closed"' in await (await client.get(PAGE)).text()
    assert hadir_result((await post_hadir(client, "198503122010011003", "4821"))[1]) == "closed"
    resp = await client.post(f"{PAGE}/checkpoints/NOPE/close", data={"csrf": moderator})
    assert resp.status == 404 and "text/html" in resp.headers["Content-Type"]


async def test_the_forms_need_the_csrf_token(client: TestClient, moderator: str, db_url: str) -> None:
    resp = await client.post(f"{PAGE}/checkpoints", data={"code": "4821", "closes_at": _local(15)})
    assert resp.status == 403
    resp = await client.post(f"{PAGE}/checkpoints/4821/close", data={})
    assert resp.status == 403
    assert await stored(db_url, Checkpoint) == []


async def test_door_staff_may_not_open_or_close_codes(
    client: TestClient, tokens: dict[str, str], db_url: str
) -> None:
    await seed_door(client, tokens["organiser"])
    async with db_session(db_url) as session:
        token = await auth.create_token(session, Role.staff, "page-staff", kind="session")
    client.session.cookie_jar.update_cookies({"eventops_session": token, "eventops_csrf": "c" * 32})
    assert (await client.get(PAGE)).status == 403
    form = {"csrf": "c" * 32, "code": "4821", "closes_at": _local(15)}
    assert (await client.post(f"{PAGE}/checkpoints", data=form)).status == 403
    assert await stored(db_url, Checkpoint) == []


async def test_the_api_closes_a_code(client: TestClient, tokens: dict[str, str], db_url: str) -> None:
    await seed_door(client, tokens["organiser"])
    now = utcnow()
    await open_checkpoint(
        client, tokens["moderator"], "4821", now - timedelta(minutes=1), now + timedelta(hours=1)
    )
    resp = await client.post(f"{API}/4821/close", headers=bearer(tokens["moderator"]))
    body = await resp.json()
    assert resp.status == 200 and body["code"] == "4821" and body["submissions"] == 0
    [row] = await stored(db_url, Checkpoint)
    closed_at = row.closes_at
    assert to_utc(closed_at) <= utcnow()
    again = await client.post(f"{API}/4821/close", headers=bearer(tokens["moderator"]))
    assert again.status == 200 and (await stored(db_url, Checkpoint))[0].closes_at == closed_at
    missing = await client.post(f"{API}/NOPE/close", headers=bearer(tokens["moderator"]))
    assert missing.status == 404 and (await missing.json())["error"] == "checkpoint_not_found"
    assert (await client.post(f"{API}/4821/close", headers=bearer(tokens["staff"]))).status == 403


async def test_the_page_runs_only_its_own_script_and_drops_the_reload(
    client: TestClient, moderator: str
) -> None:
    resp = await client.get(PAGE)
    html = await resp.text()
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
    assert 'http-equiv="refresh"' not in html and "<script>" not in html and "/static/stream.js" in html
