"""Zoom REST client: participant reports, past instances and registrants, typed."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import quote

import aiohttp

from integrations.zoom.errors import ZoomApiError, ZoomCapacityError, ZoomRateLimited
from integrations.zoom.models import (
    KINDS,
    InstanceReport,
    Kind,
    NewRegistrant,
    PastInstance,
    Registrant,
    RegistrationFailure,
    RegistrationResult,
    ReportParticipant,
)
from integrations.zoom.retry import RetryPolicy
from integrations.zoom.transport import DEFAULT_API_BASE, DEFAULT_OAUTH_URL, Sleep, ZoomTransport, utcnow

PAGE_SIZE = 300
REGISTRANT_CAP = 4999
# Add-registrant errors that concern one person only: validation (300), host cannot register (3027).
_PER_PERSON_CODES = frozenset({300, 3027})
T = TypeVar("T")

__all__ = [
    "DEFAULT_API_BASE",
    "DEFAULT_OAUTH_URL",
    "PAGE_SIZE",
    "REGISTRANT_CAP",
    "ZoomClient",
    "encode_meeting_id",
]


def encode_meeting_id(meeting_id: str) -> str:
    """Path segment for a meeting id or UUID; double-encoded if it begins with `/` or contains `//` (§2.0)."""
    once = quote(meeting_id, safe="")
    if meeting_id.startswith("/") or "//" in meeting_id:
        return quote(once, safe="")
    return once


def _plural(kind: Kind) -> str:
    """`meetings` or `webinars`, refusing anything else before a URL is built from it."""
    if kind not in KINDS:
        raise ValueError(f"kind must be 'meeting' or 'webinar', not {kind!r}")
    return f"{kind}s"


class ZoomClient:
    """Async client for the Zoom API calls attendance needs; every result is a typed value.

    Transport concerns (OAuth token cache, 401/124 renewal, retries of 5xx, timeouts and 429) live in
    ZoomTransport; the keyword arguments are passed to it.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        account_id: str,
        client_id: str,
        client_secret: str,
        *,
        api_base: str = DEFAULT_API_BASE,
        oauth_url: str = DEFAULT_OAUTH_URL,
        policy: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = utcnow,
        rng: random.Random | None = None,
        refresh_margin: float = 60.0,
        request_timeout: float = 30.0,
    ) -> None:
        self._policy = policy or RetryPolicy()
        self._transport = ZoomTransport(
            session,
            account_id,
            client_id,
            client_secret,
            api_base=api_base,
            oauth_url=oauth_url,
            policy=self._policy,
            sleep=sleep,
            clock=clock,
            now=now,
            rng=rng,
            refresh_margin=refresh_margin,
            request_timeout=request_timeout,
        )

    async def report_participants(self, meeting_id: str, kind: Kind = "meeting") -> list[ReportParticipant]:
        """Every row of the participant report of a meeting id (latest instance) or instance UUID (§2.1).

        Raises ZoomReportNotReady on code 3001 (meeting running, just ended, or unknown): retry later.
        """
        path = f"/report/{_plural(kind)}/{encode_meeting_id(meeting_id)}/participants"
        rows = await self._pages(path, {"include_fields": "registrant_id"}, "participants", not_ready=True)
        return _parse_all(rows, ReportParticipant.from_wire, "participant")

    async def past_participants(self, meeting_id: str, kind: Kind = "meeting") -> list[ReportParticipant]:
        """Every row of `/past_meetings|past_webinars/{id}/participants` (Medium limit; §2.3)."""
        path = f"/past_{_plural(kind)}/{encode_meeting_id(meeting_id)}/participants"
        rows = await self._pages(path, {}, "participants", not_ready=True)
        return _parse_all(rows, ReportParticipant.from_wire, "participant")

    async def past_instances(self, meeting_id: str, kind: Kind = "meeting") -> list[PastInstance]:
        """The ended instances of a meeting number, oldest first (§2.5)."""
        body = await self._request("GET", f"/past_{_plural(kind)}/{encode_meeting_id(meeting_id)}/instances")
        rows = body.get("meetings", body.get("webinars", []))
        if not isinstance(rows, list):
            raise ZoomApiError(200, None, "malformed instances: not a list")
        return sorted(_parse_all(rows, PastInstance.from_wire, "instance"), key=lambda item: item.start_time)

    async def instance_reports(
        self,
        meeting_id: str,
        kind: Kind,
        starts_at: datetime,
        ends_at: datetime,
        *,
        slack: timedelta = timedelta(hours=2),
    ) -> list[InstanceReport]:
        """Reports of every instance that started in `[starts_at - slack, ends_at]`.

        A meeting id alone names only its latest instance; a restarted call or a late click makes a new
        one, so a batch window must gather all instances it covers (§6.4).
        """
        instances = [
            item
            for item in await self.past_instances(meeting_id, kind)
            if starts_at - slack <= item.start_time <= ends_at
        ]
        reports = []
        for instance in instances:
            rows = await self.report_participants(instance.uuid, kind)
            reports.append(InstanceReport(instance=instance, participants=tuple(rows)))
        return reports

    async def add_registrant(
        self, meeting_id: str, kind: Kind, email: str, first_name: str, last_name: str = ""
    ) -> Registrant:
        """Register one person and return the registrant id and personal join link (§3.2)."""
        return await self._add(meeting_id, kind, NewRegistrant(email, first_name, last_name))

    async def add_registrants(
        self, meeting_id: str, kind: Kind, people: Sequence[NewRegistrant], *, concurrency: int = 4
    ) -> RegistrationResult:
        """Register many people with bounded concurrency; per-person failures are returned, not raised.

        More than 4,999 people raises ZoomCapacityError before any request. After an error that will hit
        everyone (capacity 3043, auth, account daily limit, registration disabled) the rest are not tried.
        """
        if len(people) > REGISTRANT_CAP:
            raise ZoomCapacityError(len(people), REGISTRANT_CAP)
        results: list[Registrant | RegistrationFailure | None] = [None] * len(people)
        pending = iter(enumerate(people))
        fatal: list[ZoomApiError] = []

        async def worker() -> None:
            for index, person in pending:
                if fatal:
                    results[index] = RegistrationFailure(person, 0, fatal[0].code, fatal[0].message, False)
                    continue
                try:
                    results[index] = await self._add(meeting_id, kind, person)
                except ZoomApiError as exc:
                    results[index] = RegistrationFailure(person, exc.status, exc.code, exc.message, True)
                    if not _is_per_person(exc):
                        fatal.append(exc)

        async with asyncio.TaskGroup() as group:
            for _ in range(max(1, min(concurrency, len(people)))):
                group.create_task(worker())
        return RegistrationResult(
            registered=tuple(item for item in results if isinstance(item, Registrant)),
            failed=tuple(item for item in results if isinstance(item, RegistrationFailure)),
        )

    async def list_registrants(
        self, meeting_id: str, kind: Kind = "meeting", status: str = "approved"
    ) -> list[Registrant]:
        """All registrants with `status` (Zoom's default is `approved`; §3.1)."""
        path = f"/{_plural(kind)}/{encode_meeting_id(meeting_id)}/registrants"
        rows = await self._pages(path, {"status": status}, "registrants", not_ready=False)
        return _parse_all(rows, Registrant.from_listed, "registrant")

    async def _add(self, meeting_id: str, kind: Kind, person: NewRegistrant) -> Registrant:
        """POST one registrant."""
        payload = {"email": person.email, "first_name": person.first_name}
        if person.last_name:
            payload["last_name"] = person.last_name
        path = f"/{_plural(kind)}/{encode_meeting_id(meeting_id)}/registrants"
        body = await self._request("POST", path, json_body=payload)
        return _parse_one(body, lambda data: Registrant.from_added(data, person), "registrant")

    async def _pages(
        self, path: str, params: Mapping[str, str], key: str, *, not_ready: bool
    ) -> list[Mapping[str, object]]:
        """Follow `next_page_token` to the end; an expired token (code 300) restarts the whole listing.

        Page tokens live 15 minutes (§2.0, §6.6). Restarting from page one and dropping the rows read so
        far is the only way to neither lose nor duplicate rows.
        """
        restarts = 0
        while True:
            rows: list[Mapping[str, object]] = []
            page_token = ""
            try:
                while True:
                    query = {**params, "page_size": str(PAGE_SIZE)}
                    if page_token:
                        query["next_page_token"] = page_token
                    body = await self._request("GET", path, params=query, not_ready=not_ready)
                    items = body.get(key, [])
                    next_token = body.get("next_page_token") or ""
                    if not isinstance(items, list) or not isinstance(next_token, str):
                        raise ZoomApiError(200, None, f"malformed page of {key}")
                    rows.extend(items)
                    if not next_token:
                        return rows
                    if next_token == page_token:
                        raise ZoomApiError(200, None, f"page token of {key} did not advance")
                    page_token = next_token
            except ZoomApiError as exc:
                if exc.code != 300 or not page_token or restarts >= self._policy.page_restarts:
                    raise
                restarts += 1

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: object = None,
        not_ready: bool = False,
    ) -> dict[str, Any]:
        """One authenticated call through the transport."""
        return await self._transport.request(
            method, path, params=params, json_body=json_body, not_ready=not_ready
        )


def _is_per_person(error: ZoomApiError) -> bool:
    """Whether an add-registrant error concerns only that person (the others may still succeed)."""
    if isinstance(error, ZoomRateLimited):
        return "registrant" in error.message.lower()
    return error.code in _PER_PERSON_CODES


def _parse_all(rows: Sequence[object], build: Callable[[Mapping[str, object]], T], what: str) -> list[T]:
    """Build typed values from JSON rows; a malformed row is a ZoomApiError, never a bare TypeError."""
    return [_parse_one(row, build, what) for row in rows]


def _parse_one(row: object, build: Callable[[Mapping[str, object]], T], what: str) -> T:
    """Build one typed value from a JSON object."""
    if not isinstance(row, dict):
        raise ZoomApiError(200, None, f"malformed {what}: not an object")
    try:
        return build(row)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ZoomApiError(200, None, f"malformed {what}: {exc}") from exc
