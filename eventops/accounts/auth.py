"""Users, roles, passwords and tokens (bearer tokens and login sessions); tokens are stored hashed."""

from __future__ import annotations

import asyncio
import enum
import functools
import hashlib
import hmac
import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.errors import Conflict, ErrorCode, Invalid, NotFound, Unauthorized
from eventops.storage.models import ApiToken, User
from eventops.timeutil import utcnow

SESSION_TTL = timedelta(hours=12)
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


class Role(enum.IntEnum):
    """Roles nest: organiser ⊃ moderator ⊃ staff."""

    staff = 1
    moderator = 2
    organiser = 3

    @classmethod
    def parse(cls, value: str) -> Role:
        """A role from its name; Invalid for anything else."""
        try:
            return cls[value.strip().lower()]
        except KeyError:
            raise Invalid(
                f"unknown role {value!r}: use organiser, moderator or staff", code=ErrorCode.ROLE
            ) from None


@dataclass(frozen=True)
class Principal:
    """Who is calling: a token's or a logged-in user's name and role."""

    name: str
    role: Role
    token_id: int
    user_id: int | None = None
    via_cookie: bool = False
    expires_at: datetime | None = None
    lang: str | None = None  # the user's chosen language for the pages, if any

    def has(self, role: Role) -> bool:
        """Whether this principal holds `role` or a higher one."""
        return self.role >= role


def hash_password(password: str) -> str:
    """A salted scrypt hash, self-describing."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` matches a hash made by hash_password."""
    try:
        scheme, salt_hex, digest_hex = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt_hex), **_SCRYPT)
    return hmac.compare_digest(digest.hex(), digest_hex)


def hash_token(raw: str) -> str:
    """Tokens are long random strings, so one SHA-256 is enough to store them."""
    return hashlib.sha256(raw.encode()).hexdigest()


async def add_user(session: AsyncSession, name: str, role: Role, password: str) -> User:
    """Create a user; Conflict if the name is taken."""
    name = name.strip()
    if not name or len(name) > 64:
        raise Invalid("a user name has 1 to 64 characters", code=ErrorCode.USER_NAME)
    if len(password) < 8:
        raise Invalid("a password has at least 8 characters", code=ErrorCode.PASSWORD)
    if (await session.exec(select(User).where(User.name == name))).first() is not None:
        raise Conflict(f"user {name!r} exists already", code=ErrorCode.USER_EXISTS)
    user = User(name=name, role=role.name, password_hash=hash_password(password))
    session.add(user)
    await session.commit()
    return user


async def set_password(session: AsyncSession, name: str, password: str, role: Role | None = None) -> User:
    """Create the user or reset its password (and role); used by the demo."""
    user = (await session.exec(select(User).where(User.name == name))).first()
    if user is None:
        return await add_user(session, name, role or Role.staff, password)
    user.password_hash = hash_password(password)
    if role is not None:
        user.role = role.name
    session.add(user)
    await session.commit()
    return user


async def list_users(session: AsyncSession) -> list[User]:
    """Every user, by name."""
    return list((await session.exec(select(User).order_by(col(User.name)))).all())


async def _user(session: AsyncSession, name: str) -> User:
    user = (await session.exec(select(User).where(User.name == name.strip()))).first()
    if user is None:
        raise NotFound(f"no user {name.strip()!r}", code=ErrorCode.USER_NOT_FOUND)
    return user


async def _end_sessions(session: AsyncSession, user: User) -> None:
    """Revoke the user's open login sessions (they are checked against no password once opened)."""
    await session.exec(
        update(ApiToken)
        .where(
            col(ApiToken.user_id) == user.id,
            col(ApiToken.kind) == "session",
            col(ApiToken.revoked_at).is_(None),
        )
        .values(revoked_at=utcnow())
    )


async def change_password(session: AsyncSession, name: str, password: str) -> User:
    """Give an existing user a new password and end their open sessions; NotFound for an unknown name."""
    if len(password) < 8:
        raise Invalid("a password has at least 8 characters", code=ErrorCode.PASSWORD)
    user = await _user(session, name)
    user.password_hash = hash_password(password)
    session.add(user)
    await _end_sessions(session, user)
    await session.commit()
    return user


