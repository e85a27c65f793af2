"""The organisers' users page: users (add, reset password, disable, enable) and API tokens."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from eventops import errors
from eventops.accounts import auth
from eventops.accounts.auth import Role
from eventops.keys import SESSIONMAKER
from eventops.web.access import requires
from eventops.web.errors import STATUS
from eventops.web.parse import form_values
from eventops.web.render import render
from eventops.web.strict import strict

FIELD_MAX = 200


async def _page(
    request: web.Request,
    *,
    form: str = "",
    values: dict[str, str] | None = None,
    error: errors.DomainError | None = None,
    done: Any = None,
) -> web.Response:
    """The users page, with one form's message and its typed values kept (never a typed password)."""
    async with request.app[SESSIONMAKER]() as session:
        users = await auth.list_users(session)
        tokens = await auth.list_tokens(session)
    status = 200
    if error is not None:
        status = next((code for cls, code in STATUS.items() if isinstance(error, cls)), 400)
    kept = {k: v for k, v in (values or {}).items() if k != "password"}
    response = render(
        request,
        "console/users.html",
        status=status,
        users=users,
        tokens=tokens,
        roles=[r.name for r in sorted(Role, reverse=True)],
        form=form,
        values=kept,
        error=error,
        done=done,
    )
    return strict(response)


@requires(Role.organiser, page=True)
async def users_page(request: web.Request) -> web.Response:
    """GET /admin/users."""
    return await _page(request)


@requires(Role.organiser, page=True)
async def add_user(request: web.Request) -> web.Response:
    """Add a user with a role and a first password."""
    values = await form_values(request, "name", "role", "password", limit=FIELD_MAX)
    try:
        role = Role.parse(values["role"])
        async with request.app[SESSIONMAKER]() as session:
            user = await auth.add_user(session, values["name"], role, values["password"])
    except errors.DomainError as exc:
        return await _page(request, form="add_user", values=values, error=exc)
    return await _page(request, form="add_user", done={"name": user.name})


@requires(Role.organiser, page=True)
async def reset_password(request: web.Request) -> web.Response:
    """Give a user a new password (their open sessions end)."""
    values = await form_values(request, "name", "password", limit=FIELD_MAX)
    try:
        async with request.app[SESSIONMAKER]() as session:
            user = await auth.change_password(session, values["name"], values["password"])
    except errors.DomainError as exc:
        return await _page(request, form="users", values=values, error=exc)
    return await _page(request, form=f"password:{user.name}", done={"name": user.name})


@requires(Role.organiser, page=True)
async def set_disabled(request: web.Request) -> web.Response:
    """Disable a user (their open sessions end) or enable them again."""
    values = await form_values(request, "name", "disabled", limit=FIELD_MAX)
    try:
        async with request.app[SESSIONMAKER]() as session:
            user = await auth.set_disabled(session, values["name"], values["disabled"] == "1")
    except errors.DomainError as exc:
        return await _page(request, form="users", values=values, error=exc)
    return await _page(request, form="users", done={"name": user.name, "disabled": user.disabled})


@requires(Role.organiser, page=True)
async def create_token(request: web.Request) -> web.Response:
    """Create an API token and show its secret once."""
    values = await form_values(request, "name", "role", limit=FIELD_MAX)
    try:
        role = Role.parse(values["role"])
        async with request.app[SESSIONMAKER]() as session:
            secret = await auth.create_token(session, role, values["name"])
    except errors.DomainError as exc:
        return await _page(request, form="create_token", values=values, error=exc)
    return await _page(request, form="create_token", done={"name": values["name"], "secret": secret})


@requires(Role.organiser, page=True)
async def revoke_token(request: web.Request) -> web.Response:
    """Revoke an API token by id."""
    values = await form_values(request, "id", limit=FIELD_MAX)
    try:
        async with request.app[SESSIONMAKER]() as session:
            token = await auth.revoke_token(session, values["id"])
    except errors.DomainError as exc:
        return await _page(request, form="tokens", values=values, error=exc)
    return await _page(request, form="tokens", done={"name": token.name})
