"""Vapi: GET /call paged by a createdAt window, PATCH names, control through the call's controlUrl."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

from app.domain import (
    AppendContext,
    Call,
    Command,
    CommandResult,
    End,
    Inject,
    Mute,
    Provider,
    Say,
    Transfer,
    TransferMode,
    Unmute,
)
from app.providers.account_client import AccountClient, no_progress, path_id, unseen
from app.providers.base import (
    CallFilter,
    ChangeMark,
    MediaSource,
    OwnerKind,
    RecordingLayout,
    monitor_refusal,
)
from app.providers.errors import UnsupportedError
from app.providers.vapi_parse import parse_call, parse_calls, parse_name
from app.providers.wire import iso

MAX_PAGE = 1000
TRANSFER_MODES = {
    TransferMode.BLIND: "blind-transfer",
    TransferMode.WARM_MESSAGE: "warm-transfer-say-message",
    TransferMode.WARM_SUMMARY: "warm-transfer-say-summary",
}
# Overlap on updatedAt: calls updated in the same instant as the newest seen (or a little out of
# order) are read again, harmlessly, rather than missed.
CHANGE_OVERLAP = timedelta(seconds=5)


def control_body(command: Command) -> dict[str, Any]:
    """The JSON Vapi's controlUrl expects for a command."""
    match command:
        case Say(text=text, end_after=end_after, interrupt_assistant=interrupt):
            # interruptAssistantEnabled defaults to false (wait for the assistant to stop): sent only when on.
            return {"type": "say", "content": text, "endCallAfterSpoken": end_after,
                    **({"interruptAssistantEnabled": True} if interrupt else {})}
        case AppendContext(text=text):
            return {"type": "append-context", "kind": "instructions", "content": text}
        case Inject(text=text, trigger_response=trigger):
            return {"type": "add-message", "message": {"role": "system", "content": text},
                    "triggerResponseEnabled": trigger}
        case Mute(side=side):
            return {"type": "control", "control": f"mute-{side.value}"}
        case Unmute(side=side):
            return {"type": "control", "control": f"unmute-{side.value}"}
        case End(message=None):
            return {"type": "end-call"}
        case End(message=message):
            # end-call takes no goodbye; saying it with endCallAfterSpoken ends the call after it.
            return {"type": "say", "content": message, "endCallAfterSpoken": True}
        case Transfer(message=message) as transfer:
            return {"type": "transfer", "destination": transfer_destination(transfer),
                    **({"content": message} if message else {})}
    raise TypeError(command)


def transfer_destination(transfer: Transfer) -> dict[str, Any]:
    """A TransferDestinationNumber or TransferDestinationSip with its transferPlan (official spec)."""
    target: dict[str, Any] = ({"type": "sip", "sipUri": transfer.destination} if transfer.is_sip
                              else {"type": "number", "number": transfer.destination})
    if transfer.extension:
        target["extension"] = transfer.extension
    if transfer.caller_id:
        target["callerId"] = transfer.caller_id
    if transfer.mode is not TransferMode.BLIND:
        plan: dict[str, Any] = {"mode": TRANSFER_MODES[transfer.mode]}
        if transfer.handoff_message:
            plan["message"] = transfer.handoff_message
        target["transferPlan"] = plan
    return target


class VapiClient(AccountClient):
    provider = Provider.VAPI

    @staticmethod
    def changes_since(mark: ChangeMark | None, first: datetime) -> list[CallFilter]:
        """Vapi filters on updatedAt: every call updated since the newest one seen."""
        if mark is None or mark.newest is None:
            return [CallFilter(since=first)]
        return [CallFilter(updated_since=mark.newest - CHANGE_OVERLAP)]

    async def pages(self, wanted: CallFilter) -> AsyncIterator[list[Call]]:
        """Pages move the window's upper edge to the oldest createdAt seen. The edge is inclusive
        (createdAtLe) so calls sharing that instant are not lost; the repeats are dropped by id."""
        limit = max(1, min(wanted.page_size, MAX_PAGE))
        params: dict[str, str | int] = {"limit": limit}
        if wanted.since is not None:
            params["createdAtGe"] = iso(wanted.since)
        if wanted.until is not None:
            params["createdAtLt"] = iso(wanted.until)
        if wanted.updated_since is not None:
            params["updatedAtGt"] = iso(wanted.updated_since)
        seen: set[str] = set()
        while True:
            page = await self.parsed(parse_calls, await self.session.read("/call", params))
            fresh = unseen(page, seen)
            # Vapi cannot filter by status: that part is done here.
            if kept := [call for call in fresh if wanted.admits(call)]:
                yield kept
            oldest = min((call.created_at for call in page if call.created_at), default=None)
            # Sort order is undocumented: only a full page with new calls says there may be more.
            if len(page) < limit or oldest is None:
                return
            if not fresh:
                raise no_progress(self.provider)
            params["createdAtLe"] = iso(oldest)

    async def get_call(self, call_id: str) -> Call:
        return await self.parsed(parse_call, await self.session.read(f"/call/{path_id(call_id)}"))

    async def read_name(self, kind: OwnerKind, owner_id: str) -> str | None:
        """`GET /assistant/{id}` (`/squad/{id}`, `/workflow/{id}`): only its name is kept."""
        return await self.parsed(parse_name, await self.session.read(f"/{kind}/{path_id(owner_id)}"))

    async def rename_call(self, call_id: str, name: str) -> Call:
        return await self.parsed(parse_call, await self.session.write("PATCH", f"/call/{path_id(call_id)}", {"name": name}))

    async def send(self, call: Call, command: Command) -> CommandResult:
        self.check_supported(command)
        if not call.control_url:
            raise UnsupportedError("This call has no control URL: it is not live, or Vapi monitoring is off.")
        result = await self.session.control(call.control_url, control_body(command),
                                            headers=self.monitor_headers())
        if result.status_code == 401:
            refusal = monitor_refusal("Controlling this call", key_sent=self.public_key is not None)
            return result.model_copy(update={"message": refusal})
        return result

    def monitor_headers(self) -> dict[str, str]:
        """The public key, and only it, for a monitor URL (listenUrl, controlUrl) when the account has one."""
        return {"Authorization": f"Bearer {self.public_key}"} if self.public_key else {}

    def recording_source(self, call: Call, layout: RecordingLayout) -> MediaSource | None:
        """The presigned URL on the call while it is fresh, else the API endpoint (302 to a fresh one)."""
        if call.is_live or (call.status != "ended" and not _known(call, layout)):
            return None
        links = call.recordings.presigned
        presigned = getattr(links, layout)
        if presigned:
            return MediaSource(presigned, expires_at=links.expires_at)
        return MediaSource(self.session.url(f"/call/{path_id(call.id)}/{layout}-recording"))

    def listen_source(self, call: Call) -> MediaSource | None:
        if not call.listen_url:
            return None
        return MediaSource(call.listen_url, self.monitor_headers())


def _known(call: Call, layout: RecordingLayout) -> str | None:
    return getattr(call.recordings, layout)
