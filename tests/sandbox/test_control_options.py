"""Control as the spec defines it: say's interruptAssistantEnabled, transfer modes / extension / caller id,
reasons for refusals, and every body the sandbox accepts valid against `ClientInboundMessage`."""

from __future__ import annotations

import time
from typing import Any

import pytest

from app.domain import Provider
from app.sandbox.call_facts import parse_iso
from app.sandbox.embedded import EmbeddedSandbox
from app.sandbox.player import INJECT_REPLY
from tests.sandbox.helpers import client, command, in_progress, vapi_call, wait_for
from tests.sandbox.vapi_schema import call_errors, validator

NUMBER = {"type": "number", "number": "+15557654321"}
ACCEPTED_BODIES = [  # every kind of body the sandbox takes on a classic call
    {"type": "say", "content": "Hello.", "endCallAfterSpoken": False, "interruptAssistantEnabled": True,
     "interruptionsEnabled": False},
    {"type": "add-message", "message": {"role": "system", "content": "Be brief."}, "triggerResponseEnabled": False},
    {"type": "control", "control": "mute-customer"},
    {"type": "control", "control": "unmute-customer"},
    {"type": "transfer", "destination": {**NUMBER, "extension": "204", "callerId": "+15550001111",
                                         "transferPlan": {"mode": "warm-transfer-say-message", "message": "Customer for you."}},
     "content": "One moment."},
    {"type": "transfer", "destination": {"type": "sip", "sipUri": "sip:desk@example.com", "callerId": "{{customer.number}}",
                                         "transferPlan": {"mode": "warm-transfer-say-summary"}}},
    {"type": "end-call"},
]


def ended(sandbox: EmbeddedSandbox, call_id: str) -> dict[str, Any]:
    with client(sandbox, Provider.VAPI) as api:
        return wait_for(lambda: (c := vapi_call(api, call_id))["status"] == "ended" and c, timeout=20)


def test_accepted_bodies_are_client_inbound_messages() -> None:
    for body in ACCEPTED_BODIES:
        assert [e.message for e in validator("ClientInboundMessage").iter_errors({"message": body})] == [], body
    assert not validator("ClientInboundMessage").is_valid({"message": {"type": "say", "interruptAssistantEnabled": "yes"}})


@pytest.mark.parametrize("body", ACCEPTED_BODIES, ids=lambda b: b["type"] + ":" + str(b.get("control") or ""))
def test_the_sandbox_accepts_each_of_them(brisk, body) -> None:
    assert command(in_progress(brisk, realtime=False), body).status_code == 200


def _mid_greeting(sandbox: EmbeddedSandbox, call: dict[str, Any]) -> None:
    """Wait until the assistant is half a second into its (several seconds long) greeting."""
    world = sandbox.server.state.world
    greeting = world.find(Provider.VAPI, call["id"]).beats[0]
    while (world.now_ms() - parse_iso(call["startedAt"])) / 1000 < greeting.at + 0.5:  # the sandbox's own clock
        time.sleep(0.01)


@pytest.mark.parametrize("interrupt", [True, False])
def test_say_waits_for_the_assistant_unless_told_to_interrupt(sandbox_factory, interrupt: bool) -> None:
    brisk = sandbox_factory(live=0, history=0, speed=2.0)  # the greeting lasts over 2 s: room for a slow machine
    call = in_progress(brisk, realtime=False)
    _mid_greeting(brisk, call)
    line = INJECT_REPLY  # pre-rendered: the line is ready at once, so timings are the player's, not espeak's
    assert command(call, {"type": "say", "content": line, "interruptAssistantEnabled": interrupt}).status_code == 200
    with client(brisk, Provider.VAPI) as api:
        messages = wait_for(lambda: (ms := vapi_call(api, call["id"])["artifact"]["messages"])
                            and any(m.get("message") == line for m in ms) and ms, timeout=20)
    greeting = next(m for m in messages if m["role"] == "bot" and m.get("source") == "model")
    said = next(m for m in messages if m.get("message") == line)
    greeting_end = greeting["secondsFromStart"] + greeting["duration"] / 1000
    planned_end = greeting["secondsFromStart"] + brisk.server.state.world.find(Provider.VAPI, call["id"]).beats[0].seconds
    if interrupt:
        assert greeting_end < planned_end - 0.5  # cut short...
        assert abs(said["secondsFromStart"] - greeting_end) < 0.3  # ...where the supervisor's line begins
    else:
        assert abs(greeting_end - planned_end) < 0.05 and said["secondsFromStart"] >= greeting_end


@pytest.mark.parametrize("mode", ["blind-transfer", "warm-transfer-say-message", "warm-transfer-say-summary"])
def test_transfer_modes_extension_and_caller_id_are_reflected(brisk, mode: str) -> None:
    call = in_progress(brisk, realtime=False)
    plan = {"mode": mode, **({"message": "Customer asking about a refund."} if mode.endswith("message") else {})}
    destination = {**NUMBER, "extension": "204", "callerId": "+15550001111", "transferPlan": plan}
    assert command(call, {"type": "transfer", "destination": destination}).status_code == 200
    final = ended(brisk, call["id"])
    assert final["destination"] == destination and final["endedReason"] == "assistant-forwarded-call"
    [transfer] = final["artifact"]["transfers"]
    assert transfer["destination"] == destination and transfer["mode"] == mode and transfer["status"] == "completed"
    if mode == "warm-transfer-say-message":
        assert transfer["transcript"] == "Customer asking about a refund."
    if mode == "warm-transfer-say-summary":
        assert transfer["transcript"] == brisk.server.state.world.scenarios["booking"].analysis["summary"]
    assert call_errors(final) == []


@pytest.mark.parametrize(("destination", "reason"), [
    ({**NUMBER, "transferPlan": {"mode": "teleport"}}, "transferPlan.mode"),
    ({**NUMBER, "transferPlan": {"mode": "warm-transfer-say-message"}}, "transferPlan.message"),
    ({"type": "sip", "sipUri": "sip:desk@example.com", "extension": "12"}, "extension"),
    ({**NUMBER, "extension": "12345678901"}, "extension"),
    ({**NUMBER, "callerId": "my office"}, "callerId"),
])
def test_bad_transfers_are_refused_with_the_reason(brisk, destination, reason: str) -> None:
    call = in_progress(brisk, realtime=False)
    refused = command(call, {"type": "transfer", "destination": destination})
    assert refused.status_code == 400 and reason in refused.json()["message"]
    assert brisk.server.state.world.find(Provider.VAPI, call["id"]).status == "in-progress"


def test_bad_flags_are_refused_with_the_reason(brisk) -> None:
    call = in_progress(brisk, realtime=False)
    refused = command(call, {"type": "say", "content": "Hi.", "interruptAssistantEnabled": "yes"})
    assert refused.status_code == 400 and "interruptAssistantEnabled" in refused.json()["message"]
