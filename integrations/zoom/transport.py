"""HTTP transport to Zoom: Server-to-Server OAuth token cache and retries of transient failures."""

from __future__ import annotations

import asyncio
import base64
import json
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiohttp
from yarl import URL

from integrations.zoom.errors import ZoomApiError, ZoomAuthError, ZoomRateLimited, ZoomReportNotReady
from integrations.zoom.retry import RetryPolicy, backoff_delay, classify_rate_limit

DEFAULT_API_BASE = "https://api.zoom.us/v2"
DEFAULT_OAUTH_URL = "https://zoom.us/oauth/token"

Sleep = Callable[[float], Awaitable[None]]


def basic_auth_header(client_id: str, client_secret: str) -> str:
    """`Basic base64(client_id:client_secret)` for the token endpoint (§1.1)."""
    return "Basic " + base64.b64encode(f"{client_id}:{client_secret}".encode()).decode("ascii")


def utcnow() -> datetime:
    """The current wall-clock time in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class _Response:
    """A fully read HTTP response."""

    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> object:
        """The body as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body) if self.body else None
        except (ValueError, RecursionError):
            return None

    def error(self, cls: type[ZoomApiError] = ZoomApiError) -> ZoomApiError:
        """The Zoom error in this response (`{"code", "message"}`, or the OAuth `{"error", "reason"}`)."""
        body = self.json()
        code: int | None = None
        message = self.body[:200].decode("utf-8", "replace")
        if isinstance(body, dict):
            raw_code = body.get("code")
            code = raw_code if isinstance(raw_code, int) and not isinstance(raw_code, bool) else None
            text = body.get("message") or body.get("reason") or body.get("error")
            message = text if isinstance(text, str) else message
        return cls(self.status, code, message, tracking_id=self.headers.get("x-zm-trackingid", ""))


class ZoomTransport:
    """Authenticated JSON calls to the Zoom API over one shared `aiohttp.ClientSession`.

    The access token is cached and renewed `refresh_margin` seconds before it expires, and once more when
    Zoom answers 401 with code 124. 5xx, timeouts and per-second 429s are retried with jittered backoff;
    `sleep`, `clock`, `now` and `rng` are injectable so tests never wait.
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
        self._session = session
        self._account_id = account_id
        self._basic = basic_auth_header(client_id, client_secret)
        self._api_base = api_base.rstrip("/")
        self._oauth_url = URL(oauth_url)
        self._policy = policy or RetryPolicy()
        self._sleep = sleep
        self._clock = clock
        self._now = now
        self._rng = rng or random.Random()
        self._refresh_margin = refresh_margin
        self._timeout = aiohttp.ClientTimeout(total=request_timeout)
        self._token: str | None = None
        self._token_deadline = 0.0
        self._token_lock = asyncio.Lock()

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: object = None,
        not_ready: bool = False,
    ) -> dict[str, Any]:
        """One authenticated API call returning its JSON object; renews the token once on 401/124."""
        url = URL(self._api_base + path, encoded=True)
        if params:
            url = url.with_query(params)
        renewed = False
        while True:
            token = await self._access_token()
            headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
            response = await self._send(method, url, headers=headers, json_body=json_body)
            if 200 <= response.status < 300:
                body = response.json() if response.body else {}
                if not isinstance(body, dict):
                    raise ZoomApiError(response.status, None, "response body is not a JSON object")
                return body
            error = response.error()
            if response.status == 401 and error.code == 124 and not renewed:
                # Expired, or revoked early by a newer token (§1.2 CONFLICT): renew once, repeat the call.
                self._drop_token(token)
                renewed = True
                continue
            if not_ready and error.code == 3001:
                raise response.error(ZoomReportNotReady)
            if response.status == 401:
                raise response.error(ZoomAuthError)
            raise error

    async def _access_token(self) -> str:
        """The cached token, fetched (once, even under concurrency) when missing or near expiry."""
        if self._token is not None and self._clock() < self._token_deadline:
            return self._token
        async with self._token_lock:
            if self._token is not None and self._clock() < self._token_deadline:
                return self._token
            response = await self._send(
                "POST",
                self._oauth_url,
                headers={"Authorization": self._basic},
                form={"grant_type": "account_credentials", "account_id": self._account_id},
            )
            body = response.json()
            if response.status != 200 or not isinstance(body, dict):
                raise response.error(ZoomAuthError)
            token = body.get("access_token")
            lifetime = body.get("expires_in", 3600)
            if not isinstance(token, str) or not token or not isinstance(lifetime, int | float):
                raise ZoomAuthError(response.status, None, "malformed token response")
            self._token = token
            self._token_deadline = self._clock() + max(0.0, float(lifetime) - self._refresh_margin)
            return token

    def _drop_token(self, token: str) -> None:
        """Forget `token` unless a concurrent call has already replaced it."""
        if self._token == token:
            self._token = None

    async def _send(
        self,
        method: str,
        url: URL,
        *,
        headers: Mapping[str, str],
        form: Mapping[str, str] | None = None,
        json_body: object = None,
    ) -> _Response:
        """Send, retrying timeouts, connection errors, 5xx and waitable 429s; return the last answer."""
        attempt = 0
        while True:
            attempt += 1
            last_try = attempt >= self._policy.max_attempts
            try:
                async with self._session.request(
                    method, url, headers=headers, data=form, json=json_body, timeout=self._timeout
                ) as resp:
                    response = _Response(resp.status, resp.headers, await resp.read())
            except (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError, TimeoutError) as exc:
                if last_try:
                    raise ZoomApiError(0, None, f"{method} {url.path} failed: {exc!r}") from exc
                await self._sleep(backoff_delay(self._policy, attempt, self._rng))
                continue
            if response.status == 429:
                error = response.error()
                decision = classify_rate_limit(
                    response.headers, error.message, self._now(), self._policy, self._rng
                )
                if decision.wait is None or last_try:
                    raise ZoomRateLimited(
                        429,
                        error.code,
                        error.message,
                        daily=decision.daily,
                        retry_at=decision.retry_at,
                        tracking_id=error.tracking_id,
                    )
                await self._sleep(decision.wait)
                continue
            if response.status >= 500 and not last_try:
                await self._sleep(backoff_delay(self._policy, attempt, self._rng))
                continue
            return response
