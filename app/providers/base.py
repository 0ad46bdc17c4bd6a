"""What every platform client offers the layers above it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

from app.domain import Call, Capabilities, Command, CommandResult, Provider
from app.providers.http import Consume, Notice, T

RecordingLayout = Literal["stereo", "mono", "customer", "assistant"]  # customer/assistant: one side only
OwnerKind = Literal["assistant", "squad", "workflow"]  # what a call runs on, named by id


@dataclass(frozen=True)
class CallFilter:
    """Which calls `list_calls` asked for."""

    since: datetime | None = None
    until: datetime | None = None
    updated_since: datetime | None = None
    status: str | None = None
    page_size: int = 100

    def admits(self, call: Call) -> bool:
        """The filter on our side; a call missing a time is kept rather than silently dropped."""
        created, updated = call.created_at, call.updated_at
        if created is not None and ((self.since and created < self.since) or (self.until and created >= self.until)):
            return False
        if self.updated_since and updated is not None and updated <= self.updated_since:
            return False
        return self.status is None or call.status == self.status


@dataclass(frozen=True)
class ChangeMark:
    """How far a reader (the poller, the history sync) has seen an account's calls."""

    newest: datetime | None = None  # the newest `change_time` seen
    oldest_live: datetime | None = None  # creation of the oldest call still live when last seen

    def moved(self, calls: list[Call], change_time: Callable[[Call], datetime | None]) -> ChangeMark:
        """The mark after seeing `calls`: the newest change time moves forward, never back."""
        times = [t for call in calls if (t := change_time(call)) is not None]
        newest = max([*times, *([self.newest] if self.newest else [])], default=None)
        return ChangeMark(newest, self.oldest_live)


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

    def changes_since(self, mark: ChangeMark | None, first: datetime) -> list[CallFilter]:
        """The platform's way of asking "what changed since `mark`?" (the only copy of that rule):
        without a mark, every call created since `first`."""
        ...

    def change_time(self, call: Call) -> datetime | None:
        """The time on a call that `ChangeMark.newest` follows on this platform."""
        ...

    async def get_call(self, call_id: str) -> Call: ...

    async def read_name(self, kind: OwnerKind, owner_id: str) -> str | None:
        """The name of the assistant, squad or workflow with this id; None where the platform has
        no such read or no name. NotFoundError when it does not know the id."""
        ...

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
        """The call's listen socket with its monitor headers (Vapi's public key): never the account's API key."""
        ...

    async def aclose(self) -> None: ...


def monitor_refusal(action: str, *, key_sent: bool) -> str:
    """What a 401 from a call's monitor URL (listenUrl, controlUrl) means: which key is missing or was
    refused. Those URLs take the account's public key, never the API key, so it is never "check the API key"."""
    if not key_sent:
        return f"{action} needs the account's public key: add it in Accounts (or set SWITCHBOARD_PUBLIC_KEY)."
    return "The account's public key was refused: check it in Accounts."
