"""`switchboard control` against a real local server: every command, every exit code."""

from __future__ import annotations

import pytest

from tests.cli.conftest import switchboard

VAPI_COMMANDS = [
    (["say", "One moment please"], {"type": "say", "content": "One moment please", "endCallAfterSpoken": False}),
    (["say", "Goodbye", "--end-after"], {"type": "say", "content": "Goodbye", "endCallAfterSpoken": True}),
    (["inject", "Customer is VIP"], {"type": "add-message", "message": {"role": "system", "content": "Customer is VIP"},
                                     "triggerResponseEnabled": True}),
    (["inject", "Quiet note", "--no-response"],
     {"type": "add-message", "message": {"role": "system", "content": "Quiet note"}, "triggerResponseEnabled": False}),
    (["transfer", "+15551234567"], {"type": "transfer", "destination": {"type": "number", "number": "+15551234567"}}),
    (["transfer", "sip:desk@example.com", "--message", "Connecting you"],
     {"type": "transfer", "destination": {"type": "sip", "sipUri": "sip:desk@example.com"}, "content": "Connecting you"}),
    (["end"], {"type": "end-call"}),
    (["end", "--message", "Thanks, bye"], {"type": "say", "content": "Thanks, bye", "endCallAfterSpoken": True}),
    (["mute", "assistant"], {"type": "control", "control": "mute-assistant"}),
    (["unmute", "assistant"], {"type": "control", "control": "unmute-assistant"}),
    (["mute", "customer"], {"type": "control", "control": "mute-customer"}),
    (["unmute", "customer"], {"type": "control", "control": "unmute-customer"}),
    (["say", "Sorry, one moment", "--interrupt"],
     {"type": "say", "content": "Sorry, one moment", "endCallAfterSpoken": False, "interruptAssistantEnabled": True}),
    (["transfer", "+15551234567", "--mode", "warm-message", "--handoff-message", "VIP caller, refund issue",
      "--extension", "204", "--caller-id", "+15550001111"],
     {"type": "transfer", "destination": {"type": "number", "number": "+15551234567", "extension": "204",
                                          "callerId": "+15550001111",
                                          "transferPlan": {"mode": "warm-transfer-say-message",
                                                           "message": "VIP caller, refund issue"}}}),
    (["transfer", "sip:desk@example.com", "--mode", "warm-summary"],
     {"type": "transfer", "destination": {"type": "sip", "sipUri": "sip:desk@example.com",
                                          "transferPlan": {"mode": "warm-transfer-say-summary"}}}),
]

HMS_COMMANDS = [
    (["say", "Hold on"], {"type": "say", "content": "Hold on", "end_after": False}),
    (["say", "Bye", "--end-after"], {"type": "say", "content": "Bye", "end_after": True}),
    (["inject", "VIP"], {"type": "inject-context", "content": "VIP", "trigger_response": True}),
    (["inject", "VIP", "--no-response"], {"type": "inject-context", "content": "VIP", "trigger_response": False}),
    (["transfer", "+31612345678", "--message", "One moment"],
     {"type": "transfer", "destination": "+31612345678", "message": "One moment"}),
    (["end"], {"type": "end-call"}),
    (["end", "--message", "Goodbye"], {"type": "end-call", "message": "Goodbye"}),
]


def control(server, provider: str, call: str, *action: str) -> int:
    return switchboard("control", "--provider", provider, "--base-url", f"{server.url}/{provider}", "--call", call, *action)


@pytest.mark.parametrize(("action", "body"), VAPI_COMMANDS)
def test_vapi_every_command_is_accepted_through_the_calls_control_url(server, key, action, body, capsys):
    server.controls.clear()
    server.control_auth.clear()
    assert control(server, "vapi", "live-accept", *action) == 0
    assert server.controls == [("/vapi/control/live-accept", body)]
    assert server.control_auth == [None]  # the API key never goes to a monitor URL
    assert "accepted by Vapi" in capsys.readouterr().out


