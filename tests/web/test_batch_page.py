"""The organisers' batch page over real HTTP: every form's success, refusal, role and CSRF checks."""

from __future__ import annotations

import re
from datetime import timedelta

from aiohttp.test_utils import TestClient
from sqlmodel import select

from eventops.accounts.auth import Role
from eventops.catalog import events
from eventops.storage.models import AuditEntry, Batch, Override, Pass
from eventops.timeutil import utcnow
from tests.helpers import bearer, db_session, live_passes, seed_attendance, stored
from tests.web.forms import log_in, post_form, shown_done, shown_error

PAGE = "/events/bali-2023/batches/K1"


async def _batch(db_url: str, code: str) -> Batch:
    async with db_session(db_url) as session:
        return (await session.exec(select(Batch).where(Batch.code == code))).one()


async def _future_batch(db_url: str) -> str:
    """Batch K3 of the Bali event, running from an hour ago to three hours from now."""
    async with db_session(db_url) as session:
        event = await events.get_event(session, "bali-2023")
        now = utcnow()
        data = events.BatchInput(
            "K3", "Kelompok K3", now - timedelta(hours=1), now + timedelta(hours=3), "Aula"
        )
        await events.create_batch(session, event, data)
    return "/events/bali-2023/batches/K3"


async def test_the_page_shows_the_service_recap(
    client: TestClient, db_url: str, tokens: dict[str, str]
) -> None:
    await seed_attendance(db_url)
    await log_in(client, db_url)
    resp = await client.get(PAGE)
    html = await resp.text()
    assert resp.status == 200, html
    assert (
        "no-store" in resp.headers["Cache-Control"]
        and "script-src 'self'" in resp.headers["Content-Security-Policy"]
    )
    api = await (await client.get(f"/api/v1{PAGE}/summary", headers=bearer(tokens["organiser"]))).json()
    for status, n in api["by_status"].items():
        assert f'data-status="{status}">{n}<' in html
    for mode, n in api["by_mode"].items():
        assert f'data-mode="{mode}">{n}<' in html
    for group in api["by_agency"]:
        assert group["agency"] in html
    for fmt in ("csv", "xlsx", "pdf"):
        assert f'href="/api/v1{PAGE}/attendance.{fmt}"' in html
    assert 'href="/stream/bali-2023/K1"' in html and 'data-frozen="no"' in html


async def test_the_downloads_linked_from_the_page_accept_the_session_cookie(
    client: TestClient, db_url: str
) -> None:
    await seed_attendance(db_url)
    await log_in(client, db_url)
    resp = await client.get(f"/api/v1{PAGE}/attendance.xlsx")
    assert resp.status == 200 and (await resp.read())[:2] == b"PK"
    resp = await client.get(f"/api/v1{PAGE}/attendance.csv")
    assert resp.status == 200 and (await resp.text()).startswith("nip,name,agency")


