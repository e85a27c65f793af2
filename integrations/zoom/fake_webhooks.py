"""Fake Zoom webhook sender: event builders in Zoom's shapes and a signing, redelivering poster."""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid as uuidlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import aiohttp

from integrations.zoom.fake_state import FakeInstance, FakeMeeting
from integrations.zoom.models import Kind, format_zoom_time, parse_zoom_time
from integrations.zoom.webhooks import sign

DEFAULT_ACCOUNT = "AAAAAABBBB"
Event = dict[str, object]


@dataclass(frozen=True, slots=True)
class EventMeeting:
    """The meeting part of a webhook (`payload.object` without the participant, §4.6)."""

    id: str
    uuid: str
    start_time: datetime
    kind: Kind = "meeting"
    topic: str = "My Meeting"
    host_id: str = "x1yCzABCDEfg23HiJKl4mN"
    timezone: str = "Asia/Makassar"
    duration: int = 60

    @classmethod
    def of(cls, meeting: FakeMeeting, instance: FakeInstance) -> EventMeeting:
        """The webhook view of one instance of a fake meeting."""
        minutes = int(
            ((instance.end_time or instance.start_time) - instance.start_time).total_seconds() // 60
        )
        return cls(
            meeting.id, instance.uuid, instance.start_time, meeting.kind, meeting.topic, duration=minutes
        )

    def wire(self) -> dict[str, object]:
        """`payload.object` fields; `type` 8 is a recurring meeting, 5 a webinar."""
        return {
            "id": self.id,
            "uuid": self.uuid,
            "host_id": self.host_id,
            "topic": self.topic,
            "type": 5 if self.kind == "webinar" else 8,
            "start_time": format_zoom_time(self.start_time),
            "timezone": self.timezone,
            "duration": self.duration,
        }


@dataclass(frozen=True, slots=True)
class EventPerson:
    """The participant part of a joined/left webhook; ids and email may be "" for guests."""

    user_id: str
    user_name: str
    email: str = ""
    registrant_id: str = ""
    id: str = ""
    participant_user_id: str = ""
    participant_uuid: str = ""

    def wire(self) -> dict[str, object]:
        """The participant fields common to joined and left events."""
        return {
            "user_id": self.user_id,
            "user_name": self.user_name,
            "id": self.id,
            "participant_uuid": self.participant_uuid
            or str(uuidlib.uuid5(uuidlib.NAMESPACE_OID, self.user_id)).upper(),
            "email": self.email,
            "registrant_id": self.registrant_id,
            "participant_user_id": self.participant_user_id,
        }


@dataclass(frozen=True, slots=True)
class Delivery:
    """One POST the sender made and the receiver's answer."""

    event: str
    body: bytes
    status: int
    redelivery: bool


def _ms(moment: datetime) -> int:
    """Milliseconds since the epoch (`event_ts`)."""
    return int(moment.timestamp() * 1000)


def _envelope(
    event: str, moment: datetime, obj: Mapping[str, object], event_ts: int | None, account: str
) -> Event:
    """`{"event", "event_ts", "payload": {"account_id", "object"}}` (§4.2)."""
    return {
        "event": event,
        "event_ts": _ms(moment) if event_ts is None else event_ts,
        "payload": {"account_id": account, "object": dict(obj)},
    }


def joined_event(
    meeting: EventMeeting,
    person: EventPerson,
    join_time: datetime,
    *,
    event_ts: int | None = None,
    account: str = DEFAULT_ACCOUNT,
) -> Event:
    """`meeting.participant_joined` / `webinar.participant_joined` (§4.6)."""
    participant = {**person.wire(), "join_time": format_zoom_time(join_time)}
    obj = {**meeting.wire(), "participant": participant}
    return _envelope(f"{meeting.kind}.participant_joined", join_time, obj, event_ts, account)


def left_event(
    meeting: EventMeeting,
    person: EventPerson,
    leave_time: datetime,
    *,
    leave_reason: str | None = None,
    event_ts: int | None = None,
    account: str = DEFAULT_ACCOUNT,
) -> Event:
    """`meeting.participant_left` / `webinar.participant_left`, with Zoom's `leave_reason` text (§4.6)."""
    reason = (
        leave_reason or f"{person.user_name} left the {meeting.kind}.<br>Reason: left the {meeting.kind}."
    )
    participant = {**person.wire(), "leave_time": format_zoom_time(leave_time), "leave_reason": reason}
    obj = {**meeting.wire(), "participant": participant}
    return _envelope(f"{meeting.kind}.participant_left", leave_time, obj, event_ts, account)


def started_event(
    meeting: EventMeeting, *, event_ts: int | None = None, account: str = DEFAULT_ACCOUNT
) -> Event:
    """`meeting.started` / `webinar.started` (§4.6)."""
    return _envelope(f"{meeting.kind}.started", meeting.start_time, meeting.wire(), event_ts, account)


