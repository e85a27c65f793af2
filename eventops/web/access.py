"""Who may call a handler: every route is marked public or with the lowest role it admits."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from eventops.accounts.auth import Role

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_ATTR = "__eventops_access__"


@dataclass(frozen=True)
class Access:
    """A route's rule: the role it needs (None: public), whether it is a page, whether CSRF applies, and the
    largest body it reads when smaller than the app's (a form: a few KB)."""

    role: Role | None
    page: bool = False
    csrf: bool = True
    max_body: int | None = None


def requires(role: Role, *, page: bool = False) -> Callable[[Handler], Handler]:
    """Mark a handler as needing `role` or higher; pages redirect to the login form instead of a 401."""

    def mark(handler: Handler) -> Handler:
        setattr(handler, _ATTR, Access(role, page=page))
        return handler

    return mark


def public(
    *, page: bool = False, csrf: bool = True, max_body: int | None = None
) -> Callable[[Handler], Handler]:
    """Mark a handler as open to anyone (csrf=False only for signed machine callers such as webhooks)."""

    def mark(handler: Handler) -> Handler:
        setattr(handler, _ATTR, Access(None, page=page, csrf=csrf, max_body=max_body))
        return handler

    return mark


def access_of(handler: object) -> Access | None:
    """The access rule a handler was marked with, or None when it was not marked."""
    value = getattr(handler, _ATTR, None)
    return value if isinstance(value, Access) else None