async def test_moderators_and_staff_are_refused(client: TestClient, db_url: str) -> None:
    await seed_attendance(db_url)
    for role in (Role.moderator, Role.staff):
        await log_in(client, db_url, role)
        assert (await client.get(PAGE)).status == 403
        status, _ = await post_form(client, PAGE + "/finalize", {"confirm": "1"})
        assert status == 403
        status, _ = await post_form(
            client, "/admin/users", {"name": "x", "role": "organiser", "password": "p" * 9}
        )
        assert status == 403
    assert (await _batch(db_url, "K1")).finalized_at is None
    client.session.cookie_jar.clear()
    resp = await client.get(PAGE, allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"].startswith("/login")


async def test_finalize_asks_for_confirmation_first(client: TestClient, db_url: str) -> None:
    await seed_attendance(db_url)
    await log_in(client, db_url)
    status, html = await post_form(client, PAGE + "/finalize", {})
    assert status == 200 and 'name="confirm" value="1"' in html and 'id="confirm"' in html
    assert (await _batch(db_url, "K1")).finalized_at is None

    status, html = await post_form(client, PAGE + "/finalize", {"confirm": "1"})
    assert status == 200, html
    assert shown_done(html) == "finalize" and 'data-frozen="yes"' in html
    assert (await _batch(db_url, "K1")).finalized_at is not None
    status, html = await post_form(client, PAGE + "/finalize", {"confirm": "1"})
    assert status == 409 and shown_error(html) == "already_finalized"


async def test_finalize_before_the_end_needs_finalize_early(client: TestClient, db_url: str) -> None:
    await seed_attendance(db_url)
    page = await _future_batch(db_url)
    await log_in(client, db_url)
    status, html = await post_form(client, page + "/finalize", {"confirm": "1"})
    assert status == 409 and shown_error(html) == "batch_not_ended"
    assert (await _batch(db_url, "K3")).finalized_at is None

    status, html = await post_form(client, page + "/finalize", {"finalize_early": "1"})
    assert status == 200 and 'name="finalize_early" value="1"' in html  # carried to the confirmation
    status, html = await post_form(client, page + "/finalize", {"finalize_early": "1", "confirm": "1"})
    assert status == 200 and shown_done(html) == "finalize"
    assert (await _batch(db_url, "K3")).finalized_at is not None


async def test_forms_without_the_csrf_token_are_refused(client: TestClient, db_url: str) -> None:
    world = await seed_attendance(db_url)
    await log_in(client, db_url)
    forms = {
        "/finalize": {"confirm": "1"},
        "/reopen": {"reason": "salah", "confirm": "1"},
        "/overrides": {
            "participant_nip": world.nips["absent"],
            "status": "present",
            "mode": "zoom",
            "reason": "x",
        },
        "/zoom/sync": {},
        "/passes/revoke": {"nip": world.nips["venue"], "reason": "hilang"},
    }
    before = await live_passes(db_url)
    for path, fields in forms.items():
        status, _ = await post_form(client, PAGE + path, fields, csrf=False)
        assert status == 403, path
    assert (await _batch(db_url, "K1")).finalized_at is None
    assert await stored(db_url, Override) == [] and await live_passes(db_url) == before


async def test_reopen_needs_a_reason_and_a_confirmation(client: TestClient, db_url: str) -> None:
    await seed_attendance(db_url)
    await log_in(client, db_url)
    await post_form(client, PAGE + "/finalize", {"confirm": "1"})

    status, html = await post_form(client, PAGE + "/reopen", {"reason": "  "})
    assert status == 422 and shown_error(html) == "reason_required"
    status, html = await post_form(client, PAGE + "/reopen", {"reason": "NIP salah ketik"})
    assert status == 200 and 'value="NIP salah ketik"' in html and 'name="confirm"' in html
    assert (await _batch(db_url, "K1")).finalized_at is not None

    status, html = await post_form(client, PAGE + "/reopen", {"reason": "NIP salah ketik", "confirm": "1"})
    assert status == 200 and shown_done(html) == "reopen" and 'data-frozen="no"' in html
    assert (await _batch(db_url, "K1")).finalized_at is None
    audit = [a for a in await stored(db_url, AuditEntry) if a.action == "attendance.reopen"]
    assert len(audit) == 1 and "NIP salah ketik" in audit[0].details
    status, html = await post_form(client, PAGE + "/reopen", {"reason": "lagi", "confirm": "1"})
    assert status == 409 and shown_error(html) == "not_finalized"


async def test_an_override_is_stored_and_a_bad_one_keeps_the_typed_values(
    client: TestClient, db_url: str
) -> None:
    world = await seed_attendance(db_url)
    await log_in(client, db_url)
    nip = world.nips["absent"]
    fields = {"participant_nip": nip, "status": "present", "mode": "", "reason": "hadir, lupa pindai"}
    status, html = await post_form(client, PAGE + "/overrides", fields)
    assert status == 422 and shown_error(html) == "invalid"
    assert f'value="{nip}"' in html and 'value="hadir, lupa pindai"' in html
    assert await stored(db_url, Override) == []

    status, html = await post_form(client, PAGE + "/overrides", {**fields, "status": "bogus", "mode": "zoom"})
    assert status == 422 and await stored(db_url, Override) == []
    status, html = await post_form(
        client, PAGE + "/overrides", {**fields, "mode": "offline", "participant_nip": "199901012020011999"}
    )
    assert status == 404 and shown_error(html) == "participant_not_found"

    status, html = await post_form(client, PAGE + "/overrides", {**fields, "mode": "offline"})
    assert status == 200, html
    assert shown_done(html) == "override"
    [override] = await stored(db_url, Override)
    assert (override.status, override.mode, override.reason) == ("present", "offline", "hadir, lupa pindai")
    assert override.by == "panitia-organiser"


async def test_zoom_sync_without_credentials_says_so(client: TestClient, db_url: str) -> None:
    await seed_attendance(db_url)
    await log_in(client, db_url)
    for action in ("sync", "registrants"):
        status, html = await post_form(client, f"{PAGE}/zoom/{action}", {})
        assert status == 409 and shown_error(html) == "zoom_not_configured", action
        assert 'id="zoom"' in html


async def test_revoke_and_reissue_shows_the_new_pass(client: TestClient, db_url: str) -> None:
    world = await seed_attendance(db_url)
    await log_in(client, db_url)
    nip = world.nips["venue"]
    old = (await live_passes(db_url))[nip]

    status, html = await post_form(client, PAGE + "/passes/revoke", {"nip": nip, "reason": ""})
    assert status == 422 and f'value="{nip}"' in html and (await live_passes(db_url))[nip] == old

    status, html = await post_form(client, PAGE + "/passes/revoke", {"nip": nip, "reason": "HP hilang"})
    assert status == 200 and shown_done(html) == "revoke"
    new = (await live_passes(db_url))[nip]
    assert new != old and f"http://eventops.test/p/{new}" in html
    revoked = [p for p in await stored(db_url, Pass) if p.token == old]
    assert revoked[0].revoked_at is not None

    status, html = await post_form(client, PAGE + "/passes/revoke", {"nip": "123", "reason": "x"})
    assert status in (404, 422) and shown_error(html) is not None


async def test_a_missing_batch_is_a_404_page(client: TestClient, db_url: str) -> None:
    await seed_attendance(db_url)
    await log_in(client, db_url)
    resp = await client.get("/events/bali-2023/batches/K9")
    assert resp.status == 404 and "K9" in await resp.text()
    assert re.search(r"<html", await resp.text())
