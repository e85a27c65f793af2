"""GET /metrics: Prometheus' format with requests, scans, webhooks, pollers, SSE clients and the pool."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import psutil
import pytest
from aiohttp.test_utils import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlmodel import select

from eventops.keys import SESSIONMAKER
from eventops.settings import Settings
from eventops.storage.models import Batch
from eventops.stream import store as stream_store
from integrations.zoom.fake import EventMeeting, EventPerson, joined_event, url_validation_event
from tests.conftest import PUBLIC_URL
from tests.helpers import EVENT, SUDARMA, ZOOM_SECRET, bearer, live_passes, post_zoom, scan, seed_door

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]
SCANS_ROUTE = "/api/v1/events/{event}/batches/{code}/scans"


def parse(text: str) -> Samples:
    """Every sample by name and labels."""
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """One sample's value; 0 when absent (a counter not incremented yet)."""
    return samples.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
def settings(db_url: str) -> Settings:
    """The app under test, with a Zoom webhook secret."""
    return Settings(database_url=db_url, public_url=PUBLIC_URL, zoom_webhook_secret=ZOOM_SECRET)


async def scrape(client: TestClient, headers: dict[str, str] | None = None) -> Samples:
    """GET /metrics and parse it."""
    resp = await client.get("/metrics", headers=headers)
    assert resp.status == 200, await resp.text()
    assert resp.headers["Content-Type"].startswith("text/plain; version=")
    return parse(await resp.text())


async def test_metrics_count_a_scan_by_result_and_the_request_by_route(
    client: TestClient, tokens: dict[str, str], db_url: str
) -> None:
    await seed_door(client, tokens["organiser"])
    token = (await live_passes(db_url))[SUDARMA]
    assert (await scan(client, tokens["staff"], token))[1]["result"] == "ok"
    assert (await scan(client, tokens["staff"], token))[1]["result"] == "duplicate"
    samples = await scrape(client)
    assert value(samples, "eventops_scans_total", result="ok", method="qr") == 1
    assert value(samples, "eventops_scans_total", result="duplicate", method="qr") == 1
    assert value(samples, "eventops_http_requests_total", method="POST", route=SCANS_ROUTE, status="200") == 2
    assert (
        value(samples, "eventops_http_request_duration_seconds_count", method="POST", route=SCANS_ROUTE) == 2
    )
    assert value(samples, "eventops_db_pool_size") >= 1
    assert value(samples, "eventops_database_up") == 1
    assert (
        value(samples, "eventops_db_pool_connections_in_use") == 0
    )  # every request gave its connection back


async def test_unknown_paths_share_one_label(client: TestClient) -> None:
    for path in ("/no/such/a", "/no/such/b"):
        assert (await client.get(path)).status == 404
    samples = await scrape(client)
    assert value(samples, "eventops_http_requests_total", method="GET", route="unmatched", status="404") == 2


async def test_webhook_deliveries_are_counted_by_outcome(client: TestClient) -> None:
    meeting = EventMeeting("81234567890", "gsqg0HKxTQ2TxSVAxE9+0w==", datetime(2023, 8, 21, tzinfo=UTC))
    person = EventPerson(user_id="16778240", user_name="Budi Santoso", email="budi@baliprov.go.id")
    joined = joined_event(meeting, person, datetime(2023, 8, 21, 0, 5, tzinfo=UTC))
    assert (await post_zoom(client, joined, secret=ZOOM_SECRET)).status == 200
    assert (await post_zoom(client, joined, secret="not-the-secret")).status == 401
    assert (await post_zoom(client, url_validation_event("abc"), secret=ZOOM_SECRET)).status == 200
    samples = await scrape(client)
    assert [value(samples, "eventops_zoom_webhooks_total", outcome=o) for o in ("stored", "rejected")] == [
        1,
        1,
    ]
    assert value(samples, "eventops_zoom_webhooks_total", outcome="url_validation") == 1
    assert ("eventops_zoom_webhook_queue_depth", frozenset()) in samples