async def set_disabled(session: AsyncSession, name: str, disabled: bool) -> User:
    """Stop a user from logging in (ending their open sessions), or let them in again."""
    user = await _user(session, name)
    user.disabled = disabled
    session.add(user)
    if disabled:
        await _end_sessions(session, user)
    await session.commit()
    return user


async def create_token(
    session: AsyncSession,
    role: Role,
    name: str,
    *,
    kind: str = "api",
    user_id: int | None = None,
    ttl: timedelta | None = None,
) -> str:
    """Store a new token's hash and return the token itself (shown once); Invalid for an empty name."""
    name = name.strip()[:100]
    if not name:
        raise Invalid("a token needs a name", code=ErrorCode.TOKEN_NAME)
    raw = "eo_" + secrets.token_urlsafe(32)
    expires_at: datetime | None = utcnow() + ttl if ttl else None
    session.add(
        ApiToken(
            name=name,
            role=role.name,
            kind=kind,
            token_hash=hash_token(raw),
            user_id=user_id,
            expires_at=expires_at,
        )
    )
    await session.commit()
    return raw


async def list_tokens(session: AsyncSession) -> list[ApiToken]:
    """Every API token (login sessions aside), oldest first; only their hashes are stored."""
    query = select(ApiToken).where(col(ApiToken.kind) == "api").order_by(col(ApiToken.id))
    return list((await session.exec(query)).all())


async def revoke_token(session: AsyncSession, ref: str) -> ApiToken:
    """Revoke an API token by id, or by name when one live token has it; revoking twice changes nothing."""
    query = select(ApiToken).where(col(ApiToken.kind) == "api")
    ref = ref.strip()
    if ref.isdigit():
        found = list((await session.exec(query.where(col(ApiToken.id) == int(ref)))).all())
    else:
        named = query.where(col(ApiToken.name) == ref, col(ApiToken.revoked_at).is_(None))
        found = list((await session.exec(named)).all())
    if not found:
        raise NotFound(f"no API token {ref!r}: see `eventops token list`", code=ErrorCode.TOKEN_NOT_FOUND)
    if len(found) > 1:
        ids = ", ".join(str(t.id) for t in found)
        raise Conflict(
            f"{len(found)} tokens are named {ref!r} (ids {ids}): revoke one by its id",
            code=ErrorCode.AMBIGUOUS,
        )
    token = found[0]
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.add(token)
        await session.commit()
    return token


async def authenticate(session: AsyncSession, raw: str, *, via_cookie: bool = False) -> Principal | None:
    """The principal behind a token, or None when it is unknown, expired or revoked."""
    if not raw or len(raw) > 200:
        return None
    query = (
        select(ApiToken, User.lang)
        .outerjoin(User, col(User.id) == col(ApiToken.user_id))
        .where(ApiToken.token_hash == hash_token(raw))
    )
    found = (await session.exec(query)).first()
    if found is None:
        return None
    token, lang = found
    if token.revoked_at is not None:
        return None
    if token.expires_at is not None and token.expires_at <= utcnow():
        return None
    if via_cookie != (token.kind == "session"):
        return None
    assert token.id is not None
    return Principal(
        name=token.name,
        role=Role[token.role],
        token_id=token.id,
        user_id=token.user_id,
        via_cookie=via_cookie,
        expires_at=token.expires_at,
        lang=lang,
    )


async def set_language(session: AsyncSession, user_id: int, lang: str) -> None:
    """Remember the user's language for the pages (the caller checks it is one the pages speak)."""
    await session.exec(update(User).where(col(User.id) == user_id).values(lang=lang))
    await session.commit()


@functools.cache
def _decoy_hash() -> str:
    """A hash no password matches, made once: checking it costs what checking a real user's costs."""
    return hash_password(secrets.token_urlsafe(16))