def ended_event(
    meeting: EventMeeting, end_time: datetime, *, event_ts: int | None = None, account: str = DEFAULT_ACCOUNT
) -> Event:
    """`meeting.ended` / `webinar.ended`, which adds `end_time` (§4.6)."""
    obj = {**meeting.wire(), "end_time": format_zoom_time(end_time)}
    return _envelope(f"{meeting.kind}.ended", end_time, obj, event_ts, account)


def url_validation_event(plain_token: str, *, event_ts: int | None = None) -> Event:
    """`endpoint.url_validation` (CRC, §4.4)."""
    ts = _ms(datetime.now(UTC)) if event_ts is None else event_ts
    return {"payload": {"plainToken": plain_token}, "event_ts": ts, "event": "endpoint.url_validation"}


def events_for_instance(meeting: FakeMeeting, instance: FakeInstance) -> list[Event]:
    """The webhooks Zoom would have sent for an instance: started, joined/left per report row, ended.

    In time order; waiting-room rows are skipped (they produce waiting-room events, not joins).
    """
    where = EventMeeting.of(meeting, instance)
    timed: list[tuple[datetime, int, Event]] = [(instance.start_time, 0, started_event(where))]
    for row in instance.rows:
        if row.get("status") != "in_meeting":
            continue
        person = EventPerson(
            user_id=str(row["user_id"]),
            user_name=str(row["name"]),
            email=str(row.get("user_email", "")),
            registrant_id=str(row.get("registrant_id", "")),
            id=str(row.get("id", "")),
            participant_user_id=str(row.get("participant_user_id", "")),
        )
        joined, left = parse_zoom_time(str(row["join_time"])), parse_zoom_time(str(row["leave_time"]))
        timed.append((joined, 1, joined_event(where, person, joined)))
        timed.append((left, 2, left_event(where, person, left)))
    if instance.end_time is not None:
        timed.append((instance.end_time, 3, ended_event(where, instance.end_time)))
    timed.sort(key=lambda item: (item[0], item[1]))
    return [event for _, _, event in timed]


def encode_event(event: Mapping[str, object]) -> bytes:
    """Compact JSON, as Zoom sends it, so raw-body and re-serialising receivers both verify (§4.3)."""
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def signed_headers(secret: str, body: bytes, timestamp: int) -> dict[str, str]:
    """The headers of one webhook delivery (§4.2)."""
    return {
        "content-type": "application/json; charset=utf-8",
        "user-agent": "Zoom Marketplace/1.0a",
        "x-zm-request-timestamp": str(timestamp),
        "x-zm-signature": sign(secret, timestamp, body),
        "x-zm-request-id": str(uuidlib.uuid4()).replace("-", "_"),
        "x-zm-trackingid": f"v=2.0;clid=us06;rid=WEB_{uuidlib.uuid4().hex}",
    }


def delivery_plan(count: int, *, duplicates: float, shuffle: bool, seed: int) -> list[tuple[int, bool]]:
    """Order of `(event index, is_redelivery)` posts: redeliveries come later, `shuffle` reorders all."""
    rng = random.Random(seed)
    plan = [(index, False) for index in range(count)]
    repeats = rng.sample(range(count), round(count * min(1.0, max(0.0, duplicates))))
    plan.extend((index, True) for index in sorted(repeats))
    if shuffle:
        rng.shuffle(plan)
    return plan


async def deliver(
    session: aiohttp.ClientSession,
    url: str,
    secret: str,
    events: Sequence[Mapping[str, object]],
    *,
    duplicates: float = 0.0,
    shuffle: bool = False,
    seed: int = 0,
    concurrency: int = 1,
    clock: Callable[[], float] = time.time,
) -> list[Delivery]:
    """Sign and POST events like Zoom: a `duplicates` fraction is redelivered, `shuffle` breaks the order.

    A redelivery carries the same body with a fresh timestamp and signature, as Zoom's retries do (§4.5).
    With `concurrency` > 1 posts overlap, which also reorders their arrival.
    """
    bodies = [encode_event(event) for event in events]
    plan = delivery_plan(len(bodies), duplicates=duplicates, shuffle=shuffle, seed=seed)
    results: list[Delivery | None] = [None] * len(plan)
    pending = iter(enumerate(plan))

    async def worker() -> None:
        for slot, (index, again) in pending:
            body = bodies[index]
            headers = signed_headers(secret, body, int(clock()))
            async with session.post(url, data=body, headers=headers) as response:
                await response.read()
                results[slot] = Delivery(str(events[index].get("event", "")), body, response.status, again)

    async with asyncio.TaskGroup() as group:
        for _ in range(max(1, min(concurrency, len(plan)))):
            group.create_task(worker())
    return [item for item in results if item is not None]
