"""What every page relies on: the site icon, Indonesian error pages and role names."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from tests.helpers import bearer, create_event


async def test_the_favicon_is_served_to_anyone(client: TestClient) -> None:
    resp = await client.get("/favicon.ico")
    assert resp.status == 200
    body = await resp.read()
    assert body[:4] == b"\x00\x00\x01\x00" and len(body) < 10_000  # an ICO file, small
    assert "max-age" in resp.headers["Cache-Control"]


async def test_error_pages_speak_indonesian_with_the_service_detail_below(
    client: TestClient, tokens: dict[str, str]
) -> None:
    await create_event(client, tokens["organiser"])
    resp = await client.get("/p/not-a-real-token")
    html = await resp.text()
    assert (
        resp.status == 404
        and "Kartu peserta ini tidak ada" in html
        and '<p class="muted" lang="en">no such pass' in html
    )
    resp = await client.get("/p/not-a-real-token", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert "Kartu peserta ini tidak ada" in await resp.text()  # an English browser still gets Indonesian
    resp = await client.get("/p/not-a-real-token", headers={"Cookie": "lang=en"})
    html = await resp.text()
    assert resp.status == 404 and "This pass does not exist" in html and "Kartu peserta" not in html
    resp = await client.get("/stream/bali-2023/K9", headers=bearer(tokens["moderator"]))
    assert resp.status == 404 and "Kelompok ini tidak ada di acara ini" in await resp.text()
    resp = await client.get("/stream/bali-2023/K1", headers=bearer(tokens["staff"]))
    html = await resp.text()
    assert resp.status == 403 and "tidak punya izin" in html and "moderator role" in html


async def test_the_header_names_the_role_in_indonesian(client: TestClient, tokens: dict[str, str]) -> None:
    html = await (await client.get("/", headers=bearer(tokens["organiser"]))).text()
    assert "test-organiser · panitia" in html and "· organiser<" not in html
    html = await (await client.get("/", headers=bearer(tokens["staff"]))).text()
    assert "test-staff · petugas" in html
