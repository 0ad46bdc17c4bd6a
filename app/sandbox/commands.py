"""Control bodies of Vapi (monitor.controlUrl) and HMS (/calls/{id}/control) applied to a live call."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from app.domain import Provider, is_transfer_destination
from app.domain.command import EXTENSION
from app.sandbox.lookup import call_or_404
from app.sandbox.player import CallPlayer, NotLive
from app.sandbox.realtime import refusal
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


# TransferPlan.mode in the official spec; the sandbox plays all of them as "announce, then forward".
TRANSFER_MODES = (
    "blind-transfer", "blind-transfer-add-summary-to-sip-header", "warm-transfer-say-message",
    "warm-transfer-say-summary", "warm-transfer-twiml", "warm-transfer-wait-for-operator-to-speak-first-and-then-say-message",
    "warm-transfer-wait-for-operator-to-speak-first-and-then-say-summary", "warm-transfer-experimental",
)
CALLER_ID = re.compile(r"^(\+[1-9][0-9]{6,14}|\{\{\s*(customer|phoneNumber)\.number\s*\}\})$")


def _transfer_plan(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict) or raw.get("mode") not in TRANSFER_MODES:
        raise BadCommand(f"'transferPlan.mode' must be one of {', '.join(TRANSFER_MODES)}")
    plan = {"mode": raw["mode"]}
    message = raw.get("message")
    if raw["mode"].endswith("say-message"):
        if not isinstance(message, str) or not message.strip():
            raise BadCommand(f"'transferPlan.message' is required for {raw['mode']}")
        plan["message"] = message
    return plan


def _destination(raw: Any) -> dict[str, Any]:
    """Vapi's destination object (with its transferPlan, extension and callerId), from a Vapi object or an HMS
    plain string."""
    if isinstance(raw, str):
        raw = {"type": "sip", "sipUri": raw} if raw.startswith(("sip:", "sips:")) else {"type": "number", "number": raw}
    if not isinstance(raw, dict):
        raise BadCommand("'destination' must be a number or SIP destination")
    target = raw.get("number") if raw.get("type") == "number" else raw.get("sipUri") if raw.get("type") == "sip" else None
    if not isinstance(target, str) or not is_transfer_destination(target):
        raise BadCommand("'destination' must be an E.164 number (+15551234567) or a SIP URI (sip:agent@example.com)")
    extension, caller = raw.get("extension"), raw.get("callerId")
    if extension is not None and (raw["type"] != "number" or not isinstance(extension, str) or not EXTENSION.match(extension)):
        raise BadCommand("'extension' must be 1 to 10 digits, on a number destination")
    if caller is not None and (not isinstance(caller, str) or not CALLER_ID.match(caller)):
        raise BadCommand("'callerId' must be an E.164 number, {{customer.number}} or {{phoneNumber.number}}")
    destination = {k: v for k, v in raw.items() if k in ("type", "number", "sipUri", "extension", "callerId", "description")}
    if "transferPlan" in raw:
        destination["transferPlan"] = _transfer_plan(raw["transferPlan"])
    return destination


def _flag(body: dict[str, Any], key: str, default: bool) -> bool:
    value = body.get(key, default)
    if not isinstance(value, bool):
        raise BadCommand(f"'{key}' must be a boolean")
    return value


async def _transfer(player: CallPlayer, body: dict[str, Any]) -> None:
    content = body.get("content")
    if content is not None and not isinstance(content, str):
        raise BadCommand("'content' must be a string")
    await player.transfer(_destination(body.get("destination")), content)


async def apply_vapi(player: CallPlayer, body: dict[str, Any]) -> None:
    kind = body.get("type")
    if kind == "say":
        _flag(body, "interruptionsEnabled", False)  # whether the customer may cut the line short: not simulated
        await player.say(_text(body, "content"), _flag(body, "endCallAfterSpoken", False),
                         interrupt=_flag(body, "interruptAssistantEnabled", False))
    elif kind == "add-message":
        message = body.get("message")
        if not isinstance(message, dict):
            raise BadCommand("'message' must be an object with role and content")
        await player.add_message(str(message.get("role", "system")), _text(message, "content"),
                                 _flag(body, "triggerResponseEnabled", True))
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
        await _transfer(player, body)
    elif kind == "end-call":
        player.end()
    else:
        raise BadCommand(f"unknown command type '{kind}'")


async def apply_realtime(player: CallPlayer, body: dict[str, Any]) -> None:
    """A realtime call's few commands (see app.sandbox.realtime)."""
    reason = refusal(body)
    if reason:
        raise BadCommand(reason)
    if body["type"] == "append-context":
        player.append_context(body["kind"], body["content"])
    elif body["type"] == "transfer":
        await _transfer(player, body)
    else:
        player.end()


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
