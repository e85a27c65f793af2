"""Login under attack: throttled by client address and by user name (429 with Retry-After), passwords
checked in their own thread (the server keeps answering), and an unknown user costs a password check too."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Callable
from dataclasses import replace

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from eventops.accounts import auth
from eventops.accounts.auth import Role
from eventops.app import create_app
from eventops.keys import LOGIN_LIMITS, PASSWORDS
from eventops.settings import Settings
from eventops.storage.db import create_engine, make_sessionmaker
from eventops.web.login import ADDRESS_BURST, USER_BURST, LoginLimits
from eventops.web.ratelimit import TokenBucket

PASSWORD = "rahasia-sekali"
GUARD = 30.0  # seconds: a guard against hanging, not synchronisation


async def _until(condition: Callable[[], bool]) -> None:
    """Yield to the event loop until `condition` holds (no timer: it returns as soon as it does)."""
    while not condition():
        await asyncio.sleep(0)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The test server sits behind a trusted proxy (127.0.0.1) that names the client in X-Forwarded-For."""
    return replace(settings, trusted_proxies=("127.0.0.1",))


@pytest.fixture
async def user(db_url: str) -> str:
    """An organiser who can log in."""
    engine = create_engine(db_url)
    async with make_sessionmaker(engine)() as session:
        await auth.add_user(session, "panitia", Role.organiser, PASSWORD)
    await engine.dispose()
    return "panitia"


async def login(client: TestClient, name: str, password: str, address: str = "203.0.113.7") -> web.Response:
    """POST the login form from `address` (as the proxy tells it)."""
    page = await client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', await page.text())
    assert csrf is not None
    form = {"name": name, "password": password, "csrf": csrf.group(1), "next": "/"}
    return await client.post(  # type: ignore[return-value]
        "/login", data=form, headers={"X-Forwarded-For": address}, allow_redirects=False
    )


async def test_wrong_guesses_from_one_address_are_throttled(client: TestClient, user: str) -> None:
    for n in range(ADDRESS_BURST):
        assert (await login(client, f"tebak{n}", "salah-sandi")).status == 401
    resp = await login(client, "tebak-lagi", "salah-sandi")
    assert resp.status == 429
    assert int(resp.headers["Retry-After"]) >= 1
    assert "Terlalu banyak" in await resp.text()
    # even the right password waits: the address is throttled, not the guess
    assert (await login(client, user, PASSWORD)).status == 429
    assert (await login(client, user, PASSWORD, address="198.51.100.9")).status == 303


async def test_wrong_guesses_for_one_user_are_throttled_across_addresses(
    client: TestClient, user: str
) -> None:
    for n in range(USER_BURST):
        assert (await login(client, user, "salah-sandi", address=f"192.0.2.{n}")).status == 401
    resp = await login(client, " PANITIA ", "salah-sandi", address="192.0.2.200")
    assert resp.status == 429 and int(resp.headers["Retry-After"]) >= 1
    assert (await login(client, "orang-lain", "salah-sandi", address="192.0.2.201")).status == 401


async def test_successful_logins_are_not_counted(client: TestClient, user: str) -> None:
    for _ in range(ADDRESS_BURST + 2):
        assert (await login(client, user, PASSWORD)).status == 303


async def test_a_direct_client_cannot_dodge_the_limit_with_x_forwarded_for(
    aiohttp_client,
    settings: Settings,
    user: str,  # type: ignore[no-untyped-def]
) -> None:
    client = await aiohttp_client(create_app(replace(settings, trusted_proxies=())))
    for n in range(ADDRESS_BURST):
        assert (await login(client, f"tebak{n}", "x", address=f"10.0.0.{n}")).status == 401
    assert (await login(client, "tebak", "x", address="10.0.0.250")).status == 429


async def test_passwords_are_checked_off_the_event_loop_and_unknown_users_cost_a_check(
    aiohttp_client,
    app: web.Application,
    user: str,  # type: ignore[no-untyped-def]
) -> None:
    app[LOGIN_LIMITS] = LoginLimits(TokenBucket(1000, 1000), TokenBucket(1000, 1000))
    client: TestClient = await aiohttp_client(app)
    passwords = client.app[PASSWORDS]
    await login(client, "pemanasan", "x")  # the first unknown user also makes the decoy hash
    before = passwords.checks
    gate = threading.Event()
    busy = passwords.pool.submit(gate.wait)  # the password thread is busy with something long
    try:
        known = asyncio.create_task(login(client, user, "salah-sandi"))
        unknown = asyncio.create_task(login(client, "tidak-ada", "salah-sandi"))
        await asyncio.wait_for(_until(lambda: passwords.checks == before + 2), GUARD)  # both at the check
        health = await client.get("/healthz")
        assert health.status == 200  # the server answers while both logins wait for the password thread
        assert not known.done() and not unknown.done()
    finally:
        gate.set()
    busy.result()
    assert (await known).status == 401 and (await unknown).status == 401
    assert passwords.checks == before + 2  # the unknown user cost a password check like a real one
