"""State of the fake Zoom: credentials, meetings, registrants, tokens, page cursors and injected faults."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from integrations.zoom.models import Kind

PER_SECOND_MESSAGE = "You have reached the maximum per-second rate limit for this API. Try again later."
DAILY_MESSAGE = (
    "You have reached the maximum daily rate limit for this API. "
    "Refer to the response header for details on when you can make another request."
)
NOT_ENDED_MESSAGE = "Meeting ID is invalid or not end."


@dataclass(frozen=True, slots=True)
class FakePerson:
    """Ground truth behind generated report rows: who really attended (for matching tests and benches)."""

    name: str
    email: str
    nip: str
    agency: str
    unit: str
    registrant_id: str
    zoom_user_id: str


@dataclass
class FakeInstance:
    """One instance (UUID) of a meeting; `end_time` None means still running (reports answer 3001)."""

    uuid: str
    start_time: datetime
    end_time: datetime | None
    rows: list[dict[str, object]] = field(default_factory=list)


@dataclass
class FakeMeeting:
    """A meeting or webinar number with its instances and registrants (keyed by lower-case email)."""

    id: str
    kind: Kind
    topic: str
    instances: list[FakeInstance]
    registration: bool = True
    registrants: dict[str, dict[str, object]] = field(default_factory=dict)
    people: tuple[FakePerson, ...] = ()

    def latest_ended(self) -> FakeInstance | None:
        """The instance a bare meeting number names in report calls: the latest that has ended (§2.0)."""
        ended = [item for item in self.instances if item.end_time is not None]
        return max(ended, key=lambda item: item.start_time) if ended else None


@dataclass
class Fault:
    """An injected error answered to the next `remaining` requests in `scope`."""

    scope: str
    remaining: int
    status: int
    body: dict[str, object]
    headers: dict[str, str] = field(default_factory=dict)
    stall: float = 0.0


@dataclass(frozen=True, slots=True)
class Call:
    """One request the fake received (for assertions on what a client really sent)."""

    method: str
    path: str
    query: dict[str, str]
    status: int


@dataclass
class PageCursor:
    """Where a `next_page_token` resumes a listing."""

    listing: str
    offset: int
    created: float


@dataclass
class FakeZoomState:
    """Everything the fake Zoom knows; tests mutate it to set up data and inject faults."""

    account_id: str = "fake_account_id"
    client_id: str = "fake_client_id"
    client_secret: str = "fake_client_secret"
    token_ttl: int = 3600
    page_token_ttl: float = 15 * 60
    strict_uuid: bool = True
    join_url_base: str = "https://zoom.example"
    registrant_cap: int = 4999
    registrations_per_day: int = 3
    clock: Callable[[], float] = time.time
    meetings: dict[str, FakeMeeting] = field(default_factory=dict)
    tokens: dict[str, float] = field(default_factory=dict)
    cursors: dict[str, PageCursor] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    registration_requests: dict[tuple[str, str, str], int] = field(default_factory=dict)
    expire_tokens_in: int | None = None
    expire_page_token_in: int | None = None

    def add_meeting(self, meeting: FakeMeeting) -> FakeMeeting:
        """Store a meeting and register its generated people that carry a registrant id."""
        self.meetings[meeting.id] = meeting
        for person in meeting.people:
            if person.registrant_id:
                meeting.registrants.setdefault(
                    person.email.lower(),
                    self.registrant_record(meeting, person.email, person.name, "", person.registrant_id),
                )
        return meeting

    def registrant_record(
        self, meeting: FakeMeeting, email: str, first_name: str, last_name: str, registrant_id: str = ""
    ) -> dict[str, object]:
        """A registrant in the listed wire shape (§3.1), with a personal `tk` join link."""
        record: dict[str, object] = {
            "id": registrant_id or secrets.token_urlsafe(16)[:22],
            "email": email,
            "first_name": first_name,
            "last_name": last_name,
            "status": "approved",
            "create_time": datetime.fromtimestamp(self.clock(), UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "join_url": f"{self.join_url_base}/w/{meeting.id}?tk={secrets.token_urlsafe(32)}",
        }
        if meeting.kind == "meeting":
            record["participant_pin_code"] = 100000 + secrets.randbelow(900000)
        return record

    def find(self, meeting_id: str, kind: Kind) -> tuple[FakeMeeting, FakeInstance | None] | None:
        """The meeting and instance a path id names: a number means its latest ended instance."""
        meeting = self.meetings.get(meeting_id)
        if meeting is not None:
            return (meeting, meeting.latest_ended()) if meeting.kind == kind else None
        for candidate in self.meetings.values():
            for instance in candidate.instances:
                if instance.uuid == meeting_id and candidate.kind == kind:
                    return candidate, instance
        return None

    def issue_token(self) -> str:
        """A new access token valid for `token_ttl` seconds (several may be valid at once, §1.2)."""
        token = "eyJ" + secrets.token_urlsafe(48)
        self.tokens[token] = self.clock() + self.token_ttl
        return token

    def fail(
        self, scope: str, n: int, status: int, code: int, message: str, headers: dict[str, str] | None = None
    ) -> None:
        """Answer the next `n` requests in `scope` with a Zoom error body `{"code", "message"}`.

        Scopes: `oauth`, `report`, `past`, `registrants`, or `api` for any `/v2` call.
        """
        self.faults.append(Fault(scope, n, status, {"code": code, "message": message}, dict(headers or {})))

    def rate_limit(
        self,
        n: int = 1,
        *,
        daily: bool = False,
        retry_after: bool = True,
        rate_headers: bool = True,
        scope: str = "api",
    ) -> None:
        """Inject `n` 429s: per-second (Retry-After in seconds) or daily (Retry-After an ISO time, §5.2)."""
        headers: dict[str, str] = {}
        if rate_headers:
            headers = {
                "X-RateLimit-Category": "Heavy",
                "X-RateLimit-Type": "Daily-limit" if daily else "QPS",
                "X-RateLimit-Limit": "30000" if daily else "10",
                "X-RateLimit-Remaining": "0",
            }
        if retry_after:
            midnight = datetime.fromtimestamp(self.clock(), UTC).date() + timedelta(days=1)
            headers["Retry-After"] = f"{midnight.isoformat()}T00:00:00Z" if daily else "1"
        self.fail(scope, n, 429, 429, DAILY_MESSAGE if daily else PER_SECOND_MESSAGE, headers)

    def server_error(self, n: int = 1, *, status: int = 503, scope: str = "api") -> None:
        """Inject `n` 5xx answers in Zoom's error body shape."""
        self.fail(scope, n, status, status, "Service temporarily unavailable.")

    def stall(self, n: int = 1, *, seconds: float = 0.5, scope: str = "api") -> None:
        """Hold the next `n` requests `seconds`, then answer 504 (shorter client timeouts give up)."""
        self.faults.append(Fault(scope, n, 504, {"code": 504, "message": "Gateway Timeout"}, {}, seconds))

    def report_not_ready(self, n: int = 1) -> None:
        """Answer the next `n` report calls with 404 code 3001, as right after a meeting ends (§2.1)."""
        self.fail("report", n, 404, 3001, NOT_ENDED_MESSAGE)

    def expire_page_token_after(self, pages: int = 1) -> None:
        """After `pages` more pages are served, the next page token presented is rejected with code 300."""
        self.expire_page_token_in = pages

    def expire_access_tokens_after(self, calls: int = 0) -> None:
        """After `calls` more authorised API calls, every issued access token expires (401 code 124)."""
        self.expire_tokens_in = calls

    def count(self, method: str, path_prefix: str) -> int:
        """How many requests with `method` and a path starting with `path_prefix` were received."""
        return sum(1 for call in self.calls if call.method == method and call.path.startswith(path_prefix))

    def take_fault(self, scope: str) -> Fault | None:
        """The injected fault that applies to a request in `scope`, consuming one of its uses."""
        for fault in self.faults:
            if fault.remaining > 0 and (fault.scope == scope or (fault.scope == "api" and scope != "oauth")):
                fault.remaining -= 1
                return fault
        self.faults = [fault for fault in self.faults if fault.remaining > 0]
        return None
