"""The bearer-token cache: however many requests carry a token at once, the database is asked once for it."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import event

from eventops.accounts.auth import TokenCache
from eventops.app import create_app
from eventops.keys import ENGINE, TOKEN_CACHE
from eventops.settings import Settings
from tests.helpers import bearer

BURST = 32


class Clock:
    """A monotonic clock that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _count_token_lookups(app: web.Application) -> list[str]:
    """Every token query the app's engine runs from now on."""
    seen: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM api_tokens" in statement:
            seen.append(statement)

    event.listen(app[ENGINE].sync_engine, "before_cursor_execute", before)
    return seen


async def _burst(client: TestClient, token: str) -> list[int]:
    """BURST requests with one bearer token, all in flight at once."""
    responses = await asyncio.gather(
        *(client.get("/api/v1/events", headers=bearer(token)) for _ in range(BURST))
    )
    return [r.status for r in responses]


async def test_a_burst_of_requests_looks_a_token_up_once_and_refreshes_it_once(
    aiohttp_client: Any, settings: Settings, tokens: dict[str, str]
) -> None:
    app = create_app(settings)
    clock = Clock()
    app[TOKEN_CACHE] = TokenCache(ttl=10.0, clock=clock)
    client = await aiohttp_client(app)
    lookups = _count_token_lookups(app)

    assert await _burst(client, tokens["staff"]) == [200] * BURST
    assert len(lookups) == 1
    assert await _burst(client, tokens["staff"]) == [200] * BURST
    assert len(lookups) == 1  # cached
    clock.now += 10.5  # the entry expires while the door is busy
    assert await _burst(client, tokens["staff"]) == [200] * BURST
    assert len(lookups) == 2
