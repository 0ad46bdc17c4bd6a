"""What the three platform clients share: one HTTP session per account, limits, media headers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from urllib.parse import quote

import httpx

from app.domain import CAPABILITIES, Call, Capabilities, Command, Provider
from app.providers.base import CallFilter, ChangeMark, MediaSource, OwnerKind
from app.providers.errors import UnsupportedError
from app.providers.http import PlatformHttp, RetryPolicy


class AccountClient:
    """Base of VapiClient, HmsClient and VoiceBotClient."""

    provider: Provider

    def __init__(
        self, base_url: str, api_key: str, *, http: httpx.AsyncClient | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        headers = self.auth_headers(api_key)
        self.session = PlatformHttp(self.provider, base_url, headers, http=http, retry=retry or RetryPolicy())
        self.http: httpx.AsyncClient = self.session.client
        self.capabilities: Capabilities = CAPABILITIES[self.provider]

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

    async def aclose(self) -> None:
        await self.session.aclose()

    def check_supported(self, command: Command) -> None:
        """Raise UnsupportedError (nothing sent) when the platform cannot take this command."""
        reason = self.capabilities.why_not(command.kind)
        if reason:
            raise UnsupportedError(reason)

    def media(self, url: str | None, fallback: str | None = None) -> MediaSource | None:
        """A media URL with our key only when it points at the platform's own host."""
        url, fallback = url or fallback, fallback if url else None
        if not url:
            return None
        own_host = httpx.URL(url).host == httpx.URL(self.session.base_url).host
        return MediaSource(url, dict(self.session.auth_headers) if own_host else {}, fallback=fallback)


def path_id(call_id: str) -> str:
    """A call id as one path segment (HMS ids hold '+')."""
    return quote(call_id, safe="")