def _check(password: str, stored: str | None) -> bool:
    """Runs in the password thread: an unknown user (`stored` None) is checked against the decoy."""
    return verify_password(password, _decoy_hash() if stored is None else stored) and stored is not None


class PasswordChecker:
    """Password checks in a thread of their own, one at a time.

    An scrypt check takes ~180 ms of CPU and 16 MB: on the event loop it stalls every other request, and
    several at once would take both cores. `checks` counts them (a wrong name costs one too, so that the
    answer's timing does not tell which user names exist).
    """

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="eventops-passwords")
        self.checks = 0

    async def verify(self, password: str, stored: str | None) -> bool:
        """Whether `password` matches the `stored` hash; False, at the same cost, when there is none."""
        self.checks += 1
        return await asyncio.get_running_loop().run_in_executor(self.pool, _check, password, stored)

    def close(self) -> None:
        """Stop the thread (checks still queued are dropped: their requests are gone)."""
        self.pool.shutdown(wait=True, cancel_futures=True)


async def login(session: AsyncSession, name: str, password: str, passwords: PasswordChecker) -> str:
    """Check a user's password and open a session; returns the session token for the cookie."""
    user = (await session.exec(select(User).where(User.name == name.strip()))).first()
    stored = user.password_hash if user is not None else None
    await session.commit()  # hand the connection back while the password thread works (nothing expires)
    if not await passwords.verify(password, stored) or user is None or user.disabled:
        raise Unauthorized("wrong user name or password", code=ErrorCode.BAD_LOGIN)
    return await create_token(
        session, Role[user.role], user.name, kind="session", user_id=user.id, ttl=SESSION_TTL
    )


async def logout(session: AsyncSession, raw: str) -> None:
    """Revoke a session token."""
    token = (await session.exec(select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))).first()
    if token is not None and token.revoked_at is None:
        token.revoked_at = utcnow()
        session.add(token)
        await session.commit()


class TokenCache:
    """Recently authenticated bearer tokens, kept `ttl` seconds so a scan costs no token query.

    The trade-off: a bearer token revoked in the database stays valid for up to `ttl` seconds in each process
    that has it cached. Keyed by the token's hash; at most `size` entries (the oldest go first).
    """

    def __init__(
        self, ttl: float = 10.0, size: int = 1024, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.size = size
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, Principal]] = OrderedDict()
        self._loading: dict[str, asyncio.Task[Principal | None]] = {}

    async def get_or_load(
        self, raw: str, load: Callable[[], Awaitable[Principal | None]]
    ) -> Principal | None:
        """The cached principal, else `load()`'s, cached: ONE load per token at a time (single flight).

        When an entry expires under load, every request in flight with that token would otherwise look it up
        at once, each on a connection of its own, past the pool's size. A waiter that is cancelled (its client
        went away) does not cancel the load the others wait for.
        """
        cached = self.get(raw)
        if cached is not None:
            return cached
        key = hash_token(raw)
        task = self._loading.get(key)
        if task is None:
            task = self._loading[key] = asyncio.create_task(self._load(raw, key, load))
        return await asyncio.shield(task)

    async def _load(
        self, raw: str, key: str, load: Callable[[], Awaitable[Principal | None]]
    ) -> Principal | None:
        try:
            principal = await load()
            if principal is not None:
                self.put(raw, principal)
            return principal
        finally:
            del self._loading[key]

    def get(self, raw: str) -> Principal | None:
        """The cached principal for a token, or None when absent or stale."""
        key = hash_token(raw)
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry[0] <= self._clock():
            del self._entries[key]
            return None
        return entry[1]

    def put(self, raw: str, principal: Principal) -> None:
        """Remember a principal for `ttl` seconds (less when its token expires sooner)."""
        ttl = self.ttl
        if principal.expires_at is not None:
            ttl = min(ttl, (principal.expires_at - utcnow()).total_seconds())
        if ttl <= 0:
            return
        key = hash_token(raw)
        self._entries[key] = (self._clock() + ttl, principal)
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def forget(self, raw: str) -> None:
        """Drop a token (after revoking it in this process)."""
        self._entries.pop(hash_token(raw), None)
