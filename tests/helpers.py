"""Small helpers that make tests read like the feature."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

EVENT = {"slug": "bali-2023", "name": "Literasi Digital ASN Provinsi Bali 2023", "timezone": "Asia/Makassar"}


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for a token."""
    return {"Authorization": f"Bearer {token}"}


def batch_body(code: str = "K1", day: int = 21, **extra: Any) -> dict[str, Any]:
    """A valid batch body on 2023-08-{day}, 08.00-12.00 WITA."""
    return {
        "code": code,
        "name": f"Kelompok {code}",
        "starts_at": f"2023-08-{day:02d}T08:00:00+08:00",
        "ends_at": f"2023-08-{day:02d}T12:00:00+08:00",
        "venue": "The Stones Hotel, Kuta",
        "zoom_meeting_id": "81234567890",
        "zoom_kind": "webinar",
        "youtube_video_id": "abcDEF12345",
        **extra,
    }


async def create_event(client: TestClient, token: str, batches: tuple[str, ...] = ("K1", "K2")) -> str:
    """Create the Bali event with batches (one day apart); return its slug."""
    resp = await client.post("/api/v1/events", json=EVENT, headers=bearer(token))
    assert resp.status == 201, await resp.text()
    for i, code in enumerate(batches):
        resp = await client.post(
            f"/api/v1/events/{EVENT['slug']}/batches", json=batch_body(code, 21 + i), headers=bearer(token)
        )
        assert resp.status == 201, await resp.text()
    return EVENT["slug"]
