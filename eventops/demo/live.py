"""The live demo: the fake Zoom and YouTube and the app in one event loop, with a crowd joining batch K1."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import secrets
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

import aiohttp
from aiohttp import web

from eventops.app import configure_logging, create_app
from eventops.demo import seed as demo
from eventops.settings import Settings
from eventops.storage.db import create_engine, make_sessionmaker
from eventops.timeutil import utcnow
from integrations.youtube.fake import create_fake_youtube
from integrations.youtube.fake_demo import demo_state
from integrations.youtube.fake_state import FakeYouTubeState
from integrations.zoom.fake import (
    EventMeeting,
    EventPerson,
    FakeInstance,
    FakeMeeting,
    FakeZoomState,
    create_fake_zoom,
    deliver,
    joined_event,
    left_event,
    started_event,
)

log = logging.getLogger(__name__)

ZOOM_PORT, YOUTUBE_PORT = 8901, 8902
WEBHOOK_SECRET = "demo_webhook_secret_token"
YOUTUBE_KEY = "fake-youtube-key"
DEVICES = ("iPhone", "Galaxy A12", "OPPO A5s", "Redmi Note 8", "vivo 1904", "DESKTOP-7QK2M1F")


@dataclass(frozen=True)
class LiveOptions:
    """How the demo runs: the ports (0: any free one) and the pace of the simulated crowd."""

    host: str = "127.0.0.1"
    port: int = 8080
    zoom_port: int = ZOOM_PORT
    youtube_port: int = YOUTUBE_PORT
    tick_s: float = 4.0
    chat_every: int = 3  # a chat answer (NIP + code) every this many ticks
    seed: int | None = None  # the crowd's random seed (None: a different crowd each run)


@dataclass
class DemoRun:
    """A running demo: where everything listens, and the logins."""

    url: str
    zoom_url: str
    youtube_url: str
    settings: Settings
    live: demo.LiveBatch
    logins: list[tuple[str, str, str]] = field(default_factory=list)


def zoom_display_name(rng: random.Random, name: str) -> str:
    """What someone types on Zoom: the roster name, without titles, a device, a typo, lower case."""
    plain = " ".join(w for w in name.split(",")[0].split() if not w.endswith(".")) or name
    roll = rng.random()
    if roll < 0.35:
        return name
    if roll < 0.55:
        return plain
    if roll < 0.68:
        device = rng.choice(DEVICES)
        return f"{plain.split()[-1]}'s {device}" if device == "iPhone" else f"{plain} ({device})"
    if roll < 0.82 and len(plain) > 4:
        i = rng.randrange(1, len(plain) - 2)
        if rng.random() < 0.5:
            return plain[:i] + plain[i + 1] + plain[i] + plain[i + 2 :]  # two letters swapped
        return plain[:i] + plain[i + 1 :]  # a letter dropped
    if roll < 0.92:
        return plain.lower()
    return f"K1_{plain}"


class Crowd:
    """Batch K1's Zoom audience: people join and leave (signed webhooks) and answer in the live chat."""

    def __init__(self, live: demo.LiveBatch, meeting: FakeMeeting, options: LiveOptions) -> None:
        self.live, self.options = live, options
        self.rng = random.Random(options.seed)
        self.where = EventMeeting.of(meeting, meeting.instances[0])
        people = list(live.people)
        self.rng.shuffle(people)
        on_zoom = max(1, len(people) * 7 // 10)
        self.pool = people[:on_zoom]  # most of K1 join on Zoom; the others watch YouTube and answer in chat
        self.viewers = [p for p in people[on_zoom:] if p[1]] or [p for p in people if p[1]]
        self.absent = list(range(len(self.pool)))
        self.present: dict[int, EventPerson] = {}
        self.ticks = 0

    def step(self, now: datetime) -> tuple[list[dict[str, object]], tuple[str, str] | None]:
        """The webhooks of one tick, and maybe one chat message (author, text)."""
        events: list[dict[str, object]] = [started_event(self.where)] if self.ticks == 0 else []
        self.ticks += 1
        for index in self.rng.sample(self.absent, min(len(self.absent), self.rng.randint(1, 5))):
            name, _, email = self.pool[index]
            person = EventPerson(
                user_id=str(self.rng.randrange(16_000_000, 17_000_000)),
                user_name=zoom_display_name(self.rng, name),
                email=(email or "") if self.rng.random() < 0.5 else "",
                id=secrets.token_urlsafe(16)[:22] if self.rng.random() < 0.3 else "",
            )
            self.absent.remove(index)
            self.present[index] = person
            events.append(joined_event(self.where, person, now))
        leaving = self.rng.sample(sorted(self.present), min(len(self.present) // 8, self.rng.randint(0, 2)))
        for index in leaving:
            events.append(left_event(self.where, self.present.pop(index), now))
            self.absent.append(index)  # may come back later: a reconnect, with a new user id
        chat = None
        if self.viewers and (self.ticks - 1) % self.options.chat_every == 0:
            name, nip, _ = self.rng.choice(self.viewers)
            text = self.rng.choice(("HADIR {code} {nip}", "{nip} {code}", "hadir {code} {nip} 🙏"))
            chat = (zoom_display_name(self.rng, name), text.format(code=self.live.code, nip=nip))
        return events, chat

    async def run(self, http: aiohttp.ClientSession, webhook_url: str, youtube_url: str) -> None:
        """Every `tick_s` seconds: deliver the tick's webhooks and post its chat message; log failures."""
        while True:
            events, chat = self.step(utcnow())
            try:
                results = await deliver(http, webhook_url, WEBHOOK_SECRET, events)
                refused = [r for r in results if r.status >= 300]
                if refused:
                    log.warning(
                        "demo: %d of %d webhooks refused (%d)", len(refused), len(results), refused[0].status
                    )
                if chat is not None:
                    url = f"{youtube_url}/_fake/youtube/{self.live.video_id}/chat"
                    async with http.post(url, json={"author": chat[0], "text": chat[1]}) as response:
                        response.raise_for_status()
            except (aiohttp.ClientError, OSError) as exc:
                log.warning("demo: could not deliver (%s); trying again", exc)
            await asyncio.sleep(self.options.tick_s)


def fake_youtube(video_id: str, run: str) -> FakeYouTubeState:
    """The scripted demo broadcast, its chat and message ids made unique to this run.

    The fake derives ids from the chat id and a counter, so a restarted demo would repeat the last run's
    ids, which the app stores once and would drop as already seen.
    """
    state = demo_state(YOUTUBE_KEY, video_id)
    broadcast = state.broadcasts[video_id]
    broadcast.chat_id = f"{broadcast.chat_id}{run}"

    def renamed(message_id: str | None) -> str | None:
        return None if message_id is None else f"LCC.{run}{message_id.removeprefix('LCC.')}"

    broadcast.messages = [
        replace(m, id=renamed(m.id) or m.id, deleted_message_id=renamed(m.deleted_message_id))
        for m in broadcast.messages
    ]
    return state


def fake_meeting(live: demo.LiveBatch) -> FakeMeeting:
    """K1's meeting on the fake Zoom: one instance running since the batch started."""
    instance = FakeInstance(
        uuid=secrets.token_urlsafe(16)[:22] + "==", start_time=live.starts_at, end_time=None
    )
    return FakeMeeting(
        live.meeting_id, "meeting", "Literasi Digital ASN Provinsi Bali — Kelompok 1", [instance]
    )


async def _serve(
    app: web.Application, host: str, port: int, fallback: bool = True
) -> tuple[web.AppRunner, int]:
    """Start `app` on `port` (0, or taken and `fallback`: a free one); return its runner and port."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError:
            if not fallback or port == 0:
                raise
            await web.TCPSite(runner, host, 0).start()
    except BaseException:
        await runner.cleanup()
        raise
    sockname = runner.addresses[0]
    return runner, int(sockname[1])


@contextlib.asynccontextmanager
async def _background(work: Awaitable[None], name: str) -> AsyncIterator[asyncio.Task[None]]:
    """A task for the duration of the block: created, then cancelled and awaited on the way out."""
    task = asyncio.ensure_future(work)
    task.set_name(name)
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _seed(settings: Settings) -> tuple[list[tuple[str, str, str]], demo.LiveBatch]:
    engine = create_engine(settings.database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            logins = await demo.seed(session, public_url=settings.public_url)
            return logins, await demo.prepare_live(session)
    finally:
        await engine.dispose()


@contextlib.asynccontextmanager
async def running(settings: Settings, options: LiveOptions) -> AsyncIterator[DemoRun]:
    """Seed (schema already migrated), start the fakes, the app and the crowd; stop them all on exit."""
    logins, live = await _seed(settings)
    zoom_state = FakeZoomState()
    zoom_state.add_meeting(fake_meeting(live))
    async with contextlib.AsyncExitStack() as stack:
        runner, zoom_port = await _serve(create_fake_zoom(zoom_state), options.host, options.zoom_port)
        stack.push_async_callback(runner.cleanup)
        runner, youtube_port = await _serve(
            create_fake_youtube(fake_youtube(live.video_id, secrets.token_hex(4))),
            options.host,
            options.youtube_port,
        )
        stack.push_async_callback(runner.cleanup)
        zoom_url, youtube_url = f"http://{options.host}:{zoom_port}", f"http://{options.host}:{youtube_port}"
        settings = replace(
            settings,
            zoom_account_id=zoom_state.account_id,
            zoom_client_id=zoom_state.client_id,
            zoom_client_secret=zoom_state.client_secret,
            zoom_webhook_secret=WEBHOOK_SECRET,
            zoom_api_base=f"{zoom_url}/v2",
            zoom_oauth_url=f"{zoom_url}/oauth/token",
            youtube_api_key=YOUTUBE_KEY,
            youtube_api_base=f"{youtube_url}/",
        )
        runner, port = await _serve(create_app(settings), options.host, options.port, fallback=False)
        stack.push_async_callback(runner.cleanup)
        url = f"http://{options.host}:{port}"
        http = await stack.enter_async_context(aiohttp.ClientSession())
        crowd = Crowd(live, zoom_state.meetings[live.meeting_id], options)
        await stack.enter_async_context(
            _background(crowd.run(http, f"{url}/webhooks/zoom", youtube_url), "demo-crowd")
        )
        yield DemoRun(url, zoom_url, youtube_url, settings, live, logins)


def describe(run: DemoRun) -> str:
    """What to print: the logins and where to look."""
    event = f"{demo.SLUG}/K1"
    lines = [f"\n  eventops demo — {run.url}/"]
    lines += [f"  login {role:<10} {name} / {password}" for name, role, password in run.logins]
    lines += [
        f"  dashboard   {run.url}/dashboard/{event}",
        f"  scanner     {run.url}/scan",
        f"  stream      {run.url}/stream/{event}  (checkpoint code {run.live.code})",
        f"  hadir form  {run.url}/b/{event}/hadir",
        f"  fake Zoom   {run.zoom_url}/v2 (meeting {run.live.meeting_id}); webhooks every few seconds",
        f"  fake YouTube {run.youtube_url}/ (video {run.live.video_id})",
        "",
    ]
    return "\n".join(lines)


def serve(settings: Settings, options: LiveOptions, say: Callable[[str], None] = print) -> int:
    """Run the live demo until interrupted (Ctrl-C or SIGTERM)."""
    configure_logging(settings.log_level, settings.log_format)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        async with running(settings, options) as run:
            say(describe(run))
            await stop.wait()
        say("demo stopped")

    asyncio.run(main())
    return 0
