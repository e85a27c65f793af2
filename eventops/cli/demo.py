"""`eventops demo`: the demo event, seeded and served live with the local Zoom and YouTube fakes."""

from __future__ import annotations

import argparse

from sqlmodel.ext.asyncio.session import AsyncSession

from eventops import diagnose
from eventops.cli.common import DATABASE, LOGS, Subcommands, command, run
from eventops.cli.serve import listen_options
from eventops.settings import Settings
from eventops.storage.migrations import migrate


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    """Create the schema, seed the demo event, and serve it live with the local Zoom and YouTube fakes."""
    from eventops.demo import live as demo_live
    from eventops.demo import seed as demo

    if not args.seed_only:
        diagnose.check_port(args.host, args.port)
    migrate(settings.database_url)
    if not args.seed_only:
        return demo_live.serve(settings, demo_live.LiveOptions(host=args.host, port=args.port))

    async def seed(session: AsyncSession) -> list[tuple[str, str, str]]:
        logins = await demo.seed(session, public_url=settings.public_url)
        await demo.prepare_live(session)
        return logins

    logins = run(settings, seed)
    print(f"\n  eventops demo — http://{args.host}:{args.port}/")
    for name, role, password in logins:
        print(f"  login {role:<10} {name} / {password}")
    print()
    return 0


def add_commands(sub: Subcommands) -> None:
    """`demo`."""
    demo = command(
        sub,
        "demo",
        cmd_demo,
        "seed a demo event and run it with the local Zoom/YouTube fakes",
        env=(*DATABASE, "EVENTOPS_PUBLIC_URL", *LOGS),
    )
    listen_options(demo)
    demo.add_argument("--seed-only", action="store_true", help="seed and print the logins, do not serve")
