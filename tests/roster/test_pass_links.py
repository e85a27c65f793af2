"""The pass links of a batch for a WhatsApp mail-merge, and its badge sheet: downloads on both databases."""

from __future__ import annotations

import csv
import io

from aiohttp.test_utils import TestClient

from eventops.roster.passes import PassLink, pass_links_csv
from tests.conftest import PUBLIC_URL
from tests.helpers import bearer, create_event, live_passes

ROSTER = (
    "nip,nama,instansi,unit_kerja,email,no_hp,kelompok,mode\n"
    "198503122010011003,I Made Sudarma,Pemprov Bali,Diskominfo,,081234567890,K1,luring\n"
    '199001022015031004,=HYPERLINK("http://evil"),Pemkot Denpasar,Setda,,,K1,daring\n'
    "198807142012122001,Ni Luh Putu Ayu Lestari,Pemprov Bali,Dinas Kesehatan,,,K2,luring\n"
)
LINKS = "/api/v1/events/bali-2023/batches/K1/passes.csv"


async def _seed(client: TestClient, organiser: str) -> None:
    await create_event(client, organiser)
    resp = await client.post(
        "/api/v1/events/bali-2023/roster", data=ROSTER.encode(), headers=bearer(organiser)
    )
    assert resp.status == 200, await resp.text()


async def test_the_csv_lists_every_live_pass_of_the_batch(
    client: TestClient, tokens: dict[str, str], db_url: str
) -> None:
    await _seed(client, tokens["organiser"])
    resp = await client.get(LINKS, headers=bearer(tokens["organiser"]))
    assert resp.status == 200, await resp.text()
    assert resp.headers["Content-Type"].startswith("text/csv")
    assert 'filename="kartu_bali-2023_K1.csv"' in resp.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO((await resp.read()).decode("utf-8"))))
    passes = await live_passes(db_url)
    # by agency, then name; the phone as the import stored it (+62…), never turned into text by a quote
    assert rows == [
        ["name", "phone", "agency", "pass_url"],
        [
            '\'=HYPERLINK("http://evil")',
            "",
            "Pemkot Denpasar",
            f"{PUBLIC_URL}/p/{passes['199001022015031004']}",
        ],
        [
            "I Made Sudarma",
            "+6281234567890",
            "Pemprov Bali",
            f"{PUBLIC_URL}/p/{passes['198503122010011003']}",
        ],
    ]


async def test_a_reissued_pass_replaces_the_old_link(
    client: TestClient, tokens: dict[str, str], db_url: str
) -> None:
    await _seed(client, tokens["organiser"])
    old = (await live_passes(db_url))["198503122010011003"]
    resp = await client.post(
        "/api/v1/events/bali-2023/participants/198503122010011003/pass/revoke",
        json={"reason": "HP hilang"},
        headers=bearer(tokens["organiser"]),
    )
    assert resp.status == 200, await resp.text()
    text = await (await client.get(LINKS, headers=bearer(tokens["organiser"]))).text()
    assert old not in text and (await live_passes(db_url))["198503122010011003"] in text


async def test_the_downloads_need_the_organiser_role_and_a_known_batch(
    client: TestClient, tokens: dict[str, str]
) -> None:
    await _seed(client, tokens["organiser"])
    assert (await client.get(LINKS, headers=bearer(tokens["moderator"]))).status == 403
    resp = await client.get(LINKS.replace("K1", "K9"), headers=bearer(tokens["organiser"]))
    assert resp.status == 404 and (await resp.json())["error"] == "batch_not_found"


async def test_the_badge_sheet_of_a_batch_is_a_pdf(client: TestClient, tokens: dict[str, str]) -> None:
    await _seed(client, tokens["organiser"])
    resp = await client.get(
        "/api/v1/events/bali-2023/batches/K1/badges.pdf", headers=bearer(tokens["organiser"])
    )
    assert resp.status == 200 and resp.headers["Content-Type"] == "application/pdf"
    assert (await resp.read()).startswith(b"%PDF")
    assert (await client.get("/api/v1/events/bali-2023/batches/K1/badges.pdf")).status == 401


def test_phone_numbers_stay_as_typed_and_formulas_are_neutralised() -> None:
    links = [
        PassLink("+Budi", "+6281234567890", "-Dinas", "http://x/p/a"),
        PassLink("@Ani", "=1+1", "Setda", "http://x/p/b"),
    ]
    rows = list(csv.reader(io.StringIO(pass_links_csv(links).decode("utf-8"))))
    assert rows[1] == ["'+Budi", "+6281234567890", "'-Dinas", "http://x/p/a"]
    assert rows[2] == ["'@Ani", "'=1+1", "Setda", "http://x/p/b"]
