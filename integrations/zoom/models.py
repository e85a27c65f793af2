"""Typed values returned by the Zoom client and the webhook parser (no I/O here)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

Kind = Literal["meeting", "webinar"]
KINDS: tuple[Kind, ...] = ("meeting", "webinar")

EventKind = Literal["meeting", "webinar", "endpoint", "other"]
EventAction = Literal["participant_joined", "participant_left", "started", "ended", "url_validation", "other"]


def parse_zoom_time(value: str) -> datetime:
    """Parse a Zoom time (`2022-03-23T06:58:09Z`, optionally `.660Z`) into an aware UTC datetime."""
    text = value.strip()
    if not text:
        raise ValueError("empty time")
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_zoom_time(moment: datetime, *, millis: bool = False) -> str:
    """Format an aware datetime the way Zoom sends it: UTC with a `Z` suffix."""
    utc = moment.astimezone(UTC)
    if millis:
        return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ")


def wire_str(row: Mapping[str, object], key: str) -> str:
    """Read an optional string field of a Zoom JSON object: missing or null is "", numbers become text."""
    value = row.get(key)
    if value is None:
        return ""
    if isinstance(value, bool):
        raise TypeError(f"{key}: expected a string, got a boolean")
    if isinstance(value, str | int):
        return str(value)
    raise TypeError(f"{key}: expected a string, got {type(value).__name__}")


def wire_int(row: Mapping[str, object], key: str, default: int = 0) -> int:
    """Read an optional integer field of a Zoom JSON object (missing or null gives `default`)."""
    value = row.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{key}: expected an integer, got {type(value).__name__}")
    return value


def wire_time(row: Mapping[str, object], key: str) -> datetime | None:
    """Read an optional Zoom time field (missing, null or "" gives None)."""
    value = row.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise TypeError(f"{key}: expected a time string, got {type(value).__name__}")
    return parse_zoom_time(value)


@dataclass(frozen=True, slots=True)
class ReportParticipant:
    """One connection (join segment) of one participant, from a participant report (fact sheet §2.1).

    A person who reconnects or joins from two devices appears in several rows, each with a new `user_id`.
    `id` and `participant_user_id` are "" for guests; `user_email` is often ""; `registrant_id` is the stable
    identity of people who joined through a personal registration link.
    """

    user_id: str
    name: str
    user_email: str
    registrant_id: str
    participant_user_id: str
    id: str
    join_time: datetime
    leave_time: datetime
    duration: int
    status: str
    failover: bool
    customer_key: str
    bo_mtg_id: str

    @classmethod
    def from_wire(cls, row: Mapping[str, object]) -> ReportParticipant:
        """Build from one element of the `participants` array; raises ValueError/TypeError if malformed."""
        join_time = wire_time(row, "join_time")
        leave_time = wire_time(row, "leave_time")
        if join_time is None or leave_time is None:
            raise ValueError("participant row without join_time or leave_time")
        failover = row.get("failover", False)
        if not isinstance(failover, bool):
            raise TypeError("failover: expected a boolean")
        return cls(
            user_id=wire_str(row, "user_id"),
            name=wire_str(row, "name"),
            user_email=wire_str(row, "user_email"),
            registrant_id=wire_str(row, "registrant_id"),
            participant_user_id=wire_str(row, "participant_user_id"),
            id=wire_str(row, "id"),
            join_time=join_time,
            leave_time=leave_time,
            duration=wire_int(row, "duration"),
            status=wire_str(row, "status") or "in_meeting",
            failover=failover,
            customer_key=wire_str(row, "customer_key"),
            bo_mtg_id=wire_str(row, "bo_mtg_id"),
        )


@dataclass(frozen=True, slots=True)
class PastInstance:
    """One ended instance of a (possibly recurring or restarted) meeting: its UUID and start time (§2.5)."""

    uuid: str
    start_time: datetime

    @classmethod
    def from_wire(cls, row: Mapping[str, object]) -> PastInstance:
        """Build from one element of the `meetings` array of `/past_meetings/{id}/instances`."""
        start = wire_time(row, "start_time")
        uuid = wire_str(row, "uuid")
        if start is None or not uuid:
            raise ValueError("instance without uuid or start_time")
        return cls(uuid=uuid, start_time=start)


@dataclass(frozen=True, slots=True)
class InstanceReport:
    """The participant report of one instance of a meeting."""

    instance: PastInstance
    participants: tuple[ReportParticipant, ...]


@dataclass(frozen=True, slots=True)
class NewRegistrant:
    """A person to register for a meeting or webinar (Zoom requires `email` and `first_name`)."""

    email: str
    first_name: str
    last_name: str = ""


@dataclass(frozen=True, slots=True)
class Registrant:
    """A registration at Zoom: the registrant id and the personal join link (§3)."""

    registrant_id: str
    join_url: str
    email: str
    first_name: str
    last_name: str
    status: str = "approved"
    meeting_id: str = ""
    topic: str = ""
    create_time: datetime | None = None
    participant_pin_code: int | None = None

    @classmethod
    def from_added(cls, body: Mapping[str, object], person: NewRegistrant) -> Registrant:
        """Build from the 201 body of `POST …/registrants` (it does not echo the person back)."""
        registrant_id = wire_str(body, "registrant_id")
        if not registrant_id:
            raise ValueError("registrant response without registrant_id")
        pin = body.get("participant_pin_code")
        return cls(
            registrant_id=registrant_id,
            join_url=wire_str(body, "join_url"),
            email=person.email,
            first_name=person.first_name,
            last_name=person.last_name,
            meeting_id=wire_str(body, "id"),
            topic=wire_str(body, "topic"),
            participant_pin_code=pin if isinstance(pin, int) and not isinstance(pin, bool) else None,
        )

    @classmethod
    def from_listed(cls, row: Mapping[str, object]) -> Registrant:
        """Build from one element of the `registrants` array of `GET …/registrants`."""
        registrant_id = wire_str(row, "id")
        if not registrant_id:
            raise ValueError("listed registrant without id")
        pin = row.get("participant_pin_code")
        return cls(
            registrant_id=registrant_id,
            join_url=wire_str(row, "join_url"),
            email=wire_str(row, "email"),
            first_name=wire_str(row, "first_name"),
            last_name=wire_str(row, "last_name"),
            status=wire_str(row, "status") or "approved",
            create_time=wire_time(row, "create_time"),
            participant_pin_code=pin if isinstance(pin, int) and not isinstance(pin, bool) else None,
        )


@dataclass(frozen=True, slots=True)
class RegistrationFailure:
    """A person Zoom did not register, with the Zoom error (`attempted` False: skipped after a fatal one)."""

    person: NewRegistrant
    status: int
    code: int | None
    message: str
    attempted: bool = True


@dataclass(frozen=True, slots=True)
class RegistrationResult:
    """Outcome of registering many people: who got a link and who did not (in input order)."""

    registered: tuple[Registrant, ...]
    failed: tuple[RegistrationFailure, ...]


@dataclass(frozen=True, slots=True)
class WebhookMeeting:
    """The `payload.object` of a meeting or webinar event (§4.6); `id` is the meeting number as text."""

    id: str
    uuid: str
    topic: str
    host_id: str
    type: int | None
    timezone: str
    start_time: datetime | None
    end_time: datetime | None


@dataclass(frozen=True, slots=True)
class WebhookParticipant:
    """The `payload.object.participant` of a joined/left event (§4.6).

    `user_id` and `participant_uuid` change on every reconnect; `id`, `participant_user_id`, `email` and
    `registrant_id` may be "" for guests.
    """

    user_id: str
    user_name: str
    id: str
    participant_uuid: str
    participant_user_id: str
    email: str
    registrant_id: str
    customer_key: str
    phone_number: str
    join_time: datetime | None
    leave_time: datetime | None
    leave_reason: str


@dataclass(frozen=True, slots=True)
class ZoomWebhookEvent:
    """A parsed webhook: the envelope plus the typed parts this service reads.

    Unknown event names are still parsed (`action="other"`, meeting/participant None) so the receiver can
    acknowledge them with 200 instead of making Zoom retry; only the envelope is validated for those.
    """

    event: str
    event_ts: int
    kind: EventKind
    action: EventAction
    account_id: str
    meeting: WebhookMeeting | None
    participant: WebhookParticipant | None
    plain_token: str = ""

    @property
    def event_time(self) -> datetime:
        """`event_ts` (milliseconds) as an aware UTC datetime."""
        return datetime.fromtimestamp(self.event_ts / 1000, tz=UTC)

    @property
    def dedup_key(self) -> str:
        """A key equal for redeliveries of one event (Zoom resends the same body), distinct otherwise."""
        uuid = self.meeting.uuid if self.meeting else ""
        who = f"{self.participant.user_id}|{self.participant.participant_uuid}" if self.participant else "|"
        return f"{self.event}|{self.event_ts}|{uuid}|{who}"
