"""The one HTTP policy for every platform: timeouts, retries with backoff, Retry-After, error mapping.

Reads are retried on connect errors, 408, 429 and 5xx. Writes (rename) are retried only when
nothing reached the platform. Control commands are never retried once they may have arrived.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from app.domain import CommandResult, Outcome, Provider
from app.providers.error_body import platform_message, status_error
from app.providers.errors import APIConnectionError, APITimeoutError, ProviderError

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
RETRYABLE_STATUS = frozenset({408, 429}) | frozenset(range(500, 600))
# Connect-phase failures: the request never left, so even a control command may be resent.
NOTHING_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass
class RetryPolicy:
    """How often and how long to wait. `sleep` and `jitter` are injectable so tests run instantly."""

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    jitter: Callable[[], float] = random.random

    def backoff(self, attempt: int) -> float:
        """Exponential delay for the n-th retry (0-based), shaved by up to 25 % jitter."""
        delay = min(self.initial_delay * 2 ** min(attempt, 32), self.max_delay)  # bounded: a poller fails for hours
        return delay * (1 - 0.25 * self.jitter())

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """The platform's Retry-After when it gave one (capped), else our backoff."""
        return self.backoff(attempt) if retry_after is None else min(retry_after, self.max_retry_after)


def retry_after_seconds(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds to wait from Retry-After (seconds or HTTP-date), retry-after-ms or X-RateLimit-Reset."""
    now = time.time() if now is None else now
    if (ms := headers.get("retry-after-ms")) is not None:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    if (value := headers.get("retry-after")) is not None:
        try:
            return max(0.0, float(value))
        except ValueError:
            return _seconds_until_http_date(value, now)
    if (reset := headers.get("x-ratelimit-reset")) is not None:
        try:
            return max(0.0, float(reset) - now)
        except ValueError:
            return None
    return None


def waiting_notice(provider: Provider, seconds: float) -> str:
    """What the status bar says while a 429 is waited out."""
    return f"{provider.display_name} is rate limiting: waiting {max(1, round(seconds))} s"


def _seconds_until_http_date(value: str, now: float) -> float | None:
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        return None
    return max(0.0, parsed.timestamp() - now)


@dataclass
class PlatformHttp:
    """One account's HTTP session with a platform: base URL, auth headers and the shared policy."""

    provider: Provider
    base_url: str
    auth_headers: dict[str, str]
    http: httpx.AsyncClient | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        self._owns_http = self.http is None
        if self.http is None:
            self.http = httpx.AsyncClient(timeout=DEFAULT_TIMEOUT, follow_redirects=True)

    @property
    def client(self) -> httpx.AsyncClient:
        assert self.http is not None
        return self.http

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else f"{self.base_url}{path}"

    async def aclose(self) -> None:
        if self._owns_http:
            await self.client.aclose()

    async def read(self, path: str, params: Mapping[str, Any] | None = None) -> bytes:
        """GET with the full retry policy; the raw body of a 2xx answer."""
        return await self._request("GET", path, params=params, json=None, idempotent=True)

    async def write(self, method: str, path: str, body: Any) -> bytes:
        """A change (PATCH, DELETE): retried only when the request never left."""
        return await self._request(method, path, params=None, json=body, idempotent=False)

    async def _request(
        self, method: str, path: str, *, params: Mapping[str, Any] | None, json: Any, idempotent: bool
    ) -> bytes:
        attempt = 0
        while True:
            try:
                response = await self.client.request(
                    method, self.url(path), params=params, json=json, headers=self.auth_headers
                )
            except httpx.HTTPError as exc:
                # A read may be resent whatever happened; a write only if it never left.
                if (idempotent or isinstance(exc, NOTHING_SENT)) and attempt < self.retry.max_retries:
                    await self.retry.sleep(self.retry.backoff(attempt))
                    attempt += 1
                    continue
                raise self._connection_error(exc) from None
            if response.is_success:
                return response.content
            wait = retry_after_seconds(response.headers)
            if idempotent and response.status_code in RETRYABLE_STATUS and attempt < self.retry.max_retries:
                delay = self.retry.delay(attempt, wait)
                if response.status_code == 429:
                    log.info(waiting_notice(self.provider, delay))
                await self.retry.sleep(delay)
                attempt += 1
                continue
            raise status_error(self.provider, response, retry_after=wait)

    async def control(self, url: str, body: dict[str, Any]) -> CommandResult:
        """POST a live-call command. Resent only when it certainly did not arrive (connect error, 503)."""
        attempt = 0
        while True:
            try:
                response = await self.client.post(url, json=body, headers=self.auth_headers)
            except NOTHING_SENT as exc:
                if attempt < self.retry.max_retries:
                    await self.retry.sleep(self.retry.backoff(attempt))
                    attempt += 1
                    continue
                return CommandResult(outcome=Outcome.REFUSED, message=f"{self._connection_error(exc)} Nothing was sent.")
            except httpx.HTTPError as exc:
                return CommandResult(
                    outcome=Outcome.UNKNOWN,
                    message=f"{self._connection_error(exc)} The command may or may not have been carried out.",
                )
            code = response.status_code
            if response.is_success:
                said = platform_message(response.content)
                return CommandResult(outcome=Outcome.ACCEPTED, message=said or "", status_code=code)
            wait = retry_after_seconds(response.headers)
            if code == 503 and attempt < self.retry.max_retries:
                await self.retry.sleep(self.retry.delay(attempt, wait))
                attempt += 1
                continue
            error = status_error(self.provider, response, retry_after=wait)
            if code >= 500 and code != 503:
                # The platform may have acted before failing: report it, never resend.
                return CommandResult(
                    outcome=Outcome.UNKNOWN,
                    message=f"{error} The command may or may not have been carried out.",
                    status_code=code,
                )
            return CommandResult(outcome=Outcome.REFUSED, message=str(error), status_code=code)

    def _connection_error(self, exc: Exception) -> ProviderError:
        title = self.provider.display_name
        if isinstance(exc, httpx.TimeoutException) and not isinstance(exc, httpx.ConnectTimeout):
            return APITimeoutError(f"{title} did not answer in time.")
        host = httpx.URL(self.base_url).host or self.base_url
        reason = str(exc) or type(exc).__name__
        return APIConnectionError(f"Could not reach {title} at {host}: {reason}.")
