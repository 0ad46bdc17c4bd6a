"""Webhook payloads -> live events: the same call changes the poller produces, as JSON for the stream.

An event is a plain dict so every engine stores and every console reads it the same way:
`{"kind": "call", "call": <Call>}` (appeared, status changed, conversation or analysis updated)
or `{"kind": "turn", "call_id", "turn": <Turn>, "partial": bool}` (a transcript line), each with
`provider`, `source` (the webhook endpoint it came in on) and `change` (the platform's type).
Embedded calls go through the providers' own parsers.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from pydantic import ValidationError

from app.domain import Call, Provider, Turn, TurnRole
from app.providers import hms_parse, vapi_parse
from app.providers.errors import BadResponseError
from app.providers.wire import SPEAKER_ROLES, mapped

log = logging.getLogger(__name__)

# Request types whose sender waits for an answer: the hub answers at once and stays out of the way.
ANSWER_TYPES = frozenset({"assistant-request", "transfer-destination-request", "tool-calls"})
REPORT_FIELDS = ("endedReason", "cost", "costs", "startedAt", "endedAt", "analysis")  # ServerMessageEndOfCallReport
Event = dict[str, Any]


class BadWebhook(ValueError):
    """The body is not a server message at all (400, nothing stored)."""


def message_of(body: bytes) -> dict[str, Any]:
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BadWebhook("the body is not JSON") from None
    message = document.get("message") if isinstance(document, dict) else None
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        raise BadWebhook("no message with a type")
    return message


def normalise(provider: Provider, source: str, message: dict[str, Any]) -> list[Event]:
    """The live events one server message means; [] for types that change no call."""
    kind = message["type"]
    try:
        if provider is Provider.HMS:
            events = _hms(message)
        else:
            events = _vapi(kind, message, provider)
    except (BadResponseError, ValidationError) as error:  # one unreadable call is skipped, logged
        log.warning("%s webhook %s: unreadable call (%s)", source, kind, error)
        return []
    return [{**event, "provider": provider.value, "source": source, "change": kind} for event in events]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _call_event(call: Call) -> Event:
    return {"kind": "call", "call_id": call.id, "call": call.model_dump(mode="json")}


def _vapi_call(provider: Provider, call: dict[str, Any]) -> Call:
    wire = vapi_parse.WireCall.model_validate(call)
    return mapped(provider, wire, lambda record: vapi_parse.to_call(record, provider))


def _vapi(kind: str, message: dict[str, Any], provider: Provider) -> list[Event]:
    call = _dict(message.get("call"))
    if not isinstance(call.get("id"), str):
        return []
    if kind == "status-update" and isinstance(message.get("status"), str):
        update = {"status": message["status"]}
        if isinstance(message.get("endedReason"), str):
            update["endedReason"] = message["endedReason"]
        return [_call_event(_vapi_call(provider, {**call, **update}))]
    if kind == "conversation-update" and isinstance(message.get("messages"), list):
        artifact = {**_dict(call.get("artifact")), "messages": message["messages"]}
        return [_call_event(_vapi_call(provider, {**call, "artifact": artifact}))]
    if kind == "end-of-call-report":
        report: dict[str, Any] = {key: message[key] for key in REPORT_FIELDS if key in message}
        artifact = {**_dict(call.get("artifact")), **_dict(message.get("artifact"))}
        ended = {**call, **report, "artifact": artifact, "status": "ended"}
        return [_call_event(_vapi_call(provider, ended))]
    if kind.startswith("transcript") and isinstance(message.get("transcript"), str):
        final = message.get("transcriptType") == "final" or kind == 'transcript[transcriptType="final"]'
        role = SPEAKER_ROLES.get(str(message.get("role", "")).lower(), TurnRole.SYSTEM)
        turn = Turn(role=role, text=message["transcript"])
        return [{"kind": "turn", "call_id": call["id"], "turn": turn.model_dump(mode="json"), "partial": not final}]
    return []


def _hms(message: dict[str, Any]) -> list[Event]:
    call = _dict(message.get("call"))
    if not isinstance(call.get("id"), str) or message["type"] not in ("status-update", "end-of-call-report"):
        return []
    if isinstance(message.get("status"), str):
        call = {**call, "status": message["status"]}
    wire = hms_parse.WireCall.model_validate(call)
    return [_call_event(mapped(Provider.HMS, wire, hms_parse.to_call))]

