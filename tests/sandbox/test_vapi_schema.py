"""Every kind of call the sandbox produces validates against the official Vapi `Call` schema."""

from __future__ import annotations

import time
from typing import Any

from app.domain import Provider
from tests.sandbox.helpers import client, vapi_call, wait_for
from tests.sandbox.vapi_schema import call_errors


def test_schema_checker_rejects_a_broken_call() -> None:
    broken = {"id": "x", "orgId": "o", "createdAt": "2026-01-01T00:00:00.000Z", "updatedAt": "2026-01-01T00:00:00.000Z",
              "status": "talking", "endedReason": None, "artifact": {"messages": [{"role": "user", "message": "hi"}]}}
    errors = "\n".join(call_errors(broken))
    assert "status" in errors and "endedReason" in errors and "secondsFromStart" in errors


def test_history_calls_validate(sandbox_factory) -> None:
    sandbox = sandbox_factory(live=0, history=60)
    with client(sandbox, Provider.VAPI) as api:
        calls = api.get("/call", params={"limit": 1000}).json()
    assert len(calls) == 60
    assert {c["endedReason"] for c in calls} >= {"customer-ended-call", "assistant-forwarded-call", "voicemail"}
    for call in calls:
        assert call_errors(call) == [], call["id"]
        assert call["analysis"]["summary"] and call["costBreakdown"]["total"] == call["cost"]


def test_every_live_state_validates(sandbox_factory) -> None:
    """Follow scripted calls from queued to analysed, validating each state seen on the way."""
    # Queued and ringing last long enough (0.4 s each) to be seen on a busy machine.
    sandbox = sandbox_factory(live=0, history=0, speed=8.0, analysis_delay=2.0, queued_seconds=(3.0, 3.0),
                              ringing_seconds=(3.0, 3.0))
    ids = [sandbox.start_call(Provider.VAPI, name) for name in ("billing_escalation", "tool_failure")]
    seen: dict[str, dict[str, Any]] = {}
    with client(sandbox, Provider.VAPI) as api:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not all("analysis" in vapi_call(api, i) for i in ids):
            for call_id in ids:
                call = vapi_call(api, call_id)
                kinds = [call["status"]]
                if any(m["role"] == "tool_calls" for m in call.get("artifact", {}).get("messages", [])):
                    kinds.append("with-tool-calls")
                if "destination" in call and call["status"] == "ended":
                    kinds.append("forwarded")
                if "analysis" in call:
                    kinds.append("analysed")
                for kind in kinds:
                    seen.setdefault(kind, call)
            time.sleep(0.02)
    assert set(seen) >= {"queued", "ringing", "in-progress", "with-tool-calls", "forwarding", "ended", "forwarded", "analysed"}
    for kind, call in seen.items():
        assert call_errors(call) == [], kind
    forwarded = seen["forwarded"]
    assert forwarded["endedReason"] == "assistant-forwarded-call"
    assert forwarded["destination"] == {"type": "number", "number": "+15550104477"}


def test_controlled_and_renamed_calls_validate(sandbox_factory) -> None:
    sandbox = sandbox_factory(live=0, history=0, speed=8.0, analysis_delay=0.5)
    call_id = sandbox.start_call(Provider.VAPI, "angry_customer")
    with client(sandbox, Provider.VAPI) as api:
        call = wait_for(lambda: (c := vapi_call(api, call_id))["status"] == "in-progress" and c)
        control = call["monitor"]["controlUrl"]
        api.post(control, json={"type": "say", "content": "I am a supervisor."})
        api.post(control, json={"type": "add-message", "message": {"role": "user", "content": "Refund me."}})
        api.post(control, json={"type": "add-message", "message": {"role": "system", "content": "Offer a refund."},
                                "triggerResponseEnabled": False})
        api.patch(f"/call/{call_id}", json={"name": "Refund case"})
        api.post(control, json={"type": "end-call"})
        final = wait_for(lambda: "analysis" in (c := vapi_call(api, call_id)) and c)
    roles = [m["role"] for m in final["artifact"]["messages"]]
    assert {"system", "user", "bot"} <= set(roles) and final["name"] == "Refund case"
    assert call_errors(final) == []
