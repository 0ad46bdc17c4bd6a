"""VoiceBot Studio: one bare array from GET /calls (no paging or filters), X-API-Key auth, no control."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import partial

from app.domain import Call, Command, CommandResult, Provider
from app.providers.account_client import AccountClient, CallFilter, path_id
from app.providers.base import MediaSource, RecordingLayout
from app.providers.errors import APIStatusError, NotAvailableError, UnsupportedError
from app.providers.vapi_parse import parse_call, parse_calls


class VoiceBotClient(AccountClient):
    provider = Provider.VOICEBOT

    @staticmethod
    def auth_headers(api_key: str) -> dict[str, str]:
        return {"X-API-Key": api_key}

    async def pages(self, wanted: CallFilter) -> AsyncIterator[list[Call]]:
        calls = await self.parsed(partial(parse_calls, provider=Provider.VOICEBOT), await self.session.read("/calls"))
        # No paging or filters on the platform: one list, filtered and chunked here.
        kept = list({call.id: call for call in calls if wanted.admits(call)}.values())
        size = max(1, wanted.page_size)
        for start in range(0, len(kept), size):
            yield kept[start:start + size]

    async def get_call(self, call_id: str) -> Call:
        """Undocumented: a 404 or 405 means the read is not there, never that the call is gone."""
        try:
            content = await self.session.read(f"/calls/{path_id(call_id)}")
        except APIStatusError as error:
            if error.status_code in (404, 405):
                raise NotAvailableError("VoiceBot Studio has no single-call read; calls are followed through "
                                        "the list.", status_code=error.status_code) from None
            raise
        return await self.parsed(partial(parse_call, provider=Provider.VOICEBOT), content)

    async def rename_call(self, call_id: str, name: str) -> Call:
        content = await self.session.write("PATCH", f"/calls/{path_id(call_id)}", {"name": name})
        return await self.parsed(partial(parse_call, provider=Provider.VOICEBOT), content)

    async def send(self, call: Call, command: Command) -> CommandResult:
        self.check_supported(command)
        raise UnsupportedError("VoiceBot Studio has no live call control.")

    def recording_source(self, call: Call, layout: RecordingLayout) -> MediaSource | None:
        stereo, mono = call.recordings.stereo, call.recordings.mono
        url = {"stereo": stereo or mono, "mono": mono or stereo}.get(layout)
        return MediaSource(self.session.url(url)) if url else None

    def listen_source(self, call: Call) -> MediaSource | None:
        return None
