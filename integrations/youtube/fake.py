"""A faithful local YouTube Data API v3 server (videos.list, liveChatMessages.list) for tests and the demo."""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from integrations.youtube.fake_demo import demo_state
from integrations.youtube.fake_state import (
    CHAT,
    VIDEOS,
    FakeBroadcast,
    FakeCall,
    FakeChatMessage,
    FakeYouTubeState,
)
from integrations.youtube.models import CHAT_ENDED, MESSAGE_DELETED, TEXT_MESSAGE

FAKE_STATE = web.AppKey("fake_youtube_state", FakeYouTubeState)
_BodyBuilder = Callable[[FakeYouTubeState, web.Request, datetime], dict[str, Any]]

VIDEO_PARTS = {"id", "snippet", "liveStreamingDetails", "contentDetails", "statistics", "status"}
CHAT_PARTS = {"id", "snippet", "authorDetails"}

# reason -> (HTTP status, error domain, message), as Google answers them (fact sheet §2)
_ERRORS: dict[str, tuple[int, str, str]] = {
    "keyInvalid": (400, "usageLimits", "API key not valid. Please pass a valid API key."),
    "badRequest": (400, "global", "Bad Request"),
    "forbidden": (403, "global", "The request is missing a valid API key."),
    "quotaExceeded": (
        403,
        "youtube.quota",
        'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started'
        '#quota">quota</a>.',
    ),
    "rateLimitExceeded": (403, "usageLimits", "Rate Limit Exceeded"),
    "userRateLimitExceeded": (403, "usageLimits", "User Rate Limit Exceeded"),
    "liveChatEnded": (403, "youtube.liveChat", "The live chat is no longer live."),
    "liveChatDisabled": (403, "youtube.liveChat", "Live chat is not enabled for the specified broadcast."),
    "liveChatNotFound": (
        404,
        "youtube.liveChat",
        "The live chat that you are trying to retrieve cannot be found.",
    ),
    "backendError": (500, "global", "Backend Error"),
}
_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


class FakeApiError(Exception):
    """An error answer in Google's shape."""

    def __init__(self, reason: str, *, status: int | None = None, message: str | None = None) -> None:
        default_status, self.domain, default_message = _ERRORS.get(reason, (status or 400, "global", reason))
        self.reason = reason
        self.status = status or default_status
        self.message = message or default_message
        super().__init__(self.reason)

    def response(self, retry_after: int | None = None) -> web.Response:
        """The JSON error body Google sends, which HttpError parses."""
        body = {
            "error": {
                "code": self.status,
                "message": self.message,
                "errors": [{"message": self.message, "domain": self.domain, "reason": self.reason}],
                "status": _STATUS_NAMES.get(self.status, "UNKNOWN"),
            }
        }
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
        return web.json_response(body, status=self.status, headers=headers)


def create_fake_youtube(state: FakeYouTubeState) -> web.Application:
    """The fake server as an aiohttp application serving `state`."""
    app = web.Application()
    app[FAKE_STATE] = state
    app.router.add_get("/youtube/v3/videos", _videos, name="videos")
    app.router.add_get("/youtube/v3/liveChat/messages", _chat_messages, name="chat_messages")
    app.router.add_post("/_fake/youtube/{video_id}/chat", _post_chat, name="fake_post_chat")
    return app


async def _videos(request: web.Request) -> web.Response:
    return await _answer(request, VIDEOS, _videos_body)


async def _chat_messages(request: web.Request) -> web.Response:
    return await _answer(request, CHAT, _chat_body)


async def _answer(request: web.Request, endpoint: str, build: _BodyBuilder) -> web.Response:
    """Key check, quota, scripted failures, then the endpoint's body; every call is counted and logged."""
    state = request.app[FAKE_STATE]
    now = state.clock()
    status, response = 200, None
    key = request.query.get("key")
    failure = None
    try:
        if not key:
            raise FakeApiError("forbidden")
        if key != state.api_key:
            raise FakeApiError("keyInvalid")
        if not state.charge(endpoint):
            raise FakeApiError("quotaExceeded")
        failure = state.next_failure(endpoint)
        if failure is not None:
            raise FakeApiError(failure.reason, status=failure.status)
        response = web.json_response(build(state, request, now))
    except FakeApiError as exc:
        status = exc.status
        response = exc.response(failure.retry_after if failure else None)
    state.calls[endpoint] += 1
    params = {k: request.query.getall(k) for k in request.query}
    state.call_log.append(FakeCall(endpoint, now, params, status))
    return response