def test_vapi_a_realtime_call_takes_added_context(server, key, capsys):
    server.controls.clear()
    assert control(server, "vapi", "live-realtime", "append-context", "Offer the 10% discount") == 0
    assert server.controls == [("/vapi/control/live-realtime",
                                {"type": "append-context", "kind": "instructions", "content": "Offer the 10% discount"})]


@pytest.mark.parametrize(("action", "body"), HMS_COMMANDS)
def test_hms_every_command_is_accepted(server, key, action, body, capsys):
    server.controls.clear()
    assert control(server, "hms", "call-_+316_accept", *action) == 0
    assert server.controls == [("/hms/calls/call-_+316_accept/control", body)]
    assert "Command sent successfully" in capsys.readouterr().out


@pytest.mark.parametrize(("provider", "call"), [("vapi", "live-refuse"), ("hms", "call-refuse")])
def test_refusal_exits_1_with_the_platform_message(server, key, provider, call, capsys):
    assert control(server, provider, call, "say", "hello") == 1
    err = capsys.readouterr().err
    assert "Call is not in progress" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(("provider", "call"), [("vapi", "live-unknown"), ("hms", "call-unknown")])
def test_502_exits_3_and_is_sent_once(server, key, provider, call, capsys):
    server.controls.clear()
    assert control(server, provider, call, "end") == 3
    assert len(server.controls) == 1
    assert "outcome unknown" in capsys.readouterr().err


@pytest.mark.parametrize(("provider", "action", "message"), [
    ("hms", ["mute", "assistant"], "HMS Sovereign cannot mute"),
    ("hms", ["unmute", "customer"], "HMS Sovereign cannot unmute"),
    ("voicebot", ["say", "hi"], "VoiceBot Studio has no live call control"),
    ("vapi", ["transfer", "12345"], "is not a phone number in E.164 form"),
    ("vapi", ["say", "   "], "the text is empty"),
    ("vapi", ["transfer", "+15551234567", "--mode", "warm-message"], "needs the message"),
    ("vapi", ["transfer", "sip:desk@example.com", "--extension", "12"], "an extension is digits"),
    ("vapi", ["append-context", "x" * 16_001], "at most 16000 characters"),
    ("hms", ["append-context", "note"], "HMS Sovereign cannot append-context"),
    ("hms", ["say", "hi", "--interrupt"], "HMS Sovereign cannot interrupt the assistant"),
    ("hms", ["transfer", "+31612345678", "--mode", "warm-summary"], "HMS Sovereign transfers blind only"),
])
def test_invalid_or_unsupported_exits_2_and_sends_nothing(server, key, provider, action, message, capsys):
    server.controls.clear()
    assert control(server, provider, "live-accept", *action) == 2
    err = capsys.readouterr().err
    assert message in err and "Nothing was sent" in err and server.controls == []


def test_a_realtime_call_refuses_say_before_anything_is_sent(server, key, capsys):
    server.controls.clear()
    assert control(server, "vapi", "live-realtime", "say", "Hello") == 2
    err = capsys.readouterr().err
    assert "realtime call takes only" in err and "Nothing was sent" in err and server.controls == []
    assert control(server, "vapi", "live-realtime", "end") == 0


def test_vapi_call_that_does_not_exist_exits_1(server, key, capsys):
    assert control(server, "vapi", "no-such-call", "end") == 1
    assert "Vapi has no such call (404): Call not found." in capsys.readouterr().err


def test_vapi_ended_call_has_no_control_url(server, key, capsys):
    server.vapi[0]["monitor"] = None
    assert control(server, "vapi", server.vapi[0]["id"], "end") == 2
    assert "no control URL" in capsys.readouterr().err


def test_no_key_exits_2(server, capsys):
    assert control(server, "hms", "call-accept", "end") == 2
    assert "No API key" in capsys.readouterr().err
