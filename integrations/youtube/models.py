"""Typed values returned by the YouTube client and handed out by the pollers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

# snippet.type values the poller acts on (fact sheet §1); every other type is carried through untouched.
TEXT_MESSAGE = "textMessageEvent"
MESSAGE_DELETED = "messageDeletedEvent"
CHAT_ENDED = "chatEndedEvent"


class StopReason(StrEnum):
    """Why a poller stopped: a stable code the dashboard branches on."""

    QUOTA_EXCEEDED = "quota_exceeded"
    BUDGET_SPENT = "budget_spent"
    CHAT_ENDED = "chat_ended"
    CHAT_DISABLED = "chat_disabled"
    CHAT_NOT_FOUND = "chat_not_found"
    VIDEO_NOT_FOUND = "video_not_found"
    BROADCAST_ENDED = "broadcast_ended"
    FORBIDDEN = "forbidden"
    BAD_REQUEST = "bad_request"
    UNAVAILABLE = "unavailable"
    ERROR = "error"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class VideoStatus:
    """One video's live state from videos.list (liveStreamingDetails + snippet)."""

    video_id: str
    title: str
    channel_id: str
    live_broadcast_content: str
    concurrent_viewers: int | None
    scheduled_start: datetime | None
    actual_start: datetime | None
    actual_end: datetime | None
    active_live_chat_id: str | None

    @property
    def is_live(self) -> bool:
        """True while the broadcast is on air."""
        return self.live_broadcast_content == "live" and self.actual_end is None

    @property
    def has_ended(self) -> bool:
        """True once YouTube reports an actual end time."""
        return self.actual_end is not None


@dataclass(frozen=True)
class ChatMessage:
    """One live-chat item; `text` is the raw messageText of a textMessageEvent, else None."""

    id: str
    kind: str
    published_at: datetime
    author_channel_id: str
    author_display_name: str
    text: str | None
    deleted_message_id: str | None = None


@dataclass(frozen=True)
class ChatPage:
    """One liveChatMessages.list answer."""

    live_chat_id: str
    messages: tuple[ChatMessage, ...]
    next_page_token: str | None
    polling_interval_millis: int
    offline_at: datetime | None

    @property
    def ended(self) -> bool:
        """True when the chat is over (offlineAt set or a chatEndedEvent delivered)."""
        return self.offline_at is not None or any(m.kind == CHAT_ENDED for m in self.messages)


@dataclass(frozen=True)
class ViewerSample:
    """A concurrent-viewer reading; `concurrent_viewers` None means unknown, not zero."""

    video_id: str
    sampled_at: datetime
    concurrent_viewers: int | None
    live_broadcast_content: str


@dataclass(frozen=True)
class ChatBatch:
    """New chat messages of one poll, with the page token to store for a resume."""

    video_id: str
    live_chat_id: str
    received_at: datetime
    messages: tuple[ChatMessage, ...]
    next_page_token: str | None


@dataclass(frozen=True)
class PollerStopped:
    """The last event of a poller: why it stopped."""

    video_id: str
    at: datetime
    reason: StopReason
    detail: str = ""


PollerEvent = ChatBatch | ViewerSample | PollerStopped
