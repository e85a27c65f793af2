"""YouTube Data API v3: an async client, quota planning, chat and viewer pollers, and a local fake server."""

from __future__ import annotations

from integrations.youtube.client import YouTubeClient
from integrations.youtube.errors import (
    BadRequest,
    ChatDisabled,
    ChatEnded,
    ChatNotFound,
    Forbidden,
    QuotaExceeded,
    RateLimited,
    VideoNotFound,
    YouTubeError,
    YouTubeServerError,
    YouTubeUnreachable,
)
from integrations.youtube.models import (
    ChatBatch,
    ChatMessage,
    ChatPage,
    PollerEvent,
    PollerStopped,
    StopReason,
    VideoStatus,
    ViewerSample,
)
from integrations.youtube.poller import Backoff, ChatPoller, ViewerSampler
from integrations.youtube.quota import QuotaBudget, QuotaPlan, QuotaTooSmall, plan_quota

__all__ = [
    "Backoff",
    "BadRequest",
    "ChatBatch",
    "ChatDisabled",
    "ChatEnded",
    "ChatMessage",
    "ChatNotFound",
    "ChatPage",
    "ChatPoller",
    "Forbidden",
    "PollerEvent",
    "PollerStopped",
    "QuotaBudget",
    "QuotaExceeded",
    "QuotaPlan",
    "QuotaTooSmall",
    "RateLimited",
    "StopReason",
    "VideoNotFound",
    "VideoStatus",
    "ViewerSample",
    "ViewerSampler",
    "YouTubeClient",
    "YouTubeError",
    "YouTubeServerError",
    "YouTubeUnreachable",
    "plan_quota",
]
