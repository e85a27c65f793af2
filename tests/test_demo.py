"""The live demo: fake Zoom and YouTube and the app in one loop, a crowd joining K1, restartable."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable

import aiohttp
import pytest
from sqlalchemy import func
from sqlmodel import col, select

from eventops.demo import live as demo_live
from eventops.demo import seed as demo
from eventops.settings import Settings
from eventops.storage.db import create_engine, make_sessionmaker
from eventops.storage.models import (
    Batch,
    Checkpoint,
    CheckpointSubmission,
    Event,
    OnlineSession,
    ViewerSample,
)
from eventops.timeutil import utcnow

FAST = demo_live.LiveOptions(port=0, zoom_port=0, youtube_port=0, tick_s=0.2, chat_every=2, seed=7)


async def _count(settings: Settings, query: object) -> int:
    engine = create_engine(settings.database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            return int((await session.exec(query)).one())  # type: ignore[call-overload]
    finally:
        await engine.dispose()


async def _until(check: Callable[[], Awaitable[bool]], what: str, attempts: int = 300) -> None:
    """Poll `check` (a bounded number of times, 0.1 s apart) until it holds."""
    for _ in range(attempts):
        if await check():
            return
        await asyncio.sleep(0.1)
    pytest.fail(f"the demo never produced {what}")


async def test_demo_drives_k1_through_the_fakes(settings: Settings) -> None:
    async with demo_live.running(settings, FAST) as run:
        batch_id = run.live.batch_id
        sessions = select(func.count()).select_from(OnlineSession).where(OnlineSession.batch_id == batch_id)
        matched = sessions.where(col(OnlineSession.participant_id).is_not(None))
        viewers = select(func.count()).select_from(ViewerSample).where(ViewerSample.batch_id == batch_id)
        answers = select(func.count()).select_from(CheckpointSubmission)

        async def sessions_and_viewers() -> bool:
            return await _count(settings, matched) >= 3 and await _count(settings, viewers) >= 1

        async def chat_answers() -> bool:
            return await _count(settings, answers) >= 1

        await _until(sessions_and_viewers, "matched Zoom sessions and a viewer sample for K1")
        # the app spaces chat polls by its quota budget (about every 15 s here)
        await _until(chat_answers, "a checkpoint answered in the live chat", attempts=900)
        async with aiohttp.ClientSession() as http, http.get(f"{run.url}/healthz") as response:
            assert response.status == 200
        assert run.settings.zoom_webhook_secret and run.settings.youtube_api_base == f"{run.youtube_url}/"
        assert {role for _, role, _ in run.logins} == {"organiser", "moderator", "staff"}
        assert f"{run.url}/dashboard/{demo.SLUG}/K1" in demo_live.describe(run)
    async with aiohttp.ClientSession() as http:
        with pytest.raises(aiohttp.ClientConnectionError):
            await http.get(f"{run.url}/healthz")


async def test_restarting_the_demo_reuses_the_event_and_moves_k1_to_now(settings: Settings) -> None:
    async with demo_live.running(settings, FAST) as first:
        pass
    async with demo_live.running(settings, FAST) as second:
        pass
    assert first.live.batch_id == second.live.batch_id
    assert await _count(settings, select(func.count()).select_from(Event)) == 1
    checkpoints = (
        select(func.count()).select_from(Checkpoint).where(Checkpoint.batch_id == first.live.batch_id)
    )
    assert await _count(settings, checkpoints) == 1
    now = utcnow()
    k1 = (
        select(func.count())
        .select_from(Batch)
        .where(
            Batch.code == "K1",
            col(Batch.starts_at) <= now,
            col(Batch.ends_at) > now,
            Batch.youtube_video_id == demo.VIDEO_ID,
            Batch.zoom_meeting_id == demo.MEETING_ID,
        )
    )
    assert await _count(settings, k1) == 1


def test_chat_ids_differ_between_runs() -> None:
    first, second = demo_live.fake_youtube(demo.VIDEO_ID, "aa"), demo_live.fake_youtube(demo.VIDEO_ID, "bb")
    ids = [{m.id for m in s.broadcasts[demo.VIDEO_ID].messages} for s in (first, second)]
    assert ids[0] and not ids[0] & ids[1]
    said = [s.broadcasts[demo.VIDEO_ID].say(utcnow(), "Made", "HADIR").id for s in (first, second)]
    assert said[0] != said[1]


def test_zoom_names_are_mostly_the_roster_names_typed_loosely() -> None:
    rng = random.Random(3)
    name = "Drs. I Made Sudarma, M.Si."
    names = [demo_live.zoom_display_name(rng, name) for _ in range(400)]
    assert name in names and "I Made Sudarma" in names and "i made sudarma" in names
    assert any("(" in n or "iPhone" in n for n in names) and any(n.startswith("K1_") for n in names)
    assert len(set(names)) > 10
