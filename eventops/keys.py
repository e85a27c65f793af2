"""Every typed application and request key, in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    import jinja2
    from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
    from sqlmodel.ext.asyncio.session import AsyncSession

    from eventops.auth import Principal
    from eventops.live import Hub
    from eventops.settings import Settings

SETTINGS: web.AppKey[Settings] = web.AppKey("settings")
ENGINE: web.AppKey[AsyncEngine] = web.AppKey("engine")
SESSIONMAKER: web.AppKey[async_sessionmaker[AsyncSession]] = web.AppKey("sessionmaker")
TEMPLATES: web.AppKey[jinja2.Environment] = web.AppKey("templates")
LIVE_HUB: web.AppKey[Hub] = web.AppKey("live_hub")

PRINCIPAL: web.RequestKey[Principal | None] = web.RequestKey("principal")
CSRF_NEW: web.RequestKey[str] = web.RequestKey("csrf_new")
