"""HMS Sovereign: GET /calls paged by offset + total, control through POST /calls/{id}/control."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

from app.domain import (
    Call,
    CallStatus,
    Command,
    CommandResult,
    End,
    Inject,
    Provider,
    Say,
    Transfer,
    TransferMode,
)
from app.providers.account_client import AccountClient, no_progress, path_id, unseen
from app.providers.base import CallFilter, ChangeMark, MediaSource, RecordingLayout
from app.providers.errors import UnsupportedError
from app.providers.hms_parse import STATUSES, parse_call, parse_page
from app.providers.wire import iso

MAX_PAGE = 1000
# HMS filters by creation only: look back from the newest creation seen, for calls that show up
# in the list late (and clock skew between us and the platform).
CHANGE_LOOKBACK = timedelta(minutes=10)


def control_body(command: Command) -> dict[str, Any]:
    """The JSON HMS Sovereign's control endpoint expects; it has no mute."""
    match command:
        case Inject(text=text, trigger_response=trigger):
            return {"type": "inject-context", "content": text, "trigger_response": trigger}
        case Say(interrupt_assistant=True):
            raise UnsupportedError("HMS Sovereign cannot interrupt the assistant: its say waits for a pause.")
        case Say(text=text, end_after=end_after):
            return {"type": "say", "content": text, "end_after": end_after}
        case End(message=message):
            return {"type": "end-call", **({"message": message} if message else {})}
        case Transfer(mode=mode, extension=extension, caller_id=caller_id) if (
                mode is not TransferMode.BLIND or extension or caller_id):
            raise UnsupportedError("HMS Sovereign transfers blind only, without an extension or caller id.")
        case Transfer(destination=destination, message=message):
            return {"type": "transfer", "destination": destination, **({"message": message} if message else {})}
    raise UnsupportedError(f"HMS Sovereign cannot {command.kind.value} from a console.")


# Our status names back to HMS's, for the status filter.
PLATFORM_STATUSES = {ours: theirs for theirs, ours in STATUSES.items()}


class HmsClient(AccountClient):
    provider = Provider.HMS

    @staticmethod
    def changes_since(mark: ChangeMark | None, first: datetime) -> list[CallFilter]:
        """New calls since the newest creation seen (less a look-back), from the oldest call that was
        still live (it may have ended since), plus every call in progress."""
        if mark is None or mark.newest is None:
            return [CallFilter(since=first)]
        since = min(filter(None, (mark.newest - CHANGE_LOOKBACK, mark.oldest_live)))
        return [CallFilter(since=since), CallFilter(status=CallStatus.IN_PROGRESS.value)]

    @staticmethod
    def change_time(call: Call) -> datetime | None:
        return call.created_at

    async def pages(self, wanted: CallFilter) -> AsyncIterator[list[Call]]:
        """Offset paging while offset + items < total. New calls shift offsets, so repeats are dropped by id."""
        limit = max(1, min(wanted.page_size, MAX_PAGE))
        params: dict[str, str | int] = {"limit": limit, "offset": 0}
        if wanted.status is not None:
            params["status"] = PLATFORM_STATUSES.get(wanted.status, wanted.status)
        if wanted.since is not None:
            params["start_date"] = iso(wanted.since)
        if wanted.until is not None:
            params["end_date"] = iso(wanted.until)
        seen: set[str] = set()
        offset = 0
        while True:
            calls, count, total = await self.parsed(parse_page, await self.session.read("/calls", params))
            fresh = unseen(calls, seen)
            # HMS has no updated-since filter: that part is done here.
            if kept := [call for call in fresh if wanted.admits(call)]:
                yield kept
            offset += count
            if count == 0 or (total is not None and offset >= total) or (total is None and count < limit):
                return
            if not fresh:
                raise no_progress(self.provider)
            params["offset"] = offset

    async def get_call(self, call_id: str) -> Call:
        return await self.parsed(parse_call, await self.session.read(f"/calls/{path_id(call_id)}"))

    async def rename_call(self, call_id: str, name: str) -> Call:
        raise UnsupportedError(self.capabilities.why_no_rename or "HMS Sovereign does not allow renaming calls.")

    async def send(self, call: Call, command: Command) -> CommandResult:
        self.check_supported(command)
        body = control_body(command)
        return await self.session.control(self.session.url(f"/calls/{path_id(call.id)}/control"), body)

    def recording_source(self, call: Call, layout: RecordingLayout) -> MediaSource | None:
        # HMS gives one recording_url; its channel layout is not documented, so it serves both.
        if layout not in ("stereo", "mono"):
            return None
        url = call.recordings.mono or call.recordings.stereo
        return MediaSource(url) if url else None

    def listen_source(self, call: Call) -> MediaSource | None:
        return None
