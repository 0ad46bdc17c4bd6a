"""Realtime Vapi calls: end-call, append-context and transfer without content; {"status":"ok"}; no listen socket."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import websockets

from app.domain import Provider
from tests.sandbox.helpers import client, command, in_progress, vapi_call, wait_for
from tests.sandbox.vapi_schema import call_errors

OK = {"status": "ok"}


def is_realtime(call: dict[str, Any]) -> bool:
    """The sandbox's own marker (app.sandbox.realtime): a convenience, not documented by Vapi."""
    model = (call.get("assistantOverrides", {}).get("model") or call.get("assistant", {}).get("model") or {})
    return "realtime" in model.get("model", "")


def test_a_realtime_call_is_recognisable_and_valid(brisk) -> None:
    call = in_progress(brisk, realtime=True)
    assert is_realtime(call) and "listenUrl" not in call["monitor"] and "controlUrl" in call["monitor"]
    assert call_errors(call) == []
    classic = brisk.start_call(Provider.VAPI, "booking", realtime=False)
    with client(brisk, Provider.VAPI) as api:
        plain = vapi_call(api, classic)
    assert not is_realtime(plain) and "listenUrl" in plain["monitor"]


async def test_no_listen_socket(brisk) -> None:
    call = await asyncio.to_thread(in_progress, brisk, realtime=True)
    listen = call["monitor"]["controlUrl"].replace("http", "ws", 1).replace("/control", "/listen")
    with pytest.raises(websockets.InvalidStatus) as refused:
        async with websockets.connect(listen):
            pass
    assert refused.value.response.status_code == 404


@pytest.mark.parametrize("body", [
    {"type": "say", "content": "Hello."},
    {"type": "add-message", "message": {"role": "system", "content": "Be brief."}},
    {"type": "control", "control": "mute-assistant"},
    {"type": "transfer", "destination": {"type": "number", "number": "+15551230000"}, "content": "Transferring you."},
    {"type": "append-context", "kind": "gossip", "content": "x"},
    {"type": "append-context", "kind": "instructions", "content": "x" * 16_001},
    {"type": "append-context", "kind": "instructions", "content": "  "},
])
def test_everything_else_is_refused_with_the_reason(brisk, body) -> None:
    call = in_progress(brisk, realtime=True)
    refused = command(call, body)
    assert refused.status_code == 400
    assert refused.json()["statusCode"] == 400 and refused.json()["error"] == "Bad Request"
    assert any(word in refused.json()["message"] for word in (body["type"], "content", "kind"))
    assert brisk.server.state.world.find(Provider.VAPI, call["id"]).controls == []  # nothing was done


def test_append_context_of_each_kind_then_transfer(brisk) -> None:
    call = in_progress(brisk, realtime=True)
    for kind in ("instructions", "commentary", "thinking"):
        accepted = command(call, {"type": "append-context", "kind": kind, "content": f"A {kind} note."})
        assert (accepted.status_code, accepted.json()) == (200, OK)
    assert command(call, {"type": "append-context", "kind": "instructions", "content": "y" * 16_000}).json() == OK
    destination = {"type": "number", "number": "+15551230000",
                   "transferPlan": {"mode": "warm-transfer-say-summary"}}
    assert command(call, {"type": "transfer", "destination": destination}).json() == OK
    with client(brisk, Provider.VAPI) as api:
        ended = wait_for(lambda: (c := vapi_call(api, call["id"]))["status"] == "ended" and c)
    texts = [m.get("message") for m in ended["artifact"]["messages"] if m["role"] == "system"]
    assert {"A instructions note.", "A commentary note.", "A thinking note."} <= set(texts)
    assert ended["endedReason"] == "assistant-forwarded-call"
    assert ended["artifact"]["transfers"][0]["mode"] == "warm-transfer-say-summary"
    assert call_errors(ended) == []


def test_end_call(brisk) -> None:
    call = in_progress(brisk, realtime=True)
    assert command(call, {"type": "end-call"}).json() == OK
    assert brisk.server.state.world.find(Provider.VAPI, call["id"]).status == "ended"


def test_503_means_nothing_was_done(brisk) -> None:
    """The one documented safe failure, and only for this call kind: the general error_rate fault's 503."""
    call = in_progress(brisk, realtime=True)
    world = brisk.server.state.world
    brisk.set_faults("error_rate=1")
    outcomes = set()
    for _ in range(30):
        before = len(world.find(Provider.VAPI, call["id"]).controls)
        failed = command(call, {"type": "append-context", "kind": "commentary", "content": "A note."})
        assert failed.json()["statusCode"] == failed.status_code
        outcomes.add((failed.status_code, len(world.find(Provider.VAPI, call["id"]).controls) - before))
    assert (503, 0) in outcomes and (503, 1) not in outcomes and (502, 1) in outcomes
    brisk.set_faults(None)
    assert command(call, {"type": "end-call"}).json() == OK  # resending after a 503 is safe


def test_traffic_has_realtime_calls_on_vapi_only(sandbox_factory) -> None:
    sandbox = sandbox_factory(live=2, history=20, realtime_share=1.0)
    with client(sandbox, Provider.VAPI) as api:
        assert all(is_realtime(c) for c in api.get("/call").json())
    world = sandbox.server.state.world
    assert not any(c.realtime for p in (Provider.HMS, Provider.VOICEBOT) for c in world.books[p].calls.values())
    with pytest.raises(ValueError):
        sandbox_factory(realtime_share=2)
