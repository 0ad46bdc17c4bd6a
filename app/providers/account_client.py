"""What the three platform clients share: one HTTP session per account, limits, media headers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import TypeVar
from urllib.parse import quote

import httpx

from app.domain import CAPABILITIES, Call, Capabilities, Command, Provider
from app.providers.base import CallFilter, ChangeMark, MediaSource, OwnerKind, RecordingLayout
from app.providers.errors import BadResponseError, UnsupportedError
from app.providers.http import Consume, Notice, PlatformHttp, RetryPolicy, T

Parsed = TypeVar("Parsed")


class AccountClient:
    """Base of VapiClient, HmsClient and VoiceBotClient."""

    provider: Provider

    def __init__(
        self, base_url: str, api_key: str, *, public_key: str | None = None,
        http: httpx.AsyncClient | None = None, retry: RetryPolicy | None = None,
    ) -> None:
        self.session = PlatformHttp(
            self.provider, base_url, self.auth_headers(api_key), http=http, retry=retry or RetryPolicy(),
        )
        self.public_key = public_key.strip() if public_key and public_key.strip() else None
        if self.public_key:
            self.session.secrets.append(self.public_key)
        self.capabilities: Capabilities = CAPABILITIES[self.provider]
        # One thread per account turns platform bytes into calls: a page of a thousand live calls takes
        # tens of milliseconds to read, which the event loop (the window's thread) must not spend.
        self._parser = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"{self.provider.value}-parse")

    @property
    def base_url(self) -> str:
        return self.session.base_url

    def list_calls(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        updated_since: datetime | None = None,
        status: str | None = None,
        page_size: int = 100,
    ) -> AsyncIterator[list[Call]]:
        return self.pages(CallFilter(since, until, updated_since, status, page_size))

    @staticmethod
    def changes_since(mark: ChangeMark | None, first: datetime) -> list[CallFilter]:
        """Without filters on the platform (VoiceBot Studio): the whole list every time."""
        return [CallFilter()]

    @staticmethod
    def change_time(call: Call) -> datetime | None:
        return call.updated_at

    def pages(self, wanted: CallFilter) -> AsyncIterator[list[Call]]:
        """Each platform's paging: every call `wanted` asks for, one page at a time."""
        raise NotImplementedError

    async def read_name(self, kind: OwnerKind, owner_id: str) -> str | None:
        """Only Vapi names saved assistants by id; elsewhere a call carries its names itself."""
        return None

    @staticmethod
    def auth_headers(api_key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {api_key}"}

    async def parsed(self, parse: Callable[[bytes], Parsed], content: bytes) -> Parsed:
        """`parse(content)` on this account's parser thread."""
        return await asyncio.get_running_loop().run_in_executor(self._parser, parse, content)

    async def aclose(self) -> None:
        await self.session.aclose()
        self._parser.shutdown(wait=False, cancel_futures=True)

    def check_supported(self, command: Command) -> None:
        """Raise UnsupportedError (nothing sent) when the platform cannot take this command."""
        reason = self.capabilities.why_not(command.kind)
        if reason:
            raise UnsupportedError(reason)

    def recording_source(self, call: Call, layout: RecordingLayout) -> MediaSource | None:
        raise NotImplementedError

    async def download_recording(
        self, call: Call, layout: RecordingLayout, save: Consume[T], on_wait: Notice | None = None
    ) -> T:
        """Fetch a recording through the shared policy; a presigned URL that has expired makes us
        read the call again for a fresh one first."""
        source = self.recording_source(call, layout)
        if source is not None and source.expired(datetime.now(UTC)):
            source = self.recording_source(await self.get_call(call.id), layout)
        if source is None:
            raise BadResponseError(f"{self.provider.display_name} has no {layout} recording for this call.")
        return await self.session.download(source.url, save, on_wait)

    async def get_call(self, call_id: str) -> Call:
        raise NotImplementedError


def unseen(page: list[Call], seen: set[str]) -> list[Call]:
    """The calls of `page` not seen before (on earlier pages or earlier in this one), now marked seen."""
    fresh = list({call.id: call for call in page if call.id not in seen}.values())
    seen.update(call.id for call in fresh)
    return fresh


def no_progress(provider: Provider) -> BadResponseError:
    """A full page with no call we had not seen: asking again would loop forever."""
    return BadResponseError(
        f"{provider.display_name}'s paging makes no progress: a full page brought no new calls, so it stopped here.")


def path_id(call_id: str) -> str:
    """A call id as one path segment (HMS ids hold '+')."""
    return quote(call_id, safe="")
