"""Managing users and tokens (the `eventops user` and `token` commands' services), on both databases."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.accounts import auth
from eventops.accounts.auth import Role
from eventops.errors import Conflict, Invalid, NotFound, Unauthorized
from eventops.storage.db import create_engine, make_sessionmaker


async def log_in(session: AsyncSession, name: str, password: str) -> str:
    """Log in through the service, checking the password in its own thread as the login page does."""
    checker = auth.PasswordChecker()
    try:
        return await auth.login(session, name, password, checker)
    finally:
        checker.close()


@pytest.fixture
async def session(db_url: str) -> AsyncIterator[AsyncSession]:
    """A session on the test database."""
    engine = create_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as s:
            yield s
    finally:
        await engine.dispose()


async def test_users_are_listed_by_name_with_role_and_state(session: AsyncSession) -> None:
    await auth.add_user(session, "petugas", Role.staff, "rahasia-sekali")
    await auth.add_user(session, "moderator", Role.moderator, "rahasia-sekali")
    await auth.set_disabled(session, "petugas", True)
    listed = [(u.name, u.role, u.disabled) for u in await auth.list_users(session)]
    assert listed == [("moderator", "moderator", False), ("petugas", "staff", True)]


async def test_a_new_password_works_the_old_one_does_not_and_open_sessions_end(session: AsyncSession) -> None:
    await auth.add_user(session, "panitia", Role.organiser, "lama-sekali")
    cookie = await log_in(session, "panitia", "lama-sekali")
    await auth.change_password(session, "panitia", "baru-sekali")
    assert await auth.authenticate(session, cookie, via_cookie=True) is None
    with pytest.raises(Unauthorized):
        await log_in(session, "panitia", "lama-sekali")
    assert await log_in(session, "panitia", "baru-sekali")


async def test_a_short_password_or_an_unknown_user_changes_nothing(session: AsyncSession) -> None:
    await auth.add_user(session, "panitia", Role.organiser, "lama-sekali")
    with pytest.raises(Invalid):
        await auth.change_password(session, "panitia", "pendek")
    with pytest.raises(NotFound, match="no user 'siapa'"):
        await auth.change_password(session, "siapa", "baru-sekali")
    assert await log_in(session, "panitia", "lama-sekali")


async def test_a_disabled_user_cannot_log_in_loses_their_sessions_and_may_be_enabled(
    session: AsyncSession,
) -> None:
    await auth.add_user(session, "petugas", Role.staff, "rahasia-sekali")
    cookie = await log_in(session, "petugas", "rahasia-sekali")
    await auth.set_disabled(session, "petugas", True)
    assert await auth.authenticate(session, cookie, via_cookie=True) is None
    with pytest.raises(Unauthorized):
        await log_in(session, "petugas", "rahasia-sekali")
    await auth.set_disabled(session, "petugas", False)
    assert await log_in(session, "petugas", "rahasia-sekali")
    with pytest.raises(NotFound):
        await auth.set_disabled(session, "siapa", True)


async def test_tokens_are_listed_without_login_sessions(session: AsyncSession) -> None:
    await auth.create_token(session, Role.staff, "gate-1")
    await auth.create_token(session, Role.organiser, "laptop")
    await auth.add_user(session, "panitia", Role.organiser, "rahasia-sekali")
    await log_in(session, "panitia", "rahasia-sekali")
    assert [(t.name, t.role, t.revoked_at) for t in await auth.list_tokens(session)] == [
        ("gate-1", "staff", None),
        ("laptop", "organiser", None),
    ]


async def test_a_token_is_revoked_by_id_or_by_name_and_stops_working(session: AsyncSession) -> None:
    gate = await auth.create_token(session, Role.staff, "gate-1")
    laptop = await auth.create_token(session, Role.organiser, "laptop")
    first, second = await auth.list_tokens(session)
    assert (await auth.revoke_token(session, "gate-1")).id == first.id
    assert (await auth.revoke_token(session, str(second.id))).name == "laptop"
    assert await auth.authenticate(session, gate) is None
    assert await auth.authenticate(session, laptop) is None
    again = await auth.revoke_token(session, str(first.id))  # twice: still revoked, nothing else
    assert again.revoked_at is not None


async def test_an_unknown_or_ambiguous_token_name_revokes_nothing(session: AsyncSession) -> None:
    one = await auth.create_token(session, Role.staff, "gate")
    two = await auth.create_token(session, Role.staff, "gate")
    with pytest.raises(NotFound):
        await auth.revoke_token(session, "gate-9")
    with pytest.raises(Conflict, match="2 tokens are named 'gate'"):
        await auth.revoke_token(session, "gate")
    assert await auth.authenticate(session, one) is not None
    assert await auth.authenticate(session, two) is not None
