"""`switchboard export` and `switchboard control` against the running sandbox, over real HTTP."""

from __future__ import annotations

import json

import pytest

from app.__main__ import main
from app.domain import Provider
from tests.fixtures.sandbox import SANDBOX_KEY
from tests.sandbox.helpers import client, wait_for


@pytest.fixture(autouse=True)
def key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWITCHBOARD_API_KEY", SANDBOX_KEY)


@pytest.mark.parametrize("provider", list(Provider))
def test_export_returns_every_call(sandbox_factory, tmp_path, provider: Provider) -> None:
    sandbox = sandbox_factory(live=0, history=260)
    out = tmp_path / "calls.jsonl"
    code = main(["export", "--provider", provider.value, "--base-url", sandbox.base_url(provider), "-o", str(out)])
    assert code == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    with client(sandbox, provider) as api:
        if provider is Provider.VAPI:
            expected = {c["id"] for c in api.get("/call", params={"limit": 1000}).json()}
        elif provider is Provider.HMS:
            expected = {c["id"] for c in api.get("/calls", params={"limit": 1000}).json()["calls"]}
        else:
            expected = {c["id"] for c in api.get("/calls").json()}
    assert len(records) == 260 and {r["id"] for r in records} == expected
    assert all(r["provider"] == provider.value and r["turns"] for r in records)


def _live_call(sandbox, provider: Provider) -> str:
    call_id = sandbox.start_call(provider, "booking")
    path = f"/call/{call_id}" if provider is Provider.VAPI else f"/calls/{call_id}"
    with client(sandbox, provider) as api:
        wait_for(lambda: api.get(path).json()["status"] == "in-progress", timeout=10)
        return call_id


def _control(sandbox, provider: Provider, call_id: str, *action: str) -> int:
    return main(["control", "--provider", provider.value, "--base-url", sandbox.base_url(provider),
                 "--call", call_id, *action])


def test_every_vapi_command_through_the_cli(sandbox_factory) -> None:
    sandbox = sandbox_factory(live=0, history=0, speed=8.0)
    call_id = _live_call(sandbox, Provider.VAPI)
    for action in (["say", "The CLI says hello."], ["inject", "Be brief."], ["mute", "customer"],
                   ["unmute", "customer"], ["mute", "assistant"], ["unmute", "assistant"]):
        assert _control(sandbox, Provider.VAPI, call_id, *action) == 0, action
    world = sandbox.server.state.world
    assert world.find(Provider.VAPI, call_id).controls == [
        "say", "add-message", "mute-customer", "unmute-customer", "mute-assistant", "unmute-assistant"]
    assert _control(sandbox, Provider.VAPI, call_id, "transfer", "+15551230000") == 0
    with client(sandbox, Provider.VAPI) as api:
        ended = wait_for(lambda: (c := api.get(f"/call/{call_id}").json())["status"] == "ended" and c)
    assert ended["endedReason"] == "assistant-forwarded-call"
    ending = _live_call(sandbox, Provider.VAPI)
    assert _control(sandbox, Provider.VAPI, ending, "end") == 0
    assert world.find(Provider.VAPI, ending).ended_reason == "assistant-ended-call"
    assert _control(sandbox, Provider.VAPI, ending, "say", "Too late.") == 1  # refused: the call is over


def test_every_hms_command_through_the_cli(sandbox_factory) -> None:
    sandbox = sandbox_factory(live=0, history=0, speed=8.0)
    call_id = _live_call(sandbox, Provider.HMS)
    assert _control(sandbox, Provider.HMS, call_id, "say", "Hello from the CLI.") == 0
    assert _control(sandbox, Provider.HMS, call_id, "inject", "Offer a discount.") == 0
    assert _control(sandbox, Provider.HMS, call_id, "transfer", "sip:desk@example.com") == 0
    world = sandbox.server.state.world
    wait_for(lambda: world.find(Provider.HMS, call_id).status == "ended")
    assert world.find(Provider.HMS, call_id).destination == {"type": "sip", "sipUri": "sip:desk@example.com"}
    ending = _live_call(sandbox, Provider.HMS)
    assert _control(sandbox, Provider.HMS, ending, "end") == 0
    assert world.find(Provider.HMS, ending).status == "ended"
    assert _control(sandbox, Provider.HMS, ending, "mute", "customer") == 2  # HMS cannot mute: nothing sent
