"""A faithful local fake of Zoom (API, OAuth, webhook sender); run: `python -m integrations.zoom.fake`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence

import aiohttp
from aiohttp import web

from integrations.zoom.fake_data import instance_uuid, make_meeting
from integrations.zoom.fake_server import STATE, create_fake_zoom, zoom_error
from integrations.zoom.fake_state import (
    Call,
    FakeInstance,
    FakeMeeting,
    FakePerson,
    FakeZoomState,
    Fault,
)
from integrations.zoom.fake_webhooks import (
    Delivery,
    EventMeeting,
    EventPerson,
    deliver,
    delivery_plan,
    encode_event,
    ended_event,
    events_for_instance,
    joined_event,
    left_event,
    signed_headers,
    started_event,
    url_validation_event,
)

__all__ = [
    "STATE",
    "Call",
    "Delivery",
    "EventMeeting",
    "EventPerson",
    "FakeInstance",
    "FakeMeeting",
    "FakePerson",
    "FakeZoomState",
    "Fault",
    "build_app",
    "create_fake_zoom",
    "deliver",
    "delivery_plan",
    "encode_event",
    "ended_event",
    "events_for_instance",
    "instance_uuid",
    "joined_event",
    "left_event",
    "main",
    "make_meeting",
    "parse_arguments",
    "signed_headers",
    "started_event",
    "url_validation_event",
    "zoom_error",
]


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options of the standalone fake."""
    parser = argparse.ArgumentParser(prog="python -m integrations.zoom.fake", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8901)
    parser.add_argument("--people", type=int, default=500, help="people in the seeded meeting")
    parser.add_argument("--reconnect-rate", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--meeting-id", default="81234567890")
    parser.add_argument("--kind", choices=("meeting", "webinar"), default="meeting")
    parser.add_argument("--account-id", default="fake_account_id")
    parser.add_argument("--client-id", default="fake_client_id")
    parser.add_argument("--client-secret", default="fake_client_secret")
    parser.add_argument("--webhook-url", default="", help="POST the seeded meeting's webhooks here")
    parser.add_argument("--webhook-secret", default="fake_webhook_secret_token")
    return parser.parse_args(argv)


def build_app(options: argparse.Namespace) -> web.Application:
    """The standalone fake: one seeded meeting, and optionally its webhooks pushed to `--webhook-url`."""
    state = FakeZoomState(
        account_id=options.account_id, client_id=options.client_id, client_secret=options.client_secret
    )
    meeting = state.add_meeting(
        make_meeting(
            options.people,
            options.reconnect_rate,
            options.seed,
            kind=options.kind,
            meeting_id=options.meeting_id,
        )
    )
    app = create_fake_zoom(state)
    if options.webhook_url:

        async def push(_app: web.Application) -> AsyncIterator[None]:
            """Send the seeded meeting's webhooks once the server is up; cancel on shutdown."""

            async def send() -> None:
                async with aiohttp.ClientSession() as session:
                    events = events_for_instance(meeting, meeting.instances[0])
                    results = await deliver(session, options.webhook_url, options.webhook_secret, events)
                    print(f"delivered {len(results)} webhooks to {options.webhook_url}", flush=True)

            task = asyncio.create_task(send())
            yield
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

        app.cleanup_ctx.append(push)
    return app


def main(argv: Sequence[str] | None = None) -> None:
    """Serve the fake Zoom until interrupted, printing what a client needs to reach it."""
    options = parse_arguments(argv)
    app = build_app(options)
    meeting = app[STATE].meetings[options.meeting_id]
    root = f"http://{options.host}:{options.port}"
    print(
        f"fake Zoom on {root}\n"
        f"  EVENTOPS_ZOOM_API_BASE={root}/v2\n  EVENTOPS_ZOOM_OAUTH_URL={root}/oauth/token\n"
        f"  EVENTOPS_ZOOM_ACCOUNT_ID={options.account_id}\n  EVENTOPS_ZOOM_CLIENT_ID={options.client_id}\n"
        f"  EVENTOPS_ZOOM_CLIENT_SECRET={options.client_secret}\n"
        f"  {options.kind} {meeting.id}, instance {meeting.instances[0].uuid}, "
        f"{len(meeting.people)} people, {len(meeting.instances[0].rows)} report rows",
        flush=True,
    )
    web.run_app(app, host=options.host, port=options.port)


if __name__ == "__main__":
    main()
