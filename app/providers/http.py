"""The one HTTP policy for every platform: one retry loop for reads, changes, control and downloads.

- Reads and downloads are retried on connection errors, 408, 429 and 5xx. Changes (rename) are
  retried only when nothing reached the platform. A control command is resent only when it never
  left, or when the platform documents that the answer means nothing was done (Vapi's 503).
- Redirects are followed by hand, for reads and downloads only, and each hop gets the account's key
  only when it is on the account's own origin (scheme, host, port). A control or change answered
  with a redirect is not followed: its outcome is unknown.
- Every request has an overall deadline (all attempts and waits), and an answer body is read as a
  stream and capped, so a huge, endless or trickling answer ends in a plain error.
- A key the platform echoes in an error body is masked before the message is shown or logged.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, TypeVar

import httpx

from app.domain import CommandResult, Outcome, Provider
from app.providers import tls
from app.providers.error_body import mask_secrets, platform_message, status_error
from app.providers.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    BadResponseError,
    ProviderError,
    RedirectedError,
    command_result_of,
)

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
DEFAULT_DEADLINE = 60.0  # seconds for a whole API request, retries and waits included
DOWNLOAD_DEADLINE = 900.0  # seconds for a whole recording download
MAX_BODY_BYTES = 64 * 1024**2  # the largest API answer we read (a page of 1000 long calls is ~20 MB)
MAX_ERROR_BODY_BYTES = 64 * 1024  # what we read of an error answer: enough for its message
MAX_REDIRECTS = 5
RETRYABLE_STATUS = frozenset({408, 429}) | frozenset(range(500, 600))
# Connect-phase failures: the request never left, so even a control command may be resent.
NOTHING_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)

T = TypeVar("T")
Consume = Callable[[httpx.Response], Awaitable[T]]
Notice = Callable[[str], None]


class Purpose(Enum):
    """What a request is for decides what may be resent and whether a redirect is followed."""

    READ = "read"
    CHANGE = "change"
    CONTROL = "control"
    DOWNLOAD = "download"

    @property
    def follows_redirects(self) -> bool:
        return self in (Purpose.READ, Purpose.DOWNLOAD)

    @property
    def idempotent(self) -> bool:
        return self in (Purpose.READ, Purpose.DOWNLOAD)


@dataclass
class RetryPolicy:
    """How often and how long to wait. `sleep` and `jitter` are injectable so tests run instantly."""

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    deadline: float = DEFAULT_DEADLINE
    download_deadline: float = DOWNLOAD_DEADLINE
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


def origin(url: str | httpx.URL) -> tuple[str, str, int | None]:
    """Scheme, host and port (the scheme's default when none is written): what "the same host" means."""
    parsed = httpx.URL(url) if isinstance(url, str) else url
    scheme = parsed.scheme.lower()
    return scheme, (parsed.host or "").lower(), parsed.port or {"http": 80, "https": 443}.get(scheme)


class BodyTooLarge(Exception):
    """An answer body would pass its cap: it was not read (any further)."""


async def capped_chunks(response: httpx.Response, limit: int) -> AsyncIterator[bytes]:
    """The body as it streams in; BodyTooLarge as soon as it would pass `limit` bytes: by its declared
    Content-Length before the first byte, else while reading. The one place a body is capped."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    received = 0
    async for chunk in response.aiter_bytes():
        received += len(chunk)
        if received > limit:
            raise BodyTooLarge
        yield chunk


async def read_capped(response: httpx.Response, limit: int) -> bytes | None:
    """The whole body, or None when it would pass `limit` bytes."""
    try:
        return b"".join([chunk async for chunk in capped_chunks(response, limit)])
    except BodyTooLarge:
        return None


@dataclass
class PlatformHttp:
    """One account's HTTP session with a platform: base URL, auth headers and the shared policy."""

    provider: Provider
    base_url: str
    auth_headers: dict[str, str]
    http: httpx.AsyncClient | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    max_body_bytes: int = MAX_BODY_BYTES
    # Whether a 503 on a control command is documented to mean "nothing was done" (then it is resent).
    secrets: list[str] = field(default_factory=list)  # masked wherever a platform's words are shown

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        self._owns_http = self.http is None
        if self.http is None:
            self.http = httpx.AsyncClient(timeout=DEFAULT_TIMEOUT, follow_redirects=False, verify=tls.trusted())
        self.secrets.extend(_secret_of(value) for value in self.auth_headers.values())

    @property
    def client(self) -> httpx.AsyncClient:
        assert self.http is not None
        return self.http

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else f"{self.base_url}{path}"

    def is_home(self, url: str | httpx.URL) -> bool:
        """True when `url` is on the account's own origin: the only place its key may go."""
        return origin(url) == origin(self.base_url)

    def headers_for(self, url: str | httpx.URL) -> dict[str, str]:
        """The account's key for its own origin; nothing for any other host."""
        return dict(self.auth_headers) if self.is_home(url) else {}

    async def aclose(self) -> None:
        if self._owns_http:
            await self.client.aclose()

    # --- what the clients ask for ------------------------------------------------------------
    async def read(self, path: str, params: Mapping[str, Any] | None = None) -> bytes:
        """GET with the full retry policy; the raw body of a 2xx answer, at most `max_body_bytes`."""
        return await self.request(Purpose.READ, "GET", self.url(path), params=params, consume=self._body)

    async def write(self, method: str, path: str, body: Any) -> bytes:
        """A change (PATCH, DELETE): resent only when the request never left."""
        return await self.request(Purpose.CHANGE, method, self.url(path), json=body, consume=self._body)

    async def download(self, url: str, save: Consume[T], on_wait: Notice | None = None) -> T:
        """A recording: `save` streams the 2xx answer; a drop mid-body is retried like a read (save starts over)."""
        return await self.request(Purpose.DOWNLOAD, "GET", url, consume=save, on_wait=on_wait)

    async def control(self, url: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> CommandResult:
        """POST a live-call command once. `headers` for a monitor URL (never the account key); else by origin.
        A 503 is not resent either: Vapi documents "503 = nothing done" only for newer call kinds that nothing
        documented tells apart."""
        async def answer(response: httpx.Response) -> tuple[int, bytes]:
            # an acceptance says at most a sentence: read no more of it than of an error
            return response.status_code, await read_capped(response, MAX_ERROR_BODY_BYTES) or b""

        try:
            code, content = await self.request(Purpose.CONTROL, "POST", url, json=body, headers=headers,
                                               consume=answer)
        except ProviderError as error:
            result = command_result_of(error)
            if result.outcome is Outcome.UNKNOWN:
                return result.model_copy(
                    update={"message": f"{result.message} The command may or may not have been carried out."})
            return result
        said = self.mask(platform_message(content) or "")
        return CommandResult(outcome=Outcome.ACCEPTED, message=said, status_code=code)

    def mask(self, text: str) -> str:
        return mask_secrets(text, self.secrets)

    # --- the one retry loop ------------------------------------------------------------------
    async def request(
        self, purpose: Purpose, method: str, url: str, *, consume: Consume[T],
        params: Mapping[str, Any] | None = None, json: Any = None, headers: dict[str, str] | None = None,
        on_wait: Notice | None = None,
    ) -> T:
        """Send, follow redirects (reads), consume a 2xx answer, and retry as `purpose` allows,
        all within the deadline. Every failure is a ProviderError."""
        loop = asyncio.get_running_loop()
        seconds = self.retry.download_deadline if purpose is Purpose.DOWNLOAD else self.retry.deadline
        deadline = loop.time() + seconds
        attempt = 0
        while True:
            try:
                async with asyncio.timeout_at(deadline):
                    return await self._attempt(purpose, method, url, params, json, headers, consume)
            except TimeoutError:
                raise APITimeoutError(f"{self.provider.display_name} did not answer within {seconds:g} s.") from None
            except httpx.HTTPError as exc:
                error: ProviderError = self._connection_error(exc)
                resend = purpose.idempotent or isinstance(exc, NOTHING_SENT)
                delay = self.retry.backoff(attempt)
            except APIStatusError as exc:
                error = exc
                code = exc.status_code or 0
                resend = code in RETRYABLE_STATUS and purpose.idempotent
                delay = self.retry.delay(attempt, getattr(exc, "retry_after", None))
            if not resend or attempt >= self.retry.max_retries or loop.time() + delay > deadline:
                raise error
            notice = waiting_notice(self.provider, delay) if error.status_code == 429 else f"{error} Trying again…"
            log.info(notice)
            if on_wait is not None:
                on_wait(notice)
            await self.retry.sleep(delay)
            attempt += 1

    async def _attempt(
        self, purpose: Purpose, method: str, url: str, params: Mapping[str, Any] | None, json: Any,
        headers: dict[str, str] | None, consume: Consume[T],
    ) -> T:
        request = self.client.build_request(
            method, url, params=params, json=json, headers=self.headers_for(url) if headers is None else headers)
        for _hop in range(MAX_REDIRECTS + 1):
            response = await self.client.send(request, stream=True, follow_redirects=False)
            try:
                if response.is_success:
                    return await consume(response)
                if not response.is_redirect:
                    content = await read_capped(response, MAX_ERROR_BODY_BYTES) or b""
                    wait = retry_after_seconds(response.headers)
                    raise status_error(self.provider, response, content, retry_after=wait, secrets=self.secrets,
                                       elsewhere=None if self.is_home(response.url) else response.url.host)
                if not purpose.follows_redirects:
                    raise RedirectedError(
                        f"{self.provider.display_name} answered with a redirect ({response.status_code}); "
                        "it was not followed.", status_code=response.status_code)
                request = self._next_hop(response)
            finally:
                await response.aclose()
        raise BadResponseError(f"{self.provider.display_name} redirected more than {MAX_REDIRECTS} times.")

    def _next_hop(self, response: httpx.Response) -> httpx.Request:
        """The redirect's target, with the key only when the target is the account's own origin."""
        target = response.url.join(response.headers.get("location", ""))
        if target.scheme not in ("http", "https"):
            raise BadResponseError(f"{self.provider.display_name} redirected to an address that is not a web address.")
        return self.client.build_request("GET", target, headers=self.headers_for(target))

    async def _body(self, response: httpx.Response) -> bytes:
        content = await read_capped(response, self.max_body_bytes)
        if content is None:
            limit = self.max_body_bytes // 1024**2
            raise BadResponseError(
                f"{self.provider.display_name} sent an answer larger than {limit} MB, the most Switchboard reads "
                "at once; it was not read.")
        return content

    def _connection_error(self, exc: Exception) -> APIConnectionError:
        title = self.provider.display_name
        sent = not isinstance(exc, NOTHING_SENT)
        if isinstance(exc, httpx.TimeoutException) and not isinstance(exc, httpx.ConnectTimeout):
            return APITimeoutError(f"{title} did not answer in time.", nothing_sent=not sent)
        host = httpx.URL(self.base_url).host or self.base_url
        reason = self.mask(str(exc) or type(exc).__name__)
        return APIConnectionError(f"Could not reach {title} at {host}: {reason}.", nothing_sent=not sent)


def _secret_of(header_value: str) -> str:
    return header_value.removeprefix("Bearer ").strip()
