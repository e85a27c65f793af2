"""Settings: one frozen dataclass read from EVENTOPS_* environment variables."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from eventops.errors import BadRequest

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./eventops.db"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
LOG_FORMATS = ("text", "json")


@dataclass(frozen=True)
class Settings:
    """Everything the app reads from its environment."""

    database_url: str = DEFAULT_DATABASE_URL
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    public_url: str = "http://127.0.0.1:8080"
    max_upload_bytes: int = 20 * 1024 * 1024
    zoom_account_id: str = ""
    zoom_client_id: str = ""
    zoom_client_secret: str = field(default="", repr=False)
    zoom_webhook_secret: str = field(default="", repr=False)
    zoom_api_base: str = "https://api.zoom.us/v2"
    zoom_oauth_url: str = "https://zoom.us/oauth/token"
    youtube_api_key: str = field(default="", repr=False)
    youtube_api_base: str | None = None
    cookie_secure: bool = False
    trusted_proxies: tuple[str, ...] = ()
    log_level: str = "INFO"
    log_format: str = "text"
    metrics_token: str = field(default="", repr=False)
    match_by_presence: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the settings from the environment (EVENTOPS_*); unset values keep their defaults."""
        env = os.environ if env is None else env

        def get(name: str, default: str) -> str:
            return env.get(f"EVENTOPS_{name}", "").strip() or default

        defaults = cls()
        log_level = get("LOG_LEVEL", defaults.log_level).upper()
        log_format = get("LOG_FORMAT", defaults.log_format).lower()
        if log_level not in LOG_LEVELS:
            raise BadRequest(f"EVENTOPS_LOG_LEVEL is {log_level!r}: use one of {', '.join(LOG_LEVELS)}")
        if log_format not in LOG_FORMATS:
            raise BadRequest(f"EVENTOPS_LOG_FORMAT is {log_format!r}: use text or json")
        return cls(
            database_url=get("DATABASE_URL", DEFAULT_DATABASE_URL),
            secret_key=get("SECRET_KEY", defaults.secret_key),
            public_url=get("PUBLIC_URL", defaults.public_url).rstrip("/"),
            max_upload_bytes=int(get("MAX_UPLOAD_BYTES", str(defaults.max_upload_bytes))),
            zoom_account_id=get("ZOOM_ACCOUNT_ID", ""),
            zoom_client_id=get("ZOOM_CLIENT_ID", ""),
            zoom_client_secret=get("ZOOM_CLIENT_SECRET", ""),
            zoom_webhook_secret=get("ZOOM_WEBHOOK_SECRET", ""),
            zoom_api_base=get("ZOOM_API_BASE", defaults.zoom_api_base),
            zoom_oauth_url=get("ZOOM_OAUTH_URL", defaults.zoom_oauth_url),
            youtube_api_key=get("YOUTUBE_API_KEY", ""),
            youtube_api_base=get("YOUTUBE_API_BASE", "") or None,
            cookie_secure=get("COOKIE_SECURE", "0") in {"1", "true", "yes"},
            trusted_proxies=tuple(p.strip() for p in get("TRUSTED_PROXIES", "").split(",") if p.strip()),
            log_level=log_level,
            log_format=log_format,
            metrics_token=get("METRICS_TOKEN", ""),
            match_by_presence=get("MATCH_BY_PRESENCE", "0") in {"1", "true", "yes"},
        )
