"""VoiceBot Studio: one bare array from GET /calls (no paging or filters), X-API-Key auth, no control."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

from app.domain import Call, Command, CommandResult, Provider
from app.providers.account_client import AccountClient, path_id
from app.providers.base import MediaSource, RecordingLayout
from app.providers.errors import UnsupportedError
from app.providers.vapi_parse import parse_call, parse_calls


def _within(call: Call, since: datetime | None, until: datetime | None, updated_since: datetime | None) -> bool:
    """Time filters on our side; a call without the time is kept rather than silently dropped."""
    created, updated = call.created_at, call.updated_at
    if created is not None and ((since and created < since) or (until and created >= until)):
        return False
    return not (updated_since and updated is not None and updated <= updated_since)


class VoiceBotClient(AccountClient):
    provider = Provider.VOICEBOT

    @staticmethod
    def auth_headers(api_key: str) -> dict[str, str]:
        return {"X-API-Key": api_key}

    async def list_calls(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        updated_since: datetime | None = None,
        status: str | None = None,
        page_size: int = 100,
    ) -> AsyncIterator[list[Call]]:
        calls = parse_calls(await self.session.read("/calls"), Provider.VOICEBOT)
        seen: set[str] = set()
        wanted = []
        for call in calls:
            if call.id in seen or not _within(call, since, until, updated_since):
                continue
            if status is None or call.status == status:
                seen.add(call.id)
                wanted.append(call)
        size = max(1, page_size)
        for start in range(0, len(wanted), size):
            yield wanted[start:start + size]

    async def get_call(self, call_id: str) -> Call:
        return parse_call(await self.session.read(f"/calls/{path_id(call_id)}"), Provider.VOICEBOT)

    async def rename_call(self, call_id: str, name: str) -> Call:
        content = await self.session.write("PATCH", f"/calls/{path_id(call_id)}", {"name": name})
        return parse_call(content, Provider.VOICEBOT)

    async def send(self, call: Call, command: Command) -> CommandResult:
        self.check_supported(command)
        raise UnsupportedError("VoiceBot Studio has no live call control.")

    def recording_source(self, call: Call, layout: RecordingLayout) -> MediaSource | None:
        stereo, mono = call.recordings.stereo, call.recordings.mono
        return self.media(stereo, mono) if layout == "stereo" else self.media(mono, stereo)

    def listen_source(self, call: Call) -> MediaSource | None:
        return None
