"""What every platform client offers the layers above it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

from app.domain import Call, Capabilities, Command, CommandResult, Provider
from app.providers.http import Consume, Notice, T

RecordingLayout = Literal["stereo", "mono", "customer", "assistant"]  # customer/assistant: one side only


@dataclass(frozen=True)
class MediaSource:
    """Where to fetch a recording or open a listen socket. `headers` are a listen socket's (a
    monitor URL's: never the account's API key); a download's are chosen per hop by the HTTP policy."""

    url: str
    headers: dict[str, str] = field(default_factory=dict)
    expires_at: datetime | None = None  # a presigned URL's end of life

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now


class PlatformClient(Protocol):
    provider: Provider
    capabilities: Capabilities

    @property
    def base_url(self) -> str: ...

    def list_calls(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        updated_since: datetime | None = None,
        status: str | None = None,
        page_size: int = 100,
    ) -> AsyncIterator[list[Call]]:
        """Every call created in [since, until), one page at a time. `updated_since` narrows to
        calls changed after it where the platform can filter so (Vapi); `status` where it can (HMS)."""
        ...

    async def get_call(self, call_id: str) -> Call: ...

    async def rename_call(self, call_id: str, name: str) -> Call: ...

    async def send(self, call: Call, command: Command) -> CommandResult:
        """Send a control command. Never retried once it may have reached the platform."""
        ...

    def recording_source(self, call: Call, layout: RecordingLayout) -> MediaSource | None: ...

    async def download_recording(
        self, call: Call, layout: RecordingLayout, save: Consume[T], on_wait: Notice | None = None
    ) -> T:
        """Stream a recording into `save` through the shared HTTP policy (retries, redirects, keys)."""
        ...

    def listen_source(self, call: Call) -> MediaSource | None:
        """The call's listen socket with `monitor_headers(url)`: never the account's API key."""
        ...

    def monitor_headers(self, url: str) -> dict[str, str]:
        """Headers for a monitor URL (listen socket or control URL): Vapi's public key when there is one."""
        ...

    def monitor_refusal(self, action: str = "Listening") -> str:
        """What a 401 from a monitor URL says: which key is missing or refused (not "check the API key")."""
        ...

    async def aclose(self) -> None: ...
