"""What every platform client offers the layers above it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

import httpx

from app.domain import Call, Capabilities, Command, CommandResult, Provider

RecordingLayout = Literal["stereo", "mono"]


@dataclass(frozen=True)
class MediaSource:
    """Where to fetch a recording or open a listen socket, with the headers it needs."""

    url: str
    headers: dict[str, str] = field(default_factory=dict)
    fallback: str | None = None  # fetched without headers when `url` fails (a signed artifact URL)


class PlatformClient(Protocol):
    provider: Provider
    capabilities: Capabilities
    http: httpx.AsyncClient  # shared by recording downloads; one per account per loop

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

    def listen_source(self, call: Call) -> MediaSource | None: ...

    async def aclose(self) -> None: ...