def _parts(request: web.Request, allowed: set[str]) -> set[str]:
    """The requested parts; `part` may be comma-separated or repeated."""
    parts = {p.strip() for value in request.query.getall("part", []) for p in value.split(",") if p.strip()}
    if not parts:
        raise FakeApiError("required", status=400, message="No filter selected. Expected one of: part")
    unknown = parts - allowed
    if unknown:
        raise FakeApiError("unknownPart", status=400, message=f"{sorted(unknown)[0]}")
    return parts


def _etag(*values: object) -> str:
    return base64.urlsafe_b64encode(hashlib.sha1(repr(values).encode()).digest()).decode().rstrip("=")


def _rfc3339(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def _videos_body(state: FakeYouTubeState, request: web.Request, now: datetime) -> dict[str, Any]:
    parts = _parts(request, VIDEO_PARTS)
    ids = [i for value in request.query.getall("id", []) for i in value.split(",") if i]
    if not ids:
        raise FakeApiError("missingRequiredParameter", status=400, message="No filter selected.")
    if len(ids) > 50:
        raise FakeApiError("badRequest", message="Too many ids: at most 50.")
    items = [_video_item(b, parts, now) for i in ids if (b := state.broadcasts.get(i)) is not None]
    return {
        "kind": "youtube#videoListResponse",
        "etag": _etag(ids, now),
        "items": items,
        "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)},
    }


def _video_item(b: FakeBroadcast, parts: set[str], now: datetime) -> dict[str, Any]:
    item: dict[str, Any] = {"kind": "youtube#video", "etag": _etag(b.video_id, now), "id": b.video_id}
    if "snippet" in parts:
        item["snippet"] = {
            "publishedAt": _rfc3339(b.scheduled_start - timedelta(days=1)),
            "channelId": b.channel_id,
            "title": b.title,
            "description": "",
            "channelTitle": "Literasi Digital ASN",
            "liveBroadcastContent": b.broadcast_content(now),
        }
    if "liveStreamingDetails" in parts:
        live: dict[str, Any] = {"scheduledStartTime": _rfc3339(b.scheduled_start)}
        if b.actual_start is not None and b.actual_start <= now:
            live["actualStartTime"] = _rfc3339(b.actual_start)
        if b.actual_end is not None and b.has_ended(now):
            live["actualEndTime"] = _rfc3339(b.actual_end)
        viewers = b.viewers_at(now)
        if viewers is not None:
            live["concurrentViewers"] = str(viewers)  # a string, as YouTube sends it
        if not b.chat_disabled and not b.chat_over(now):
            live["activeLiveChatId"] = b.chat_id
        item["liveStreamingDetails"] = live
    return item


def _token(chat_id: str, position: int) -> str:
    return base64.urlsafe_b64encode(f"{chat_id}|{position}".encode()).decode().rstrip("=")


def _position(chat_id: str, token: str, limit: int) -> int:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        token_chat, position = raw.rsplit("|", 1)
        value = int(position)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise FakeApiError("badRequest", message="Invalid page token.") from exc
    if token_chat != chat_id or not 0 <= value <= limit:
        raise FakeApiError("badRequest", message="Invalid page token.")
    return value


def _chat_body(state: FakeYouTubeState, request: web.Request, now: datetime) -> dict[str, Any]:
    parts = _parts(request, CHAT_PARTS)
    chat_id = request.query.get("liveChatId", "")
    b = state.broadcast_by_chat(chat_id)
    if b is None:
        raise FakeApiError("liveChatNotFound")
    if b.chat_disabled:
        raise FakeApiError("liveChatDisabled")
    try:
        max_results = int(request.query.get("maxResults", "500"))
    except ValueError as exc:
        raise FakeApiError("badRequest", message="Invalid maxResults.") from exc
    if not 200 <= max_results <= 2000:
        raise FakeApiError("badRequest", message="maxResults must be between 200 and 2000.")
    visible = b.visible_count(now)
    token = request.query.get("pageToken")
    if token is None:
        start = max(0, visible - b.recent_count)  # §1: the first call returns only recent messages
    else:
        start = _position(chat_id, token, visible)
        if b.chat_over(now) and start >= visible:
            raise FakeApiError("liveChatEnded")
    end = min(visible, start + max_results)
    by_id = {m.id: m for m in b.messages}
    again = [by_id[i] for i in b.redeliver if i in by_id]
    b.redeliver.clear()
    items = [_chat_item(m, chat_id, parts) for m in [*again, *b.messages[start:end]]]
    body: dict[str, Any] = {
        "kind": "youtube#liveChatMessageListResponse",
        "etag": _etag(chat_id, start, end, now),
        "pollingIntervalMillis": b.polling_interval_millis,
        "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)},
        "nextPageToken": _token(chat_id, end),
        "items": items,
    }
    if b.chat_over(now) and b.chat_ended_at is not None:
        body["offlineAt"] = _rfc3339(b.chat_ended_at)
    return body


def _chat_item(m: FakeChatMessage, chat_id: str, parts: set[str]) -> dict[str, Any]:
    item: dict[str, Any] = {"kind": "youtube#liveChatMessage", "etag": _etag(m.id), "id": m.id}
    if "snippet" in parts:
        snippet: dict[str, Any] = {
            "type": m.kind,
            "liveChatId": chat_id,
            "authorChannelId": m.author_channel_id,
            "publishedAt": _rfc3339(m.published_at),
            "hasDisplayContent": m.kind == TEXT_MESSAGE,
        }
        if m.kind == TEXT_MESSAGE and m.text is not None:
            snippet["displayMessage"] = m.text
            snippet["textMessageDetails"] = {"messageText": m.text}
        elif m.kind == MESSAGE_DELETED:
            snippet["messageDeletedDetails"] = {"deletedMessageId": m.deleted_message_id}
        elif m.kind == CHAT_ENDED:
            snippet["displayMessage"] = "Chat ended"
        item["snippet"] = snippet
    if "authorDetails" in parts:
        item["authorDetails"] = {
            "channelId": m.author_channel_id,
            "channelUrl": f"http://www.youtube.com/channel/{m.author_channel_id}",
            "displayName": m.author_name,
            "profileImageUrl": "https://yt3.ggpht.com/a/default-user=s88",
            "isVerified": False,
            "isChatOwner": m.kind != TEXT_MESSAGE,
            "isChatSponsor": False,
            "isChatModerator": False,
        }
    return item


async def _post_chat(request: web.Request) -> web.Response:
    """Control route (not YouTube's): post `{"author", "text"}` to a broadcast's chat now."""
    state = request.app[FAKE_STATE]
    broadcast = state.broadcasts.get(request.match_info["video_id"])
    if broadcast is None:
        raise web.HTTPNotFound(text="unknown video")
    try:
        data = await request.json()
        author, text = str(data["author"]), str(data["text"])
    except (ValueError, KeyError, TypeError) as exc:
        raise web.HTTPBadRequest(text='expected JSON {"author": ..., "text": ...}') from exc
    message = broadcast.say(state.clock(), author, text)
    return web.json_response({"id": message.id}, status=201)


def main(argv: list[str] | None = None) -> None:
    """Serve the demo broadcast: `python -m integrations.youtube.fake --port 8902`."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8902)
    parser.add_argument("--key", default="fake-youtube-key", help="the API key the fake accepts")
    parser.add_argument("--video-id", default="eventopsDemoK1")
    args = parser.parse_args(argv)
    print(f"fake YouTube: video {args.video_id}, key {args.key}, api_base http://{args.host}:{args.port}/")
    web.run_app(create_fake_youtube(demo_state(args.key, args.video_id)), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
