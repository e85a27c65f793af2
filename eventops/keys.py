"""Every typed application and request key, in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    import aiohttp
    import jinja2
    from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
    from sqlmodel.ext.asyncio.session import AsyncSession

    from eventops.accounts.auth import PasswordChecker, Principal, TokenCache
    from eventops.attendance.shared import SharedRecords
    from eventops.identity.review import RosterIndexCache
    from eventops.live.hub import Hub
    from eventops.settings import Settings
    from eventops.stream.supervisor import StreamOptions, StreamSupervisor
    from eventops.web.login import LoginLimits
    from eventops.web.metrics import Metrics
    from eventops.web.ratelimit import TokenBucket
    from eventops.zoom.worker import WebhookInbox, ZoomWorker

SETTINGS: web.AppKey[Settings] = web.AppKey("settings")
ENGINE: web.AppKey[AsyncEngine] = web.AppKey("engine")
SESSIONMAKER: web.AppKey[async_sessionmaker[AsyncSession]] = web.AppKey("sessionmaker")
TEMPLATES: web.AppKey[jinja2.Environment] = web.AppKey("templates")
LIVE_HUB: web.AppKey[Hub] = web.AppKey("live_hub")
# The batch records the dashboards read, one computation at a time per batch.
SHARED_RECORDS: web.AppKey[SharedRecords] = web.AppKey("shared_records")

PRINCIPAL: web.RequestKey[Principal | None] = web.RequestKey("principal")
CSRF_NEW: web.RequestKey[str] = web.RequestKey("csrf_new")
# Languages (issue 13): the request's locale (id or en), and the template environment of each locale.
LOCALE: web.RequestKey[str] = web.RequestKey("locale")
TEMPLATES_BY_LOCALE: web.AppKey[dict[str, jinja2.Environment]] = web.AppKey("templates_by_locale")
TOKEN_CACHE: web.AppKey[TokenCache] = web.AppKey("token_cache")
# Zoom (issue 5): the outbound HTTP client, the webhook inbox (group commit) and its worker.
HTTP_CLIENT: web.AppKey[aiohttp.ClientSession] = web.AppKey("http_client")
ZOOM_INBOX: web.AppKey[WebhookInbox] = web.AppKey("zoom_inbox")
ZOOM_WORKER: web.AppKey[ZoomWorker] = web.AppKey("zoom_worker")
# YouTube and checkpoints (issue 7): polling options, the supervisor, the self-attendance form's rate limit.
STREAM_OPTIONS: web.AppKey[StreamOptions] = web.AppKey("stream_options")
STREAM: web.AppKey[StreamSupervisor] = web.AppKey("stream")
HADIR_LIMITER: web.AppKey[TokenBucket] = web.AppKey("hadir_limiter")
# Identity matching (issue 6): batch rosters prepared for the matcher, kept per process.
ROSTER_INDEXES: web.AppKey[RosterIndexCache] = web.AppKey("roster_indexes")
# Prometheus metrics of this process (issue 14).
METRICS: web.AppKey[Metrics] = web.AppKey("metrics")
# Login (issue 12): the password-checking thread and the failed-login limits.
PASSWORDS: web.AppKey[PasswordChecker] = web.AppKey("passwords")
LOGIN_LIMITS: web.AppKey[LoginLimits] = web.AppKey("login_limits")
