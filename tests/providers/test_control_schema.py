"""Every Vapi control body we send is valid under the official spec's ClientInboundMessage* schemas."""

from __future__ import annotations

import pytest

from app.domain import (
    MAX_CONTEXT_CHARS,
    AppendContext,
    End,
    Inject,
    Mute,
    Say,
    Side,
    Transfer,
    TransferMode,
    Unmute,
)
from app.providers.vapi import control_body
from tests.sandbox.vapi_schema import validator

SCHEMAS = {"say": "ClientInboundMessageSay", "add-message": "ClientInboundMessageAddMessage",
           "control": "ClientInboundMessageControl", "end-call": "ClientInboundMessageEndCall",
           "transfer": "ClientInboundMessageTransfer"}

COMMANDS = [
    Say(text="One moment"), Say(text="Bye", end_after=True), Say(text="Now", interrupt_assistant=True),
    Inject(text="VIP"), Inject(text="Note", trigger_response=False),
    Mute(side=Side.ASSISTANT), Unmute(side=Side.CUSTOMER), End(), End(message="Goodbye"),
    Transfer(destination="+15551234567"),
    Transfer(destination="+15551234567", message="Connecting you", mode=TransferMode.WARM_MESSAGE,
             handoff_message="Refund, VIP", extension="12#", caller_id="+15550001111"),
    Transfer(destination="sip:desk@example.com", mode=TransferMode.WARM_SUMMARY, caller_id="+15550001111"),
    Transfer(destination="sip:desk@example.com", mode=TransferMode.BLIND),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.kind.value)
def test_the_body_is_valid_under_the_official_schema(command):
    body = control_body(command)
    errors = [error.message for error in validator(SCHEMAS[body["type"]]).iter_errors(body)]
    assert errors == []


def test_transfer_modes_are_the_specs_transfer_plan_modes():
    plan_modes = validator("TransferPlan").schema["components"]["schemas"]["TransferPlan"]["properties"]["mode"]["enum"]
    for mode in TransferMode:
        body = control_body(Transfer(destination="+15551234567", mode=mode,
                                     handoff_message="hi" if mode is TransferMode.WARM_MESSAGE else None))
        sent = body["destination"].get("transferPlan", {"mode": "blind-transfer"})["mode"]
        assert sent in plan_modes


def test_append_context_has_the_documented_shape_and_limit():
    # Not in the spec's ClientInboundMessage list yet: the shape and limit are BRIEF.md's ("Live call control").
    assert control_body(AppendContext(text="Be brief")) == {"type": "append-context", "kind": "instructions",
                                                            "content": "Be brief"}
    AppendContext(text="x" * MAX_CONTEXT_CHARS)
    with pytest.raises(ValueError, match="at most 16000"):
        AppendContext(text="x" * (MAX_CONTEXT_CHARS + 1))
