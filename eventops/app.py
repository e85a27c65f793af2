"""The application factory: the only place that wires things together."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from aiohttp import web

from eventops.accounts.auth import TokenCache
from eventops.attendance.shared import SharedRecords
from eventops.door import scans_pg
from eventops.i18n import DEFAULT_LOCALE, LOCALES
from eventops.keys import (
    ENGINE,
    LIVE_HUB,
    SESSIONMAKER,
    SETTINGS,
    SHARED_RECORDS,
    TEMPLATES,
    TEMPLATES_BY_LOCALE,
    TOKEN_CACHE,
)
from eventops.live.hub import HUB_KEY, Hub
from eventops.settings import Settings
from eventops.storage.db import create_engine, fill_pool, is_sqlite, make_sessionmaker
from eventops.stream.supervisor import setup_stream
from eventops.web.accesslog import access_log_middleware
from eventops.web.api_review import setup_review
from eventops.web.auth import auth_middleware
from eventops.web.errors import error_middleware
from eventops.web.hadir import setup_hadir
from eventops.web.live import close_streams, listener_ctx
from eventops.web.login import setup_login
from eventops.web.metrics import metrics_middleware, setup_metrics
from eventops.web.parse import input_middleware
from eventops.web.render import create_templates
from eventops.web.routes import setup_routes
from eventops.web.strict import setup_no_framing
from eventops.zoom.worker import http_client_ctx, zoom_ctx

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> web.Application:
    """Build the app: settings, middlewares (outermost first), resources, routes."""
    settings = settings or Settings.from_env()
    app = web.Application(
        # The access log and the metrics sit outside the error middleware: they see the status the client got.
        middlewares=[
            access_log_middleware,
            metrics_middleware,
            error_middleware,
            input_middleware,
            auth_middleware,
        ],
        client_max_size=settings.max_upload_bytes + 64 * 1024,
    )
    app[SETTINGS] = settings
    app[TEMPLATES_BY_LOCALE] = {locale: create_templates(locale) for locale in LOCALES}
    app[TEMPLATES] = app[TEMPLATES_BY_LOCALE][DEFAULT_LOCALE]
    app[TOKEN_CACHE] = TokenCache()  # bearer tokens: a revoked one stays valid up to its TTL (10 s)
    app.cleanup_ctx.append(database_ctx)
    setup_metrics(app)  # Prometheus (issue 14): the pool's gauges need the engine
    app.cleanup_ctx.append(listener_ctx)
    app.on_shutdown.append(close_streams)  # before aiohttp waits for the handlers to finish
    app.cleanup_ctx.extend((http_client_ctx, zoom_ctx))  # Zoom (issue 5)
    setup_stream(app)  # YouTube polling supervisor (issue 7)
    setup_hadir(app)  # the self-attendance form's rate limit (issue 7)
    setup_login(app)  # failed-login limits and the password thread (issue 12)
    setup_review(app)  # prepared rosters for identity matching (issue 6)
    setup_no_framing(app)  # frame-ancestors 'none' on every HTML page (issue 12)
    setup_routes(app)
    return app


async def database_ctx(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: the engine and the live hub for the app's lifetime; the engine is disposed of after."""
    url = app[SETTINGS].database_url
    app[ENGINE] = engine = create_engine(url)
    app[LIVE_HUB] = hub = Hub(outbox=not is_sqlite(url))
    app[SESSIONMAKER] = make_sessionmaker(engine, {HUB_KEY: hub})
    app[SHARED_RECORDS] = SharedRecords(hub)
    yield
    await engine.dispose()


async def open_pool(app: web.Application) -> None:
    """on_startup for `serve` on PostgreSQL: open the pool and prepare the scan statement on each connection,
    so that the door's first burst is as fast as the rest (a cold pool made its first 2,000 scans slow)."""
    if is_sqlite(app[SETTINGS].database_url):
        return
    try:
        await fill_pool(app[ENGINE], scans_pg.prepare)
    except Exception as exc:  # not fatal: the connections then open on demand, as they always did
        log.warning("could not open the database pool at start-up: %s", exc)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# The attributes every LogRecord has; anything else on a record came through `extra=` and goes into JSON.
_RECORD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, the `extra=` fields and any traceback."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON."""
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update((k, v) for k, v in vars(record).items() if k not in _RECORD_ATTRS)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def configure_logging(level: str = "INFO", fmt: str = "text") -> None:
    """Log to stderr at `level`, as text lines or one JSON object per line (EVENTOPS_LOG_LEVEL, _FORMAT)."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # fpdf2 subsets each font with fontTools, whose subsetter logs ~75 INFO lines per PDF download.
    logging.getLogger("fontTools").setLevel(max(logging.WARNING, root.level))
