"""Prometheus metrics at GET /metrics: requests, scans, webhooks, pollers, SSE clients and the database pool.

Counters and gauges of this process live in the app's own registry. With `serve --workers N` every process
also writes them to PROMETHEUS_MULTIPROC_DIR (made by the parent), and the process that answers a scrape
adds up all of them (prometheus_client's multiprocess mode). Figures kept in the database (the webhook queue,
the YouTube pollers and their quota) are read at each scrape, so they are the same whichever process answers.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import event

from eventops.door.answers import ScanAnswer
from eventops.errors import ErrorCode, Unauthorized
from eventops.keys import ENGINE, METRICS, SESSIONMAKER, SETTINGS, STREAM_OPTIONS
from eventops.stream import store as stream_store
from eventops.timeutil import utcnow
from eventops.web.access import Handler, public
from eventops.web.apidoc import documented
from eventops.zoom import ingest as zoom_ingest

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Metrics:
    """This process's metrics, in the app's own registry (one per app: tests build many apps)."""

    registry: CollectorRegistry
    requests: Counter
    latency: Histogram
    scans: Counter
    webhooks: Counter
    sse_clients: Gauge
    pool_in_use: Gauge
    pool_size: Gauge

    @classmethod
    def create(cls) -> Metrics:
        """New metrics in a new registry."""
        r = CollectorRegistry()
        return cls(
            registry=r,
            requests=Counter(
                "eventops_http_requests", "HTTP requests answered", ["method", "route", "status"], registry=r
            ),
            latency=Histogram(
                "eventops_http_request_duration_seconds", "Time to answer", ["method", "route"], registry=r
            ),
            scans=Counter(
                "eventops_scans", "Door answers by result and method", ["result", "method"], registry=r
            ),
            webhooks=Counter(
                "eventops_zoom_webhooks", "Zoom webhook deliveries by outcome", ["outcome"], registry=r
            ),
            sse_clients=Gauge(
                "eventops_sse_clients", "Live-update streams open", registry=r, multiprocess_mode="livesum"
            ),
            pool_in_use=Gauge(
                "eventops_db_pool_connections_in_use",
                "Database connections checked out of the pool",
                registry=r,
                multiprocess_mode="livesum",
            ),
            pool_size=Gauge(
                "eventops_db_pool_size", "The pools' steady size", registry=r, multiprocess_mode="livesum"
            ),
        )

    def count_scan(self, answer: ScanAnswer, method: str) -> None:
        """One door answer (a pass scan, a manual check-in or a walk-in)."""
        self.scans.labels(answer.result.value, method).inc()


def setup_metrics(app: web.Application) -> None:
    """The app's metrics and the database pool's gauges (after the engine exists)."""
    app[METRICS] = Metrics.create()
    app.cleanup_ctx.append(pool_ctx)


async def pool_ctx(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: count the pool's connections out on every checkout and back on every checkin."""
    metrics, engine = app[METRICS], app[ENGINE].sync_engine

    def out(*_args: Any) -> None:
        metrics.pool_in_use.inc()

    def back(*_args: Any) -> None:
        metrics.pool_in_use.dec()

    size = getattr(engine.pool, "size", None)
    metrics.pool_size.set(size() if callable(size) else 0)
    event.listen(engine, "checkout", out)
    event.listen(engine, "checkin", back)
    yield
    event.remove(engine, "checkout", out)
    event.remove(engine, "checkin", back)


def route_label(request: web.Request) -> str:
    """The route's template (`/api/v1/events/{event}`), never the raw path: a bounded set of labels."""
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else "unmatched"


@web.middleware
async def metrics_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Count each request by route and status and time it."""
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    except asyncio.CancelledError:
        status = 499
        raise
    finally:
        metrics, route = request.app[METRICS], route_label(request)
        metrics.requests.labels(request.method, route, str(status)).inc()
        metrics.latency.labels(request.method, route).observe(time.perf_counter() - started)


class _Figures:
    """Metrics read from the database at a scrape, handed to prometheus_client as a collector."""

    def __init__(self, families: list[Metric]) -> None:
        self._families = families

    def collect(self) -> Iterable[Metric]:
        """The families read for this scrape."""
        return self._families


async def _database_figures(app: web.Application) -> list[Metric]:
    queue = GaugeMetricFamily(
        "eventops_zoom_webhook_queue_depth", "Zoom deliveries stored, not processed yet"
    )
    running = GaugeMetricFamily(
        "eventops_youtube_poller_running", "1 while a batch's stream is polled", labels=["event", "batch"]
    )
    stopped = GaugeMetricFamily(
        "eventops_youtube_poller_stopped",
        "1 when polling stopped, by reason",
        labels=["event", "batch", "reason"],
    )
    spent = GaugeMetricFamily(
        "eventops_youtube_quota_used_units", "Units spent in today's quota day", labels=["event", "batch"]
    )
    daily = GaugeMetricFamily("eventops_youtube_quota_daily_units", "The project's daily quota")
    up = GaugeMetricFamily("eventops_database_up", "1 when the database answered this scrape")
    try:
        async with app[SESSIONMAKER]() as session:
            pending = await zoom_ingest.pending_count(session)
            states = await stream_store.poller_states(session, utcnow())
    except Exception:  # the database is away: the process's own figures are still worth a scrape
        log.warning("metrics: the database did not answer", exc_info=True)
        up.add_metric([], 0)
        return [up]
    up.add_metric([], 1)
    queue.add_metric([], pending)
    for state in states:
        running.add_metric([state.event, state.batch], int(state.running))
        if state.stop_reason:
            stopped.add_metric([state.event, state.batch, state.stop_reason], 1)
        spent.add_metric([state.event, state.batch], state.quota_spent)
    daily.add_metric([], app[STREAM_OPTIONS].daily_quota)
    return [up, queue, running, stopped, spent, daily]


def _check_token(request: web.Request) -> None:
    token = request.app[SETTINGS].metrics_token
    if not token:
        return  # open, as the contract says: bind it or restrict it at the proxy (docs/operations.md)
    sent = request.headers.get("Authorization", "")
    if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        raise Unauthorized(
            "send 'Authorization: Bearer ' and the EVENTOPS_METRICS_TOKEN", code=ErrorCode.UNAUTHORIZED
        )


@public(csrf=False)
@documented("text/plain", errors={401: (ErrorCode.UNAUTHORIZED,)})
async def metrics_page(request: web.Request) -> web.Response:
    """GET /metrics in Prometheus' text format (every worker's figures added up under --workers)."""
    _check_token(request)
    if os.environ.get(MULTIPROC_ENV):
        processes = CollectorRegistry()
        MultiProcessCollector(processes)
    else:
        processes = request.app[METRICS].registry
    database = CollectorRegistry(auto_describe=True)
    database.register(_Figures(await _database_figures(request.app)))
    body = generate_latest(processes) + generate_latest(database)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
