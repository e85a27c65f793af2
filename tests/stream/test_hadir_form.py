"""The public self-attendance form: every answer, CSRF, the rate limit, and escaping."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from eventops.app import create_app
from eventops.keys import HADIR_LIMITER
from eventops.settings import Settings
from eventops.storage.models import CheckpointSubmission
from eventops.timeutil import utcnow
from eventops.web.ratelimit import TokenBucket
from tests.helpers import (
    BUDI,
    EVENT,
    LESTARI,
    SUDARMA,
    bearer,
    hadir_result,
    open_checkpoint,
    post_hadir,
    seed_door,
    stored,
)

URL = f"/b/{EVENT['slug']}/K1/hadir"


@pytest.fixture
async def form(aiohttp_client: Any, app: web.Application, tokens: dict[str, str]) -> TestClient:
    """The app with the Bali roster, an open code OPEN, a future one SOON and a past one PAST, and a rate
    limit loose enough that only the rate-limit tests meet it."""
    app[HADIR_LIMITER] = TokenBucket(1000, 1000)
    client: TestClient = await aiohttp_client(app)
    await seed_door(client, tokens["organiser"])
    now = utcnow()
    for code, opens in (("OPEN", now - timedelta(minutes=5)), ("SOON", now + timedelta(hours=1))):
        resp = await open_checkpoint(client, tokens["moderator"], code, opens, opens + timedelta(minutes=15))
        assert resp.status == 201
    resp = await open_checkpoint(
        client, tokens["moderator"], "PAST", now - timedelta(hours=2), now - timedelta(hours=1)
    )
    assert resp.status == 201
    return client


async def test_the_form_is_an_indonesian_phone_page_english_on_request(form: TestClient) -> None:
    english = await (await form.get(URL, headers={"Cookie": "lang=en"})).text()
    assert 'lang="en"' in english and ">Send</button>" in english and "Kirim" not in english
    resp = await form.get(URL)
    assert resp.status == 200
    html = await resp.text()
    assert 'lang="id"' in html and 'name="viewport"' in html
    assert 'name="nip"' in html and 'inputmode="numeric"' in html and 'name="code"' in html
    assert ">Kirim</button>" in html and "Send" not in html
    assert hadir_result(html) is None


async def test_a_valid_nip_and_open_code_are_recorded(form: TestClient, db_url: str) -> None:
    status, html = await post_hadir(form, "1985 0312 2010 01 1 003", "open")
    assert (status, hadir_result(html)) == (200, "recorded")
    assert "Terima kasih, kehadiran Anda tercatat" in html
    # whoever knows a NIP and the open code learns no more than the person's own initials
    assert "I M*** S******" in html and "Sudarma" not in html
    assert "198503**********03" in html and "1985 0312" not in html  # the form is blank again
    [row] = await stored(db_url, CheckpointSubmission)
    assert row.channel == "form" and row.source_ref is None
    assert abs((row.submitted_at - utcnow()).total_seconds()) < 60


async def test_a_second_submission_is_already_recorded_and_counted_once(
    form: TestClient, db_url: str, tokens: dict[str, str]
) -> None:
    assert hadir_result((await post_hadir(form, SUDARMA, "OPEN"))[1]) == "recorded"
    status, html = await post_hadir(form, SUDARMA, "OPEN")
    assert (status, hadir_result(html)) == (200, "already_recorded")
    assert "sudah tercatat" in html and "I M*** S******" in html and "Sudarma" not in html
    assert len(await stored(db_url, CheckpointSubmission)) == 1
    listed = await form.get(
        f"/api/v1/events/{EVENT['slug']}/batches/K1/checkpoints", headers=bearer(tokens["moderator"])
    )
    assert {c["code"]: c["submissions"] for c in (await listed.json())["checkpoints"]} == {
        "PAST": 0,
        "OPEN": 1,
        "SOON": 0,
    }


@pytest.mark.parametrize(
    ("nip", "code", "status", "result", "words"),
    [
        (SUDARMA, "9999", 422, "wrong_code", "Kode tidak dikenal"),
        (SUDARMA, "", 422, "wrong_code", "Kode tidak dikenal"),
        (SUDARMA, "SOON", 409, "not_open_yet", "belum dibuka"),
        (SUDARMA, "PAST", 409, "closed", "sudah ditutup"),
        (LESTARI, "OPEN", 422, "unknown_nip", "tidak terdaftar di kelompok ini"),  # on K2's roster
        ("199912312020121002", "OPEN", 422, "unknown_nip", "tidak terdaftar di kelompok ini"),
        ("1985031220100110", "OPEN", 422, "invalid_nip", "18 digit"),
        ("198513322010011003", "OPEN", 422, "invalid_nip", "18 digit"),
    ],
)
async def test_every_other_answer_is_clear_and_stores_nothing(
    form: TestClient, db_url: str, nip: str, code: str, status: int, result: str, words: str
) -> None:
    got_status, html = await post_hadir(form, nip, code)
    assert (got_status, hadir_result(html)) == (status, result)
    assert words in html
    assert "Ni Luh Putu Ayu Lestari" not in html and "I Made Sudarma" not in html
    assert await stored(db_url, CheckpointSubmission) == []


async def test_the_times_of_a_closed_code_are_shown_in_the_events_zone(form: TestClient) -> None:
    _, html = await post_hadir(form, BUDI, "PAST")
    assert "WITA" in html


async def test_a_post_without_the_csrf_token_is_refused(form: TestClient, db_url: str) -> None:
    await form.get(URL)
    resp = await form.post(URL, data={"nip": SUDARMA, "code": "OPEN"})
    assert resp.status == 403
    assert await stored(db_url, CheckpointSubmission) == []


async def test_an_unknown_batch_is_a_404_page(form: TestClient) -> None:
    resp = await form.get(f"/b/{EVENT['slug']}/K9/hadir")
    assert resp.status == 404 and "text/html" in resp.headers["Content-Type"]


async def test_html_in_a_name_and_in_the_echoed_nip_stays_text(
    aiohttp_client: Any, app: web.Application, tokens: dict[str, str]
) -> None:
    client: TestClient = await aiohttp_client(app)
    roster = (
        "nip,nama,instansi,kelompok,mode\n"
        + f"{SUDARMA},<b>x</b><script>alert(1)</script>,Pemprov,K1,daring\n"
    )
    await seed_door(client, tokens["organiser"], roster)
    now = utcnow()
    await open_checkpoint(
        client, tokens["moderator"], "OPEN", now - timedelta(minutes=1), now + timedelta(minutes=9)
    )
    _, html = await post_hadir(client, SUDARMA, "OPEN")
    assert hadir_result(html) == "recorded"
    assert "&lt;b&gt;x&lt;/b&gt;&lt;s*****&gt;a****(1)&lt;/s*****&gt;" in html  # escaped (and masked)
    assert "<b>x</b>" not in html and "<s*****>" not in html
    _, html = await post_hadir(client, '"><img src=x onerror=alert(1)>', "OPEN")
    assert hadir_result(html) == "invalid_nip"
    assert "<img src=x" not in html and "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html


async def test_too_many_tries_from_one_address_get_a_429_page(
    client: TestClient, tokens: dict[str, str], db_url: str
) -> None:
    await seed_door(client, tokens["organiser"])
    for _ in range(5):  # the default burst
        status, html = await post_hadir(client, SUDARMA, "TEBAK")
        assert (status, hadir_result(html)) == (422, "wrong_code")
    status, html = await post_hadir(client, SUDARMA, "TEBAK")
    assert (status, hadir_result(html)) == (429, "rate_limited")
    assert "Terlalu banyak percobaan" in html


async def test_the_429_answer_says_when_to_try_again(client: TestClient, tokens: dict[str, str]) -> None:
    await seed_door(client, tokens["organiser"])
    page = await client.get(URL)
    csrf = re.search(r'name="csrf" value="([^"]+)"', await page.text())
    assert csrf is not None
    statuses = []
    for _ in range(6):
        resp = await client.post(URL, data={"csrf": csrf.group(1), "nip": SUDARMA, "code": "TEBAK"})
        statuses.append(resp.status)
    assert statuses == [422] * 5 + [429]
    assert 1 <= int(resp.headers["Retry-After"]) <= 6


async def test_recorded_answers_do_not_use_up_the_limit(
    client: TestClient, tokens: dict[str, str], db_url: str
) -> None:
    """A whole office behind one address registers everyone; only failed tries count against it."""
    await seed_door(client, tokens["organiser"])
    now = utcnow()
    codes = [f"K{i}X" for i in range(4)]
    for code in codes:
        resp = await open_checkpoint(
            client, tokens["moderator"], code, now - timedelta(minutes=1), now + timedelta(minutes=9)
        )
        assert resp.status == 201
    results = [
        hadir_result((await post_hadir(client, nip, code))[1]) for code in codes for nip in (SUDARMA, BUDI)
    ]
    assert results == ["recorded"] * 8
    assert len(await stored(db_url, CheckpointSubmission)) == 8


async def test_after_a_typo_the_nip_stays_in_the_form(form: TestClient) -> None:
    _, html = await post_hadir(form, SUDARMA, "0PEN")
    assert hadir_result(html) == "wrong_code" and f'value="{SUDARMA}"' in html


async def test_behind_a_trusted_proxy_each_viewer_has_a_limit_of_their_own(
    aiohttp_client: Any, settings: Settings, tokens: dict[str, str]
) -> None:
    proxied = await aiohttp_client(create_app(replace(settings, trusted_proxies=("127.0.0.1",))))
    await seed_door(proxied, tokens["organiser"])
    page = await proxied.get(URL)
    csrf = re.search(r'name="csrf" value="([^"]+)"', await page.text())
    assert csrf is not None

    async def attempt(forwarded_for: str) -> int:
        form = {"csrf": csrf.group(1), "nip": SUDARMA, "code": "TEBAK"}
        resp = await proxied.post(URL, data=form, headers={"X-Forwarded-For": forwarded_for})
        return resp.status

    assert [await attempt("203.0.113.7") for _ in range(6)] == [422] * 5 + [429]
    assert await attempt("198.51.100.9") == 422  # another viewer behind the same proxy
    # a forged left-most hop does not escape the limit: the proxy appends the real address on the right
    assert await attempt("198.51.100.77, 203.0.113.7") == 429


async def test_a_direct_client_cannot_choose_its_address(client: TestClient, tokens: dict[str, str]) -> None:
    await seed_door(client, tokens["organiser"])
    page = await client.get(URL)
    csrf = re.search(r'name="csrf" value="([^"]+)"', await page.text())
    assert csrf is not None
    statuses = []
    for i in range(6):
        form = {"csrf": csrf.group(1), "nip": SUDARMA, "code": "TEBAK"}
        resp = await client.post(URL, data=form, headers={"X-Forwarded-For": f"192.0.2.{i}"})
        statuses.append(resp.status)
    assert statuses == [422] * 5 + [429]


async def test_the_429_page_keeps_the_form_and_what_was_typed_and_counts_one_second(
    aiohttp_client: Any, app: web.Application, tokens: dict[str, str]
) -> None:
    now = [1000.0]
    app[HADIR_LIMITER] = TokenBucket(60, 1, clock=lambda: now[0])  # one try, then one a second
    client: TestClient = await aiohttp_client(app)
    await seed_door(client, tokens["organiser"])
    assert (await post_hadir(client, SUDARMA, "TEBAK"))[0] == 422
    status, html = await post_hadir(client, SUDARMA, "TEBAK2")
    assert (status, hadir_result(html)) == (429, "rate_limited")
    assert "dalam 1 detik" in html
    assert f'name="nip" type="text" inputmode="numeric" maxlength="64" value="{SUDARMA}"' in html
    assert 'value="TEBAK2"' in html and f'action="{URL}"' in html
