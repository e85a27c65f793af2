"""Users, roles, passwords and tokens (bearer tokens and login sessions); tokens are stored hashed."""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.errors import Conflict, ErrorCode, Invalid, Unauthorized
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


async def create_token(
    session: AsyncSession,
    role: Role,
    name: str,
    *,
    kind: str = "api",
    user_id: int | None = None,
    ttl: timedelta | None = None,
) -> str:
    """Store a new token's hash and return the token itself (shown once)."""
    raw = "eo_" + secrets.token_urlsafe(32)
    expires_at: datetime | None = utcnow() + ttl if ttl else None
    session.add(
        ApiToken(
            name=name[:100],
            role=role.name,
            kind=kind,
            token_hash=hash_token(raw),
            user_id=user_id,
            expires_at=expires_at,
        )
    )
    await session.commit()
    return raw


async def authenticate(session: AsyncSession, raw: str, *, via_cookie: bool = False) -> Principal | None:
    """The principal behind a token, or None when it is unknown, expired or revoked."""
    if not raw or len(raw) > 200:
        return None
    token = (await session.exec(select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))).first()
    if token is None or token.revoked_at is not None:
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
    )


async def login(session: AsyncSession, name: str, password: str) -> str:
    """Check a user's password and open a session; returns the session token for the cookie."""
    user = (await session.exec(select(User).where(User.name == name.strip()))).first()
    if user is None or user.disabled or not verify_password(password, user.password_hash):
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
