"""Revoking a pass (lost phone, shared screenshot): the old one answers `revoked`, the new one works."""

from __future__ import annotations

import json

import pytest
from aiohttp.test_utils import TestClient

from eventops.storage.models import AuditEntry, CheckIn, Pass
from tests.helpers import EVENT, LESTARI, SUDARMA, bearer, live_passes, scan, seed_door, stored


def _revoke_url(nip: str) -> str:
    return f"/api/v1/events/{EVENT['slug']}/participants/{nip}/pass/revoke"


@pytest.fixture
async def door(client: TestClient, tokens: dict[str, str], db_url: str) -> dict[str, str]:
    """The event with its roster seeded; NIP -> pass token."""
    await seed_door(client, tokens["organiser"])
    return await live_passes(db_url)


async def test_revoke_issues_a_new_pass_and_the_old_one_answers_revoked(
    client: TestClient, tokens: dict[str, str], door: dict[str, str], db_url: str
) -> None:
    old = door[SUDARMA]
    resp = await client.post(
        _revoke_url(SUDARMA), json={"reason": "HP hilang"}, headers=bearer(tokens["organiser"])
    )
    assert resp.status == 200, await resp.text()
    new_url = (await resp.json())["pass_url"]
    new = new_url.rsplit("/", 1)[1]
    assert new != old and (await live_passes(db_url))[SUDARMA] == new
    status, answer = await scan(client, tokens["staff"], old)
    assert status == 200 and answer["result"] == "revoked"
    assert answer["participant"]["name"] == "I Made Sudarma" and answer["checked_in_at"] is None
    assert await stored(db_url, CheckIn) == []
    status, answer = await scan(client, tokens["staff"], new_url)
    assert answer["result"] == "ok"
    assert (await client.get(f"/p/{old}")).status == 410
    assert (await client.get(f"/p/{new}")).status == 200
    [audit] = await stored(db_url, AuditEntry)
    assert (audit.action, audit.actor) == ("pass_revoke", "test-organiser")
    assert json.loads(audit.details)["reason"] == "HP hilang"
    revoked = [p for p in await stored(db_url, Pass) if p.revoked_at is not None]
    assert [(p.token, p.revoked_reason) for p in revoked] == [(old, "HP hilang")]


async def test_revoking_twice_keeps_one_live_pass(
    client: TestClient, tokens: dict[str, str], door: dict[str, str], db_url: str
) -> None:
    for reason in ("HP hilang", "tangkapan layar dibagikan"):
        resp = await client.post(
            _revoke_url(SUDARMA), json={"reason": reason}, headers=bearer(tokens["organiser"])
        )
        assert resp.status == 200
    mine = [p for p in await stored(db_url, Pass) if p.token in (await live_passes(db_url)).values()]
    assert len(await stored(db_url, Pass)) == 5 and len(mine) == 3


async def test_revocation_needs_a_reason_a_participant_and_an_organiser(
    client: TestClient, tokens: dict[str, str], door: dict[str, str], db_url: str
) -> None:
    organiser = bearer(tokens["organiser"])
    resp = await client.post(_revoke_url(SUDARMA), json={"reason": ""}, headers=organiser)
    assert resp.status == 422
    resp = await client.post(_revoke_url(SUDARMA), json={}, headers=organiser)
    assert resp.status == 422
    resp = await client.post(_revoke_url("199912312020121001"), json={"reason": "x"}, headers=organiser)
    assert resp.status == 404 and (await resp.json())["error"] == "participant_not_found"
    resp = await client.post(_revoke_url(LESTARI), json={"reason": "x"}, headers=bearer(tokens["staff"]))
    assert resp.status == 403
    assert await live_passes(db_url) == door
    assert await stored(db_url, AuditEntry) == []


async def test_a_checked_in_participant_with_a_new_pass_is_still_checked_in(
    client: TestClient, tokens: dict[str, str], door: dict[str, str]
) -> None:
    await scan(client, tokens["staff"], door[SUDARMA], station="Gate 1")
    resp = await client.post(
        _revoke_url(SUDARMA), json={"reason": "dibagikan"}, headers=bearer(tokens["organiser"])
    )
    status, answer = await scan(client, tokens["staff"], (await resp.json())["pass_url"])
    assert status == 200
    assert (answer["result"], answer["station"]) == ("duplicate", "Gate 1")
