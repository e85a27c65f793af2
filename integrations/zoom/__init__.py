"""Zoom integration: API client, webhook helpers and typed results; the fake lives in `fake`."""

from __future__ import annotations

from integrations.zoom.client import DEFAULT_API_BASE, DEFAULT_OAUTH_URL, ZoomClient, encode_meeting_id
from integrations.zoom.errors import (
    WebhookPayloadError,
    WebhookSignatureError,
    ZoomApiError,
    ZoomAuthError,
    ZoomCapacityError,
    ZoomError,
    ZoomRateLimited,
    ZoomReportNotReady,
)
from integrations.zoom.models import (
    InstanceReport,
    Kind,
    NewRegistrant,
    PastInstance,
    Registrant,
    RegistrationFailure,
    RegistrationResult,
    ReportParticipant,
    WebhookMeeting,
    WebhookParticipant,
    ZoomWebhookEvent,
)
from integrations.zoom.retry import RetryPolicy
from integrations.zoom.webhooks import parse_event, sign, url_validation_response, verify_signature

__all__ = [
    "DEFAULT_API_BASE",
    "DEFAULT_OAUTH_URL",
    "InstanceReport",
    "Kind",
    "NewRegistrant",
    "PastInstance",
    "Registrant",
    "RegistrationFailure",
    "RegistrationResult",
    "ReportParticipant",
    "RetryPolicy",
    "WebhookMeeting",
    "WebhookParticipant",
    "WebhookPayloadError",
    "WebhookSignatureError",
    "ZoomApiError",
    "ZoomAuthError",
    "ZoomCapacityError",
    "ZoomClient",
    "ZoomError",
    "ZoomRateLimited",
    "ZoomReportNotReady",
    "ZoomWebhookEvent",
    "encode_meeting_id",
    "parse_event",
    "sign",
    "url_validation_response",
    "verify_signature",
]
