"""Async YouTube Data API v3 client: google-api-python-client with its bundled discovery, run in threads."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import httplib2
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from integrations.youtube.errors import VideoNotFound, YouTubeError, YouTubeUnreachable, error_for
from integrations.youtube.models import (
    MESSAGE_DELETED,
    TEXT_MESSAGE,
    ChatMessage,
    ChatPage,
    VideoStatus,
)

VIDEO_PARTS = "liveStreamingDetails,snippet"
CHAT_PARTS = "snippet,authorDetails"
CHAT_MAX_RESULTS = 2000


class YouTubeClient:
    """videos.list and liveChatMessages.list as coroutines returning typed values."""

    def __init__(self, api_key: str, api_base: str | None = None, *, timeout: float = 30.0) -> None:
        if not api_key:
            raise ValueError("a YouTube API key is required")
        options = {"api_endpoint": api_base.rstrip("/") + "/"} if api_base else None
        # static_discovery reads the document shipped in the package: building makes no network call.
        self._service = build(
            "youtube",
            "v3",
            developerKey=api_key,
            static_discovery=True,
            cache_discovery=False,
            client_options=options,
        )
        self._timeout = timeout

    async def video_status(self, video_id: str) -> VideoStatus:
        """Read one video's live state; raises VideoNotFound when the answer has no item (§1)."""
        request = self._service.videos().list(part=VIDEO_PARTS, id=video_id)
        body = await asyncio.to_thread(self._execute, request)
        item = next((i for i in body.get("items") or [] if i.get("id") == video_id), None)
        if item is None:
            raise VideoNotFound(404, "videoNotFound", f"videos.list has no item for {video_id!r}")
        return parse_video(item)

    async def chat_page(self, live_chat_id: str, page_token: str | None = None) -> ChatPage:
        """Read the next page of a live chat (the first call without a token returns recent messages)."""
        request = self._service.liveChatMessages().list(
            liveChatId=live_chat_id,
            part=CHAT_PARTS,
            maxResults=CHAT_MAX_RESULTS,
            pageToken=page_token,
        )
        body = await asyncio.to_thread(self._execute, request)
        return parse_chat_page(live_chat_id, body)

    def _execute(self, request: Any) -> dict[str, Any]:
        """Run one request in the calling thread, on its own Http (httplib2 is not thread-safe)."""
        http = httplib2.Http(timeout=self._timeout)
        try:
            # num_retries=0: the library must not sleep for minutes in a thread; the pollers back off.
            body: dict[str, Any] = request.execute(http=http, num_retries=0)
            return body
        except HttpError as exc:
            raise error_from_http(exc) from exc
        except (OSError, httplib2.HttpLib2Error) as exc:
            raise YouTubeUnreachable(0, "unreachable", str(exc) or type(exc).__name__) from exc
        finally:
            http.close()


def error_from_http(exc: HttpError) -> YouTubeError:
    """Map an HttpError to the typed error, reading Google's error body (§2)."""
    status = int(exc.resp.status)
    reason, message = "", str(exc.reason or "")
    try:
        error = json.loads(exc.content)["error"]
        message = str(error.get("message", message))
        errors = error.get("errors") or []
        if errors:
            reason = str(errors[0].get("reason", ""))
    except (ValueError, KeyError, TypeError, AttributeError):
        pass  # not Google's JSON shape (a proxy's HTML page): the status alone decides
    return error_for(status, reason, message, _retry_after(exc.resp.get("retry-after")))


def parse_video(item: dict[str, Any]) -> VideoStatus:
    """Build a VideoStatus from one videos.list item."""
    snippet = item.get("snippet") or {}
    live = item.get("liveStreamingDetails") or {}
    viewers = live.get("concurrentViewers")
    return VideoStatus(
        video_id=str(item["id"]),
        title=str(snippet.get("title", "")),
        channel_id=str(snippet.get("channelId", "")),
        live_broadcast_content=str(snippet.get("liveBroadcastContent", "none")),
        # a string holding an integer, absent when unknown: absent is None, never 0 (§1)
        concurrent_viewers=int(viewers) if viewers is not None else None,
        scheduled_start=parse_time(live.get("scheduledStartTime")),
        actual_start=parse_time(live.get("actualStartTime")),
        actual_end=parse_time(live.get("actualEndTime")),
        active_live_chat_id=live.get("activeLiveChatId"),
    )


def parse_chat_page(live_chat_id: str, body: dict[str, Any]) -> ChatPage:
    """Build a ChatPage from a liveChatMessages.list answer."""
    return ChatPage(
        live_chat_id=live_chat_id,
        messages=tuple(parse_message(item) for item in body.get("items") or []),
        next_page_token=body.get("nextPageToken"),
        polling_interval_millis=int(body.get("pollingIntervalMillis", 0)),
        offline_at=parse_time(body.get("offlineAt")),
    )


def parse_message(item: dict[str, Any]) -> ChatMessage:
    """Build a ChatMessage; text only from textMessageEvent, unknown types kept without text."""
    snippet = item.get("snippet") or {}
    author = item.get("authorDetails") or {}
    kind = str(snippet.get("type", ""))
    text = None
    if kind == TEXT_MESSAGE:
        text = (snippet.get("textMessageDetails") or {}).get("messageText", snippet.get("displayMessage"))
    deleted = None
    if kind == MESSAGE_DELETED:
        deleted = (snippet.get("messageDeletedDetails") or {}).get("deletedMessageId")
    published_at = parse_time(snippet.get("publishedAt"))
    if published_at is None:
        raise YouTubeError(200, "malformedResponse", f"chat message {item.get('id')!r} has no publishedAt")
    return ChatMessage(
        id=str(item["id"]),
        kind=kind,
        published_at=published_at,
        author_channel_id=str(author.get("channelId") or snippet.get("authorChannelId", "")),
        author_display_name=str(author.get("displayName", "")),
        text=text,
        deleted_message_id=deleted,
    )


def parse_time(value: str | None) -> datetime | None:
    """Parse an RFC 3339 timestamp to an aware UTC datetime."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _retry_after(value: str | None) -> float | None:
    """Read a Retry-After header given in seconds."""
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None