async def test_open_live_streams_are_counted(client: TestClient, tokens: dict[str, str]) -> None:
    await seed_door(client, tokens["organiser"])
    url = f"/api/v1/events/{EVENT['slug']}/batches/K1/live"
    async with client.get(url, headers=bearer(tokens["moderator"])) as stream:
        assert (await asyncio.wait_for(stream.content.readline(), 10)) == b"event: hello\n"
        assert value(await scrape(client), "eventops_sse_clients") == 1


async def test_youtube_pollers_and_their_quota_are_read_from_the_database(
    client: TestClient, tokens: dict[str, str]
) -> None:
    await seed_door(client, tokens["organiser"])
    async with client.app[SESSIONMAKER]() as session:
        ids = dict((await session.exec(select(Batch.code, Batch.id))).all())
        now = datetime.now(UTC)
        await stream_store.save_state(session, ids["K1"], now, quota_delta=7, running=True, stop_reason=None)
        await stream_store.save_state(session, ids["K2"], now, running=False, stop_reason="quota_exceeded")
        await session.commit()
    samples = await scrape(client)
    slug = EVENT["slug"]
    assert value(samples, "eventops_youtube_poller_running", event=slug, batch="K1") == 1
    assert value(samples, "eventops_youtube_poller_running", event=slug, batch="K2") == 0
    assert (
        value(samples, "eventops_youtube_poller_stopped", event=slug, batch="K2", reason="quota_exceeded")
        == 1
    )
    assert value(samples, "eventops_youtube_quota_used_units", event=slug, batch="K1") == 7
    assert value(samples, "eventops_youtube_quota_daily_units") == 10_000


class TestWithAToken:
    """With EVENTOPS_METRICS_TOKEN set, /metrics needs it."""

    @pytest.fixture
    def settings(self, db_url: str) -> Settings:
        """The app with a metrics token."""
        return Settings(database_url=db_url, public_url=PUBLIC_URL, metrics_token="scrape-me")

    async def test_metrics_need_the_token(self, client: TestClient, tokens: dict[str, str]) -> None:
        assert (await client.get("/metrics")).status == 401
        assert (await client.get("/metrics", headers=bearer(tokens["organiser"]))).status == 401
        await scrape(client, bearer("scrape-me"))


# --- several workers ----------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_every_workers_requests_are_added_up(db_url: str, tmp_path: Path) -> None:
    port = _free_port()
    argv = [sys.executable, "-m", "eventops.cli", "serve", "--port", str(port), "--workers", "2"]
    env = {**os.environ, "EVENTOPS_DATABASE_URL": db_url, "EVENTOPS_LOG_LEVEL": "WARNING"}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log = (tmp_path / "serve.log").open("w")
    with log, subprocess.Popen(argv, env=env, stdout=log, stderr=log) as proc:
        try:
            base = f"http://127.0.0.1:{port}"
            # A new connection per request: SO_REUSEPORT spreads connections, not requests, over the workers.
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as http:
                for _ in range(600):  # polling a starting server (up to 60 s), not synchronising test steps
                    assert proc.poll() is None, (tmp_path / "serve.log").read_text()
                    with contextlib.suppress(aiohttp.ClientConnectionError):
                        async with http.get(f"{base}/healthz") as resp:
                            if resp.status == 200:
                                break
                    await asyncio.sleep(0.1)
                before = parse(await (await http.get(f"{base}/metrics")).text())
                for _ in range(40):
                    assert (await http.get(f"{base}/healthz")).status == 200
                after = parse(await (await http.get(f"{base}/metrics")).text())
            count = {"method": "GET", "route": "/healthz", "status": "200"}
            assert (
                value(after, "eventops_http_requests_total", **count)
                - value(before, "eventops_http_requests_total", **count)
                == 40
            )
        finally:
            workers = psutil.Process(proc.pid).children()
            proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(30)
            for process in [proc, *workers]:  # never leave a server behind
                with contextlib.suppress(psutil.NoSuchProcess, ProcessLookupError):
                    process.kill()
