"""A real account's live half, end to end with the headless tools against the sandbox behaving as the
platforms do: monitor URLs on their own origin that take only the public key (--monitor-auth), calls
on saved assistants, transfers with a mode. After each run, what the sandbox received is checked: the
private key went to the API origin and nowhere else."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from app.domain import Provider
from tests.fixtures.sandbox import SANDBOX_KEY
from tests.sandbox.helpers import client, vapi_call, wait_for

PUBLIC_KEY = "test-public-key"
ROOT = Path(__file__).resolve().parents[2]


def switchboard(*argv: str, public_key: str | None = PUBLIC_KEY, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SWITCHBOARD_API_KEY": SANDBOX_KEY, "PYTHONPATH": str(ROOT)}
    env.pop("SWITCHBOARD_PUBLIC_KEY", None)
    if public_key:
        env["SWITCHBOARD_PUBLIC_KEY"] = public_key
    return subprocess.run([sys.executable, "-m", "app", *argv], capture_output=True, text=True, env=env,
                          timeout=timeout, cwd=ROOT)


def in_progress(sandbox, scenario: str = "booking") -> str:
    call_id = sandbox.start_call(Provider.VAPI, scenario)
    with client(sandbox, Provider.VAPI) as api:
        wait_for(lambda: vapi_call(api, call_id)["status"] == "in-progress", timeout=15)
    return call_id


def assert_private_key_stayed_home(sandbox) -> None:
    received = sandbox.received()
    assert not [(r.site, r.path) for r in received if r.site != "api" and r.carries(SANDBOX_KEY)]
    assert any(r.site == "api" and r.carries(SANDBOX_KEY) for r in received)


@pytest.fixture
def guarded(sandbox_factory):
    """A sandbox whose monitor URLs require the public key, with calls playing four times faster."""
    return sandbox_factory(live=0, history=6, speed=4.0, public_key=PUBLIC_KEY, monitor_auth=True)


def test_listen_with_monitor_auth_records_and_prints_the_live_transcript(guarded, tmp_path: Path) -> None:
    call_id = in_progress(guarded)
    out = tmp_path / "call.wav"
    done = switchboard("listen", "--provider", "vapi", "--base-url", guarded.base_url(Provider.VAPI),
                       "--call", call_id, "--events", "-o", str(out), "--seconds", "6")
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stdout.splitlines()]
    finals = [e for e in events if e.get("type") == "transcript" and e.get("final")]
    assert finals and all(e["call_id"] == call_id for e in finals)
    with wave.open(str(out)) as recorded:
        assert recorded.getnframes() > 0 and recorded.getframerate() == 16000
    monitor = [r for r in guarded.received() if r.site == "monitor"]
    assert monitor and all(r.authorization == "Bearer <public key>" for r in monitor)
    assert_private_key_stayed_home(guarded)


def test_listen_without_the_public_key_says_which_key_is_missing(guarded) -> None:
    call_id = in_progress(guarded)
    done = switchboard("listen", "--provider", "vapi", "--base-url", guarded.base_url(Provider.VAPI),
                       "--call", call_id, "--seconds", "2", public_key=None)
    assert done.returncode != 0
    assert "public key" in done.stderr and "API key" not in done.stderr
    assert_private_key_stayed_home(guarded)


@pytest.mark.parametrize(("mode", "extra", "platform_mode"), [
    ("blind", [], "blind-transfer"),
    ("warm-message", ["--handoff-message", "VIP caller, billing dispute"], "warm-transfer-say-message"),
    ("warm-summary", [], "warm-transfer-say-summary"),
])
def test_a_transfer_with_each_mode_reaches_the_call(guarded, mode: str, extra: list[str], platform_mode: str) -> None:
    call_id = in_progress(guarded)
    done = switchboard("control", "--provider", "vapi", "--base-url", guarded.base_url(Provider.VAPI),
                       "--call", call_id, "transfer", "+15551234567", "--mode", mode, "--caller-id", "+15550001111",
                       *extra)
    assert done.returncode == 0, done.stderr + done.stdout
    with client(guarded, Provider.VAPI) as api:
        call = wait_for(lambda: (c := vapi_call(api, call_id))["status"] in ("forwarding", "ended") and c, timeout=15)
    destination = call["destination"]
    assert destination["number"] == "+15551234567" and destination["callerId"] == "+15550001111"
    assert destination.get("transferPlan", {}).get("mode", "blind-transfer") == platform_mode
    assert_private_key_stayed_home(guarded)


def test_export_names_calls_on_saved_assistants_from_their_ids(guarded, tmp_path: Path) -> None:
    out = tmp_path / "calls.jsonl"
    done = switchboard("export", "--provider", "vapi", "--base-url", guarded.base_url(Provider.VAPI), "-o", str(out))
    assert done.returncode == 0, done.stderr
    calls = [json.loads(line) for line in out.read_text().splitlines()]
    with client(guarded, Provider.VAPI) as api:
        raw = {c["id"]: c for c in api.get("/call").json()}
    saved = [c for c in calls if "assistant" not in raw[c["id"]] and raw[c["id"]].get("assistantId")]
    assert saved, "the sandbox puts most calls on saved assistants"
    for call in saved:
        with client(guarded, Provider.VAPI) as api:
            name = api.get(f"/assistant/{raw[call['id']]['assistantId']}").json()["name"]
        assert call["assistantName"] == name
    assert_private_key_stayed_home(guarded)
