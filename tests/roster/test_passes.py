"""Passes: the QR image decodes to the pass URL, the pass page shows the right person, masked."""

from __future__ import annotations

import io
import re

import zxingcpp
from aiohttp.test_utils import TestClient
from PIL import Image
from sqlmodel import select

from eventops.storage.models import Participant
from tests.conftest import PUBLIC_URL
from tests.helpers import bearer, create_event, db_session

ROSTER = (
    b"nip;nama;instansi;unit_kerja;kelompok;mode\n"
    b"198503122010011003;Drs. I Made Sudarma, M.Si.;Pemprov Bali;Diskominfo;K1;luring\n"
    b"199001022015032001;<script>alert(1)</script>;Pemkot Denpasar;Dinkes;K2;daring\n"
)


def _decode(png: bytes) -> str:
    [barcode] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return barcode.text


async def _setup(client: TestClient, token: str) -> None:
    await create_event(client, token)
    resp = await client.post("/api/v1/events/bali-2023/roster", data=ROSTER, headers=bearer(token))
    assert resp.status == 200, await resp.text()


async def test_pass_png_decodes_to_the_pass_page(client: TestClient, tokens: dict[str, str]) -> None:
    await _setup(client, tokens["organiser"])
    resp = await client.get(
        "/api/v1/events/bali-2023/participants/198503122010011003/pass.png",
        headers=bearer(tokens["organiser"]),
    )
    assert resp.status == 200 and resp.content_type == "image/png"
    url = _decode(await resp.read())
    assert re.fullmatch(re.escape(PUBLIC_URL) + r"/p/[A-Za-z0-9_-]{32}", url)
    assert "198503122010011003" not in url

    page = await client.get(url.removeprefix(PUBLIC_URL))
    html = await page.text()
    assert page.status == 200
    assert "Drs. I Made Sudarma, M.Si." in html and "198503**********03" in html
    assert "198503122010011003" not in html
    assert "Kelompok K1" in html and "Senin, 21 Agustus 2023" in html and "08.00–12.00 WITA" in html
    qr = await client.get(url.removeprefix(PUBLIC_URL) + "/qr.png")
    assert _decode(await qr.read()) == url


async def test_pass_page_escapes_hostile_names(client: TestClient, tokens: dict[str, str]) -> None:
    await _setup(client, tokens["organiser"])
    resp = await client.get(
        "/api/v1/events/bali-2023/participants/199001022015032001/pass.png",
        headers=bearer(tokens["organiser"]),
    )
    html = await (await client.get(_decode(await resp.read()).removeprefix(PUBLIC_URL))).text()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


async def test_unknown_pass_and_participant_are_404(client: TestClient, tokens: dict[str, str]) -> None:
    await _setup(client, tokens["organiser"])
    assert (await client.get("/p/not-a-real-token")).status == 404
    resp = await client.get(
        "/api/v1/events/bali-2023/participants/1/pass.png", headers=bearer(tokens["organiser"])
    )
    assert resp.status == 404 and (await resp.json())["error"] == "participant_not_found"


async def _page_of(client: TestClient, organiser: str, nip: str) -> str:
    resp = await client.get(
        f"/api/v1/events/bali-2023/participants/{nip}/pass.png", headers=bearer(organiser)
    )
    return await (await client.get(_decode(await resp.read()).removeprefix(PUBLIC_URL))).text()


async def test_an_online_participants_pass_leads_with_their_zoom_link_not_the_venue(
    client: TestClient, tokens: dict[str, str], db_url: str
) -> None:
    await _setup(client, tokens["organiser"])
    venue_page = await _page_of(client, tokens["organiser"], "198503122010011003")
    assert "The Stones" in venue_page and "meja registrasi" in venue_page

    online_page = await _page_of(client, tokens["organiser"], "199001022015032001")
    assert "Peserta daring" in online_page and "Attending online" not in online_page
    assert "The Stones" not in online_page and "meja registrasi" not in online_page
    assert "setelah panitia mendaftarkannya" in online_page  # no link pushed yet: says when it comes

    link = "https://zoom.us/w/123?tk=personal"
    async with db_session(db_url) as session:
        person = (
            await session.exec(select(Participant).where(Participant.nip == "199001022015032001"))
        ).one()
        person.zoom_join_url = link
        session.add(person)
        await session.commit()
    online_page = await _page_of(client, tokens["organiser"], "199001022015032001")
    assert f'href="{link}"' in online_page and "Tautan Zoom pribadi" in online_page
    assert "setelah panitia mendaftarkannya" not in online_page
