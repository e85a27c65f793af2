"""Zoom webhook helpers: the fact sheet's test vectors, signature failures and hostile bodies."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from integrations.zoom import (
    WebhookPayloadError,
    WebhookSignatureError,
    parse_event,
    sign,
    url_validation_response,
    verify_signature,
)

SECRET = "fake_webhook_secret_token"
# Fact sheet §9: exact bytes (530 characters), timestamp and signature.
VECTOR_BODY = (
    b'{"event":"meeting.participant_joined","event_ts":1626230691572,"payload":{"account_id":"AAAAAABBBB",'
    b'"object":{"id":"1234567890","uuid":"4444AAAiAAAAAiAiAiiAii==","host_id":"x1yCzABCDEfg23HiJKl4mN",'
    b'"topic":"My Meeting","type":8,"start_time":"2021-07-13T21:44:51Z","timezone":"America/Los_Angeles",'
    b'"duration":60,"participant":{"user_id":"16778240","user_name":"Jill Chill","id":"","participant_uuid":'
    b'"67C1A429-1476-BE1C-7324-EDCA76B69406","join_time":"2021-07-13T21:45:02Z","email":"","registrant_id":"",'
    b'"participant_user_id":""}}}}'
)
VECTOR_TS = "1626230692"
VECTOR_SIGNATURE = "v0=b6d855c50a56a9e235032bec901f9f6f5650ce54d8f34ed6566c3ce9614d2cb7"

# Fact sheet §4.6 examples (Zoom's documented payloads).
JOINED = {
    "event": "meeting.participant_joined",
    "event_ts": 1626230691572,
    "payload": {
        "account_id": "AAAAAABBBB",
        "object": {
            "id": "1234567890",
            "uuid": "4444AAAiAAAAAiAiAiiAii==",
            "host_id": "x1yCzABCDEfg23HiJKl4mN",
            "topic": "My Meeting",
            "type": 8,
            "start_time": "2021-07-13T21:44:51Z",
            "timezone": "America/Los_Angeles",
            "duration": 60,
            "participant": {
                "user_id": "55555AAAiAAAAAiAiAiiAii",
                "user_name": "Jill Chill",
                "id": "iFxeBPYun6SAiWUzBcEkX",
                "participant_uuid": "55555AAAiAAAAAiAiAiiAii",
                "join_time": "2021-07-13T21:44:51Z",
                "email": "jchill@example.com",
                "registrant_id": "abcdefghij0-klmnopq23456",
                "participant_user_id": "iFxeBPYun6SAiWUzBcEkX",
                "customer_key": "349589LkJyeW",
                "phone_number": "8615250064084",
            },
        },
    },
}


def _with(document: dict[str, Any], path: tuple[str, ...], value: object) -> bytes:
    """A copy of `document` with the field at `path` replaced (or removed when `value` is ...)."""
    copy = json.loads(json.dumps(document))
    node = copy
    for key in path[:-1]:
        node = node[key]
    if value is ...:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return json.dumps(copy).encode()


def _reason(body: bytes) -> str:
    """The WebhookPayloadError reason parse_event gives for `body`."""
    with pytest.raises(WebhookPayloadError) as caught:
        parse_event(body)
    return caught.value.reason


def test_fact_sheet_signature_vector_verifies() -> None:
    assert len(VECTOR_BODY) == 530
    assert sign(SECRET, VECTOR_TS, VECTOR_BODY) == VECTOR_SIGNATURE
    verify_signature(SECRET, VECTOR_TS, VECTOR_BODY, VECTOR_SIGNATURE, now=1626230692)


def test_fact_sheet_url_validation_vector() -> None:
    assert url_validation_response(SECRET, "qgg8vlvZRS6UYooatFL8Aw") == {
        "plainToken": "qgg8vlvZRS6UYooatFL8Aw",
        "encryptedToken": "3bd9dca58724975b39de818ef22f62a25f7d0baf130cf76c5e0f948c9837c640",
    }


def test_wrong_secret_or_tampered_body_is_bad_signature() -> None:
    for secret, body in [("another_secret", VECTOR_BODY), (SECRET, VECTOR_BODY.replace(b"Jill", b"Jane"))]:
        with pytest.raises(WebhookSignatureError) as caught:
            verify_signature(secret, VECTOR_TS, body, VECTOR_SIGNATURE, now=1626230692)
        assert caught.value.reason == "bad_signature"


def test_signature_without_v0_prefix_or_with_garbage_is_bad_signature() -> None:
    for header in [VECTOR_SIGNATURE[3:], "v0=" + "0" * 64, "v0=ünïcödé", VECTOR_SIGNATURE.upper()]:
        with pytest.raises(WebhookSignatureError) as caught:
            verify_signature(SECRET, VECTOR_TS, VECTOR_BODY, header, now=1626230692)
        assert caught.value.reason == "bad_signature"


def test_stale_timestamp_is_rejected_even_with_a_genuine_signature() -> None:
    verify_signature(SECRET, VECTOR_TS, VECTOR_BODY, VECTOR_SIGNATURE, now=1626230692 + 300)
    for now in (1626230692 + 301, 1626230692 - 301):
        with pytest.raises(WebhookSignatureError) as caught:
            verify_signature(SECRET, VECTOR_TS, VECTOR_BODY, VECTOR_SIGNATURE, now=now)
        assert caught.value.reason == "stale_timestamp"


def test_missing_headers_are_reported_as_such() -> None:
    for stamp, signature in [
        (None, VECTOR_SIGNATURE),
        (VECTOR_TS, None),
        ("", VECTOR_SIGNATURE),
        (VECTOR_TS, ""),
    ]:
        with pytest.raises(WebhookSignatureError) as caught:
            verify_signature(SECRET, stamp, VECTOR_BODY, signature, now=1626230692)
        assert caught.value.reason == "missing_header"


def test_non_numeric_timestamp_is_bad_timestamp() -> None:
    for stamp in ["abc", "1626230692.5", "１６２６２３０６９２", "9" * 40, "-1626230692"]:
        with pytest.raises(WebhookSignatureError) as caught:
            verify_signature(SECRET, stamp, VECTOR_BODY, VECTOR_SIGNATURE, now=1626230692)
        assert caught.value.reason == "bad_timestamp"


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.none(), st.text()), st.binary(max_size=64), st.one_of(st.none(), st.text()))
def test_arbitrary_headers_never_verify_and_raise_only_its_own_error(
    stamp: str | None, body: bytes, header: str | None
) -> None:
    with pytest.raises(WebhookSignatureError) as caught:  # forging an HMAC by chance: never
        verify_signature(SECRET, stamp, body, header, now=1626230692)
    assert caught.value.reason in {"missing_header", "bad_timestamp", "bad_signature", "stale_timestamp"}


def test_fact_sheet_vector_body_parses_to_typed_event() -> None:
    event = parse_event(VECTOR_BODY)
    assert (event.event, event.kind, event.action) == (
        "meeting.participant_joined",
        "meeting",
        "participant_joined",
    )
    assert event.event_time == datetime(2021, 7, 14, 2, 44, 51, 572000, tzinfo=UTC)
    assert event.meeting is not None and event.participant is not None
    assert (event.meeting.id, event.meeting.uuid, event.meeting.type) == (
        "1234567890",
        "4444AAAiAAAAAiAiAiiAii==",
        8,
    )
    assert event.participant.user_id == "16778240"
    assert event.participant.participant_uuid == "67C1A429-1476-BE1C-7324-EDCA76B69406"
    assert event.participant.join_time == datetime(2021, 7, 13, 21, 45, 2, tzinfo=UTC)
    assert (event.participant.email, event.participant.registrant_id, event.participant.leave_time) == (
        "",
        "",
        None,
    )


def test_documented_left_event_carries_leave_time_and_reason() -> None:
    left = json.loads(json.dumps(JOINED))
    left["event"] = "meeting.participant_left"
    participant = left["payload"]["object"]["participant"]
    del participant["join_time"]
    participant["leave_time"] = "2021-07-13T21:44:51Z"
    participant["leave_reason"] = "Jill Chill left the meeting.<br>Reason: Host ended the meeting."
    event = parse_event(json.dumps(left).encode())
    assert event.action == "participant_left" and event.participant is not None
    assert event.participant.leave_time == datetime(2021, 7, 13, 21, 44, 51, tzinfo=UTC)
    assert event.participant.join_time is None
    assert event.participant.registrant_id == "abcdefghij0-klmnopq23456"
    assert event.participant.leave_reason.startswith("Jill Chill left the meeting.")


def test_webinar_events_have_webinar_kind() -> None:
    body = _with(JOINED, ("event",), "webinar.participant_joined")
    event = parse_event(body)
    assert (event.kind, event.action) == ("webinar", "participant_joined")


def test_started_with_numeric_id_and_ended_with_end_time() -> None:
    started = {
        "event": "meeting.started",
        "event_ts": 1626230691572,
        "payload": {
            "account_id": "Wk9PTV9BQ0NPVU5UX0lE",
            "object": {
                "id": 1234567890,
                "uuid": "Wk9PTV9NRUVUSU5HX0lE",
                "topic": "My Meeting",
                "type": 8,
                "start_time": "2021-07-13T21:44:51Z",
                "timezone": "America/Los_Angeles",
                "duration": 60,
            },
        },
    }
    event = parse_event(json.dumps(started))
    assert event.action == "started" and event.meeting is not None and event.participant is None
    assert event.meeting.id == "1234567890"
    ended = _with(started, ("event",), "meeting.ended")
    ended = _with(json.loads(ended), ("payload", "object", "end_time"), "2021-07-13T23:00:51Z")
    event = parse_event(ended)
    assert event.action == "ended" and event.meeting is not None
    assert event.meeting.end_time == datetime(2021, 7, 13, 23, 0, 51, tzinfo=UTC)


def test_url_validation_event_gives_the_plain_token() -> None:
    body = (
        b'{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,'
        b'"event":"endpoint.url_validation"}'
    )
    event = parse_event(body)
    assert (event.kind, event.action, event.plain_token) == (
        "endpoint",
        "url_validation",
        "qgg8vlvZRS6UYooatFL8Aw",
    )
    assert _reason(_with(json.loads(body), ("payload", "plainToken"), ...)) == "bad_shape"
    assert _reason(_with(json.loads(body), ("payload", "plainToken"), 42)) == "bad_type"


def test_unknown_events_parse_as_other_without_object_checks() -> None:
    admitted = parse_event(_with(JOINED, ("event",), "meeting.participant_admitted"))
    assert (admitted.kind, admitted.action, admitted.meeting) == ("meeting", "other", None)
    recording = parse_event(b'{"event":"recording.completed","event_ts":1,"payload":{"object":[]}}')
    assert (recording.kind, recording.action) == ("other", "other")


def test_redelivery_has_the_same_dedup_key_and_other_events_do_not() -> None:
    first = parse_event(json.dumps(JOINED).encode())
    again = parse_event(json.dumps(JOINED, indent=2).encode())
    other = parse_event(_with(JOINED, ("payload", "object", "participant", "user_id"), "16779264"))
    assert first.dedup_key == again.dedup_key != other.dedup_key


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "not_json"),
        (b"not json", "not_json"),
        (b"\xff\xfe\x00garbage", "not_json"),
        (b"[" * 100_000 + b"]" * 100_000, "not_json"),
        (b"[]", "bad_type"),
        (b"null", "bad_shape"),
        (b'{"event_ts":1,"payload":{}}', "bad_shape"),
        (b'{"event":7,"event_ts":1,"payload":{}}', "bad_type"),
        (b'{"event":"meeting.started","payload":{}}', "bad_shape"),
        (b'{"event":"meeting.started","event_ts":"1","payload":{}}', "bad_type"),
        (b'{"event":"meeting.started","event_ts":true,"payload":{}}', "bad_type"),
        (b'{"event":"meeting.started","event_ts":NaN,"payload":{}}', "bad_type"),
        (b'{"event":"meeting.started","event_ts":1e3,"payload":{}}', "bad_type"),
        (b'{"event":"meeting.started","event_ts":-5,"payload":{}}', "bad_time"),
        (b'{"event":"meeting.started","event_ts":99999999999999999999,"payload":{}}', "bad_time"),
        (b'{"event":"meeting.started","event_ts":1,"payload":[]}', "bad_type"),
        (b'{"event":"meeting.started","event_ts":1}', "bad_shape"),
        (b'{"event":"meeting.started","event_ts":1,"payload":{"object":{"uuid":"u"}}}', "bad_shape"),
    ],
)
def test_malformed_bodies_raise_payload_errors_with_a_reason(body: bytes, reason: str) -> None:
    assert _reason(body) == reason


@pytest.mark.parametrize(
    ("path", "value", "reason"),
    [
        (("payload", "object"), ..., "bad_shape"),
        (("payload", "object"), "x", "bad_type"),
        (("payload", "object", "participant"), ..., "bad_shape"),
        (("payload", "object", "participant"), [1], "bad_type"),
        (("payload", "object", "participant", "user_id"), ..., "bad_shape"),
        (("payload", "object", "participant", "user_id"), {"a": 1}, "bad_type"),
        (("payload", "object", "participant", "user_name"), False, "bad_type"),
        (("payload", "object", "participant", "join_time"), "yesterday", "bad_time"),
        (("payload", "object", "participant", "join_time"), "0001-01-01T00:00:00+01:00", "bad_time"),
        (("payload", "object", "id"), [1], "bad_type"),
        (("payload", "object", "type"), "eight", "bad_type"),
        (("payload", "object", "start_time"), 12, "bad_type"),
        (("payload", "account_id"), 1.5, "bad_type"),
    ],
)
def test_wrong_shapes_and_types_in_a_joined_event(path: tuple[str, ...], value: object, reason: str) -> None:
    assert _reason(_with(JOINED, path, value)) == reason


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise_anything_else(body: bytes) -> None:
    try:
        event = parse_event(body)
    except WebhookPayloadError as exc:
        assert exc.reason in {"not_json", "bad_shape", "bad_type", "bad_time"}
    else:
        assert event.event


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
PATHS = [
    ("event",),
    ("event_ts",),
    ("payload",),
    ("payload", "account_id"),
    ("payload", "object"),
    ("payload", "object", "id"),
    ("payload", "object", "uuid"),
    ("payload", "object", "type"),
    ("payload", "object", "start_time"),
    ("payload", "object", "participant"),
    ("payload", "object", "participant", "user_id"),
    ("payload", "object", "participant", "join_time"),
    ("payload", "object", "participant", "email"),
]


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(PATHS),
    JSON,
    st.sampled_from(
        ["meeting.participant_joined", "webinar.participant_left", "meeting.ended", "endpoint.url_validation"]
    ),
)
def test_any_json_in_any_field_parses_or_raises_payload_error(
    path: tuple[str, ...], value: object, name: str
) -> None:
    document = json.loads(_with(JOINED, ("event",), name))
    try:
        event = parse_event(_with(document, path, value))
    except WebhookPayloadError as exc:
        assert exc.reason in {"not_json", "bad_shape", "bad_type", "bad_time"}
    else:
        assert event.event_time.tzinfo is UTC
        assert event.dedup_key
