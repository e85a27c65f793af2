"""Zoom webhook helpers: signing, signature verification, URL validation and typed event parsing (pure)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping
from typing import TypeVar

from integrations.zoom.errors import WebhookPayloadError, WebhookSignatureError
from integrations.zoom.models import (
    EventAction,
    EventKind,
    WebhookMeeting,
    WebhookParticipant,
    ZoomWebhookEvent,
    wire_int,
    wire_str,
    wire_time,
)

SIGNATURE_HEADER = "x-zm-signature"
TIMESTAMP_HEADER = "x-zm-request-timestamp"
URL_VALIDATION = "endpoint.url_validation"
_KINDS: dict[str, EventKind] = {"meeting": "meeting", "webinar": "webinar"}
_ACTIONS: dict[str, EventAction] = {
    "participant_joined": "participant_joined",
    "participant_left": "participant_left",
    "started": "started",
    "ended": "ended",
}
T = TypeVar("T")
_MAX_TIMESTAMP_DIGITS = 12
_MAX_EVENT_TS = 253402300800000  # 9999-12-31 in milliseconds: keeps `event_time` representable


def sign(secret: str, timestamp: int | str, body: bytes | str) -> str:
    """`v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}` keyed by the webhook secret token (§4.3)."""
    raw = body.encode("utf-8") if isinstance(body, str) else body
    message = b"v0:" + str(timestamp).encode("ascii") + b":" + raw
    return "v0=" + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def verify_signature(
    secret: str,
    timestamp_header: str | None,
    body_bytes: bytes,
    signature_header: str | None,
    now: float | None = None,
    tolerance: int = 300,
) -> None:
    """Check `x-zm-signature` over the raw body; raise WebhookSignatureError with a reason code.

    The signature is checked before the age, so `stale_timestamp` always means a genuine but old (replayed
    or delayed) request. Zoom sets no tolerance; 300 s is the usual recommendation (§4.3).
    """
    if not timestamp_header or not signature_header:
        raise WebhookSignatureError("missing_header", f"{TIMESTAMP_HEADER} and {SIGNATURE_HEADER} needed")
    stamp = timestamp_header.strip()
    if not stamp.isascii() or not stamp.isdigit() or len(stamp) > _MAX_TIMESTAMP_DIGITS:
        raise WebhookSignatureError("bad_timestamp", "timestamp must be Unix seconds")
    expected = sign(secret, stamp, body_bytes).encode("ascii")
    if not hmac.compare_digest(expected, signature_header.strip().encode("utf-8", "replace")):
        raise WebhookSignatureError("bad_signature")
    current = time.time() if now is None else now
    if abs(current - int(stamp)) > tolerance:
        raise WebhookSignatureError("stale_timestamp", f"timestamp {stamp} is more than {tolerance} s away")


def url_validation_response(secret: str, plain_token: str) -> dict[str, str]:
    """The answer to `endpoint.url_validation`: the plain token and its hex HMAC-SHA256 (§4.4)."""
    encrypted = hmac.new(secret.encode("utf-8"), plain_token.encode("utf-8"), hashlib.sha256).hexdigest()
    return {"plainToken": plain_token, "encryptedToken": encrypted}


def parse_event(body_bytes: bytes | str) -> ZoomWebhookEvent:
    """Parse a webhook body into a ZoomWebhookEvent; anything malformed raises WebhookPayloadError only.

    Known events (meeting/webinar started, ended, participant_joined, participant_left, and
    endpoint.url_validation) are fully checked. Other event names parse with `action="other"` after only
    the envelope is checked, so the receiver can acknowledge them.
    """
    try:
        document = json.loads(body_bytes)
    except (ValueError, RecursionError) as exc:
        raise WebhookPayloadError("not_json", type(exc).__name__) from None
    envelope = _object(document, "body")
    event = envelope.get("event")
    if not isinstance(event, str) or not event:
        raise WebhookPayloadError("bad_shape" if event is None else "bad_type", "event")
    if envelope.get("event_ts") is None:
        raise WebhookPayloadError("bad_shape", "event_ts is required")
    event_ts = _field(envelope, "event_ts", wire_int)
    if not 0 <= event_ts < _MAX_EVENT_TS:
        raise WebhookPayloadError("bad_time", "event_ts out of range")
    payload = _object(envelope.get("payload"), "payload")
    account_id = _field(payload, "account_id", wire_str)
    if event == URL_VALIDATION:
        token = payload.get("plainToken")
        if token is not None and not isinstance(token, str):
            raise WebhookPayloadError("bad_type", "payload.plainToken must be a string")
        if not token:
            raise WebhookPayloadError("bad_shape", "payload.plainToken is required")
        return ZoomWebhookEvent(event, event_ts, "endpoint", "url_validation", account_id, None, None, token)
    prefix, _, name = event.partition(".")
    kind = _KINDS.get(prefix, "other")
    action = _ACTIONS.get(name, "other")
    if kind == "other" or action == "other":
        return ZoomWebhookEvent(event, event_ts, kind, "other", account_id, None, None)
    obj = _object(payload.get("object"), "payload.object")
    meeting = _meeting(obj)
    participant = None
    if action in ("participant_joined", "participant_left"):
        participant = _participant(_object(obj.get("participant"), "payload.object.participant"))
    return ZoomWebhookEvent(event, event_ts, kind, action, account_id, meeting, participant)


def _object(value: object, where: str) -> Mapping[str, object]:
    """`value` as a JSON object, or a payload error naming where it was expected."""
    if value is None:
        raise WebhookPayloadError("bad_shape", f"{where} is missing")
    if not isinstance(value, dict):
        raise WebhookPayloadError("bad_type", f"{where} must be an object")
    return value


def _field(row: Mapping[str, object], key: str, read: Callable[[Mapping[str, object], str], T]) -> T:
    """Read one field with a models.wire_* reader, turning its TypeError/ValueError into payload errors."""
    try:
        return read(row, key)
    except TypeError as exc:
        raise WebhookPayloadError("bad_type", str(exc)) from None
    except (ValueError, OverflowError) as exc:
        raise WebhookPayloadError("bad_time", f"{key}: {exc}") from None


def _optional_int(row: Mapping[str, object], key: str) -> int | None:
    """An integer field that may be absent."""
    return None if row.get(key) is None else wire_int(row, key)


def _meeting(obj: Mapping[str, object]) -> WebhookMeeting:
    """The meeting part of `payload.object`; `id` (string or number) and `uuid` are required."""
    meeting_id = _field(obj, "id", wire_str)
    uuid = _field(obj, "uuid", wire_str)
    if not meeting_id or not uuid:
        raise WebhookPayloadError("bad_shape", "payload.object.id and uuid are required")
    return WebhookMeeting(
        id=meeting_id,
        uuid=uuid,
        topic=_field(obj, "topic", wire_str),
        host_id=_field(obj, "host_id", wire_str),
        type=_field(obj, "type", _optional_int),
        timezone=_field(obj, "timezone", wire_str),
        start_time=_field(obj, "start_time", wire_time),
        end_time=_field(obj, "end_time", wire_time),
    )


def _participant(row: Mapping[str, object]) -> WebhookParticipant:
    """The `participant` object; `user_id` (the per-connection id) is required."""
    user_id = _field(row, "user_id", wire_str)
    if not user_id:
        raise WebhookPayloadError("bad_shape", "participant.user_id is required")
    return WebhookParticipant(
        user_id=user_id,
        user_name=_field(row, "user_name", wire_str),
        id=_field(row, "id", wire_str),
        participant_uuid=_field(row, "participant_uuid", wire_str),
        participant_user_id=_field(row, "participant_user_id", wire_str),
        email=_field(row, "email", wire_str),
        registrant_id=_field(row, "registrant_id", wire_str),
        customer_key=_field(row, "customer_key", wire_str),
        phone_number=_field(row, "phone_number", wire_str),
        join_time=_field(row, "join_time", wire_time),
        leave_time=_field(row, "leave_time", wire_time),
        leave_reason=_field(row, "leave_reason", wire_str),
    )
