"""`eventops user …` and `eventops token …`: who logs in to the pages, and the API's bearer tokens."""

from __future__ import annotations

import argparse
import sys

from eventops.accounts import auth
from eventops.cli.common import Subcommands, command, group, json_option, run, show
from eventops.settings import Settings


def _password(given: str | None) -> tuple[str, bool]:
    """The password from --password, the terminal (asked) or stdin's first line; generated when empty."""
    import getpass
    import secrets

    password = given
    if password is None:
        if sys.stdin.isatty():
            password = getpass.getpass("password (empty: generate one): ")
        else:
            password = sys.stdin.readline().rstrip("\r\n")  # `echo "$PASSWORD" | eventops user add …`
    if password:
        return password, False
    return secrets.token_urlsafe(12), True


def cmd_user_add(args: argparse.Namespace, settings: Settings) -> int:
    """Add a user who logs in to the web pages."""
    role = auth.Role.parse(args.role)
    password, generated = _password(args.password)
    run(settings, lambda s: auth.add_user(s, args.name, role, password))
    print(f"user {args.name} ({role.name}) added" + (f"; password: {password}" if generated else ""))
    return 0


def cmd_user_list(args: argparse.Namespace, settings: Settings) -> int:
    """List the users: name, role, whether they may log in, when they were added."""
    users = run(settings, auth.list_users)
    records = [
        {
            "name": u.name,
            "role": u.role,
            "state": "disabled" if u.disabled else "active",
            "created_at": u.created_at,
        }
        for u in users
    ]
    columns = {"name": "NAME", "role": "ROLE", "state": "STATE", "created_at": "ADDED"}
    show(records, columns, as_json=args.json)
    return 0


def cmd_user_passwd(args: argparse.Namespace, settings: Settings) -> int:
    """Set a user's password; their open login sessions end."""
    password, generated = _password(args.password)
    run(settings, lambda s: auth.change_password(s, args.name, password))
    print(f"password of {args.name} changed" + (f": {password}" if generated else ""))
    return 0


def cmd_user_disable(args: argparse.Namespace, settings: Settings) -> int:
    """Stop a user from logging in and end their open sessions (`user enable` lets them in again)."""
    run(settings, lambda s: auth.set_disabled(s, args.name, True))
    print(f"user {args.name} disabled; their sessions have ended")
    return 0


def cmd_user_enable(args: argparse.Namespace, settings: Settings) -> int:
    """Let a disabled user log in again."""
    run(settings, lambda s: auth.set_disabled(s, args.name, False))
    print(f"user {args.name} enabled")
    return 0


def cmd_token_create(args: argparse.Namespace, settings: Settings) -> int:
    """Create an API token and print it (it is shown only once)."""
    role = auth.Role.parse(args.role)
    print(run(settings, lambda s: auth.create_token(s, role, args.name)))
    return 0


def cmd_token_list(args: argparse.Namespace, settings: Settings) -> int:
    """List the API tokens by id, name and role (the tokens themselves are stored hashed: never shown)."""
    tokens = run(settings, auth.list_tokens)
    records = [
        {
            "id": t.id,
            "name": t.name,
            "role": t.role,
            "state": "revoked" if t.revoked_at is not None else "active",
            "created_at": t.created_at,
            "revoked_at": t.revoked_at,
        }
        for t in tokens
    ]
    columns = {"id": "ID", "name": "NAME", "role": "ROLE", "state": "STATE", "created_at": "CREATED"}
    show(records, columns, as_json=args.json, right={"id"})
    return 0


def cmd_token_revoke(args: argparse.Namespace, settings: Settings) -> int:
    """Revoke an API token by its id or its name (see `token list`)."""
    token = run(settings, lambda s: auth.revoke_token(s, args.token))
    print(
        f"token {token.id} ({token.name}) revoked; "
        f"running servers refuse it within {auth.TokenCache().ttl:.0f} s"
    )
    return 0


def _role(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--role", required=True, choices=[r.name for r in auth.Role], help="organiser ⊃ moderator ⊃ staff"
    )


def add_commands(sub: Subcommands) -> None:
    """`user …` and `token …`."""
    user = group(sub, "user", "manage the users who log in to the pages")
    p = command(user, "add", cmd_user_add, "add a user who logs in to the pages")
    p.add_argument("name", help="the login name (1 to 64 characters)")
    _role(p)
    p.add_argument(
        "--password",
        help="the password, at least 8 characters (default: asked on a terminal, else read from stdin's "
        "first line; empty: one is generated and printed)",
    )
    p = command(user, "list", cmd_user_list, "list the users, their roles and whether they may log in")
    json_option(p)
    p = command(user, "passwd", cmd_user_passwd, "set a user's password (their sessions end)")
    p.add_argument("name", help="the login name")
    p.add_argument(
        "--password", help="the new password (default: asked, or stdin's first line, or generated)"
    )
    p = command(user, "disable", cmd_user_disable, "stop a user from logging in (their sessions end)")
    p.add_argument("name", help="the login name")
    p = command(user, "enable", cmd_user_enable, "let a disabled user log in again")
    p.add_argument("name", help="the login name")

    token = group(sub, "token", "manage the API's bearer tokens")
    p = command(token, "create", cmd_token_create, "create a bearer token and print it (shown once)")
    _role(p)
    p.add_argument(
        "--name", required=True, help="what the token is for, e.g. gate-1 (shown in logs and lists)"
    )
    p = command(token, "list", cmd_token_list, "list the API tokens (never the tokens themselves)")
    json_option(p)
    p = command(token, "revoke", cmd_token_revoke, "revoke a bearer token")
    p.add_argument("token", metavar="ID_OR_NAME", help="the token's id or name, as `token list` shows them")
