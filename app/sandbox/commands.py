"""Control bodies of Vapi (monitor.controlUrl) and HMS (/calls/{id}/control) applied to a live call."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from app.domain import Provider, is_transfer_destination
from app.sandbox.lookup import call_or_404
from app.sandbox.player import CallPlayer, NotLive
from app.sandbox.simcall import SimCall
from app.sandbox.state import STATE
from app.sandbox.wire import error_response, json_body, read_object

VAPI_CONTROLS = {
    "mute-assistant": ("assistant", True), "unmute-assistant": ("assistant", False),
    "mute-customer": ("customer", True), "unmute-customer": ("customer", False),
}


class BadCommand(ValueError):
    """The body is not a command this platform understands."""


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip():
        raise BadCommand(f"'{key}' must be a non-empty string")
    return value


def _destination(raw: Any) -> dict[str, Any]:
    """Vapi's destination object, from a Vapi object or an HMS plain string."""
    if isinstance(raw, str):
        raw = {"type": "sip", "sipUri": raw} if raw.startswith(("sip:", "sips:")) else {"type": "number", "number": raw}
    if not isinstance(raw, dict):
        raise BadCommand("'destination' must be a number or SIP destination")
    target = raw.get("number") if raw.get("type") == "number" else raw.get("sipUri") if raw.get("type") == "sip" else None
    if not isinstance(target, str) or not is_transfer_destination(target):
        raise BadCommand("'destination' must be an E.164 number (+15551234567) or a SIP URI (sip:agent@example.com)")
    return {k: v for k, v in raw.items() if k in ("type", "number", "sipUri", "extension", "description")}


async def apply_vapi(player: CallPlayer, body: dict[str, Any]) -> None:
    kind = body.get("type")
    if kind == "say":
        await player.say(_text(body, "content"), bool(body.get("endCallAfterSpoken", False)))
    elif kind == "add-message":
        message = body.get("message")
        if not isinstance(message, dict):
            raise BadCommand("'message' must be an object with role and content")
        await player.add_message(str(message.get("role", "system")), _text(message, "content"),
                                 bool(body.get("triggerResponseEnabled", True)))
    elif kind == "control":
        control = body.get("control")
        if control == "say-first-message":
            first = next((b.step.text for b in player.call.beats if b.step.role == "assistant"), "Hello!")
            await player.say(first, False)
        elif control in VAPI_CONTROLS:
            side, muted = VAPI_CONTROLS[control]
            player.mute(side, muted)
        else:
            raise BadCommand(f"unknown control '{control}'")
    elif kind == "transfer":
        content = body.get("content")
        await player.transfer(_destination(body.get("destination")), content if isinstance(content, str) else None)
    elif kind == "end-call":
        player.end()
    else:
        raise BadCommand(f"unknown command type '{kind}'")


async def apply_hms(player: CallPlayer, body: dict[str, Any]) -> None:
    kind = body.get("type")
    if kind == "inject-context":
        await player.add_message("system", _text(body, "content"), bool(body.get("trigger_response", True)))
    elif kind == "say":
        await player.say(_text(body, "content"), bool(body.get("end_after", False)))
    elif kind == "end-call":
        message = body.get("message")
        if isinstance(message, str) and message.strip():
            await player.say(message, True)
        else:
            player.end()
    elif kind == "transfer":
        message = body.get("message")
        await player.transfer(_destination(body.get("destination")), message if isinstance(message, str) else None)
    else:
        raise BadCommand(f"unknown command type '{kind}' (inject-context, say, end-call, transfer)")


async def commanded(
    request: web.Request,
    provider: Provider,
    apply: Callable[[CallPlayer, dict[str, Any]], Awaitable[None]],
    accepted: dict[str, Any],
    gate: Callable[[SimCall], None] | None = None,
) -> web.Response:
    """A control request: the call, its JSON body, the platform's `gate` (limits; raises PlatformError), then the command."""
    call = call_or_404(request, provider)
    body = await read_object(request)
    if gate is not None:
        gate(call)
    player = request.app[STATE].world.players.get(call.id)
    try:
        if player is None:
            raise NotLive(f"Call is {call.status}, not live")
        await apply(player, body)
    except (BadCommand, NotLive) as error:
        return error_response(provider.value, 400, str(error))
    return json_body(accepted)
