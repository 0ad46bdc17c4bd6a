"""`switchboard listen` and `switchboard watch` against the real sandbox over loopback, and the live
transcript reaching the call registry from the listen socket. No mocks between them."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import wave
from pathlib import Path

import pytest

from app.__main__ import main
from app.domain import Account, Provider, TurnRole
from app.live.listen import Headset
from app.live.session import AccountSession
from app.store.audit import AuditUnavailable
from tests.fixtures.sandbox import SANDBOX_KEY
from tests.sandbox.helpers import client, vapi_call, wait_for


@pytest.fixture(autouse=True)
def key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWITCHBOARD_API_KEY", SANDBOX_KEY)


def in_progress(sandbox, scenario: str = "booking") -> str:
    call_id = sandbox.start_call(Provider.VAPI, scenario)
    with client(sandbox, Provider.VAPI) as api:
        wait_for(lambda: vapi_call(api, call_id)["status"] == "in-progress", timeout=15)
    return call_id


def listen(sandbox, call_id: str, *options: str) -> int:
    return main(["listen", "--provider", "vapi", "--base-url", sandbox.base_url(Provider.VAPI), "--call", call_id,
                 *options])


@pytest.mark.parametrize(("listen_format", "start_frame", "channels"), [("stereo", True, 2), ("mono", False, 1),
                                                                         ("stereo", False, 2)])
def test_listen_records_the_decided_channel_count(sandbox_factory, tmp_path: Path, capsys, listen_format: str,
                                                  start_frame: bool, channels: int) -> None:
    sandbox = sandbox_factory(live=0, history=0, listen_format=listen_format, listen_start_frame=start_frame)
    call_id = in_progress(sandbox)
    out = tmp_path / "call.wav"
    assert listen(sandbox, call_id, "-o", str(out), "--seconds", "2.5") == 0
    with wave.open(str(out)) as recorded:
        assert (recorded.getnchannels(), recorded.getframerate(), recorded.getsampwidth()) == (channels, 16000, 2)
        assert recorded.getnframes() >= 16000 * 2.0  # the measured second is in the file too
    said = capsys.readouterr().err
    assert f"{channels}-channel 16000 Hz" in said
    assert ("start frame says" if start_frame else "no start frame") in said


def test_listen_events_prints_the_sockets_transcript_as_json_lines(sandbox_factory, tmp_path: Path, capsys) -> None:
    sandbox = sandbox_factory(live=0, history=0, speed=4.0, listen_start_frame=True)
    call_id = in_progress(sandbox)
    assert listen(sandbox, call_id, "--events", "-o", str(tmp_path / "x.wav"), "--seconds", "4") == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines and all(line["call_id"] == call_id for line in lines)
    assert lines[0]["type"] == "start"
    transcripts = [line for line in lines if line["type"] == "transcript"]
    assert any(not line["final"] for line in transcripts) and any(line["final"] for line in transcripts)
    assert {line["role"] for line in transcripts} == {"customer", "assistant"}
    assert any(line["type"] == "speech-update" for line in lines)


def test_watch_call_prints_it_appearing_its_turns_and_its_end(sandbox_factory) -> None:
    sandbox = sandbox_factory(live=0, history=0, speed=8.0, analysis_delay=1.0)
    call_id = in_progress(sandbox)
    env = {**os.environ, "SWITCHBOARD_API_KEY": SANDBOX_KEY}
    done = subprocess.run(
        [sys.executable, "-m", "app", "watch", "--provider", "vapi", "--base-url", sandbox.base_url(Provider.VAPI),
         "--call", call_id],
        capture_output=True, text=True, env=env, timeout=90,
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert all(line["call_id"] == call_id and line["provider"] == "vapi" for line in lines)
    assert lines[0]["type"] == "call-appeared" and lines[-1]["type"] == "call-ended"
    turns = [line for line in lines if line["type"] == "turn"]
    assert {"customer", "assistant"} <= {turn["role"] for turn in turns}
    assert all(turn["final"] and isinstance(turn["text"], str) for turn in turns)
    spoken = [(t["role"], t["text"]) for t in turns if t["role"] in ("customer", "assistant")]
    with client(sandbox, Provider.VAPI) as api:
        final = vapi_call(api, call_id)
    logged = [m["message"] for m in final["artifact"]["messages"] if m["role"] in ("user", "bot")]
    assert [text for _, text in spoken] == logged


def test_watch_prints_the_alerts_a_troubled_call_raises(sandbox_factory) -> None:
    sandbox = sandbox_factory(live=0, history=0, speed=8.0, analysis_delay=1.0)
    call_id = in_progress(sandbox, "billing_escalation")  # the customer asks for a person
    done = subprocess.run(
        [sys.executable, "-m", "app", "watch", "--provider", "vapi", "--base-url", sandbox.base_url(Provider.VAPI),
         "--call", call_id],
        capture_output=True, text=True, env={**os.environ, "SWITCHBOARD_API_KEY": SANDBOX_KEY}, timeout=90,
    )
    assert done.returncode == 0, done.stderr
    alerts = [line for line in map(json.loads, done.stdout.splitlines()) if line["type"] == "alert"]
    assert alerts and alerts[0]["rule"] == "phrases" and alerts[0]["call_id"] == call_id
    assert alerts[0]["provider"] == "vapi" and alerts[0]["severity"] in ("warning", "critical")
    assert alerts[0]["text"] and alerts[0]["at"] == alerts[0]["time"]


async def test_a_listened_calls_transcript_grows_from_the_socket_within_a_second(sandbox_factory) -> None:
    """No poller runs: only the listen socket can bring the turns into the registry."""
    sandbox = await asyncio.to_thread(sandbox_factory, live=0, history=0, listen_format="mono")
    call_id = await asyncio.to_thread(in_progress, sandbox)
    account = Account(id="a", name="Vapi", provider=Provider.VAPI, base_url=sandbox.base_url(Provider.VAPI))
    session = AccountSession.open(account, SANDBOX_KEY, AuditUnavailable("only listening"))
    headset = Headset(play_audio=False)
    sim = sandbox.server.state.world.find(Provider.VAPI, call_id)
    logged_at: dict[str, float] = {}
    shown_at: dict[str, float] = {}
    try:
        call = await session.refresh(call_id)
        assert call is not None
        await headset.listen(call, session.client, session.registry)
        deadline = time.monotonic() + 12
        while len(shown_at) < 2 and time.monotonic() < deadline:
            now = time.monotonic()
            for message in list(sim.live_messages):
                if message.role in ("user", "bot"):
                    logged_at.setdefault(message.text, now)
            for turn in session.registry.get(call_id).turns:
                if turn.role in (TurnRole.CUSTOMER, TurnRole.ASSISTANT) and not turn.partial:
                    shown_at.setdefault(turn.text, now)
            await asyncio.sleep(0.01)
    finally:
        await headset.stop_all()
        await session.aclose()
    assert len(shown_at) >= 2, shown_at
    for text, at in shown_at.items():
        assert text in logged_at, text  # every shown line was said on the call
        assert at - logged_at[text] < 1.0, (text, at - logged_at[text])


def test_plain_refusals_of_listen_and_watch(sandbox_factory, capsys) -> None:
    sandbox = sandbox_factory(live=0, history=3)
    with client(sandbox, Provider.HMS) as api:
        hms_call = api.get("/calls").json()["calls"][0]["id"]
    assert main(["listen", "--provider", "hms", "--base-url", sandbox.base_url(Provider.HMS), "--call", hms_call]) == 2
    assert "HMS Sovereign does not offer live audio" in capsys.readouterr().err
    assert listen(sandbox, "no-such-call", "--seconds", "1") == 1
    assert "no-such-call" in capsys.readouterr().err
    assert main(["watch", "--provider", "vapi", "--base-url", sandbox.base_url(Provider.VAPI), "--listen"]) == 2
    assert "--listen needs --call" in capsys.readouterr().err


def test_watch_prints_a_call_that_has_already_ended_and_stops(sandbox_factory, capsys) -> None:
    sandbox = sandbox_factory(live=0, history=3)
    with client(sandbox, Provider.VAPI) as api:
        ended = api.get("/call").json()[0]["id"]
    assert main(["watch", "--provider", "vapi", "--base-url", sandbox.base_url(Provider.VAPI), "--call", ended]) == 0
    assert [json.loads(line)["type"] for line in capsys.readouterr().out.splitlines()] == ["call-appeared", "call-ended"]


def test_watch_follows_every_call_until_ctrl_c(sandbox_factory) -> None:
    import signal

    sandbox = sandbox_factory(live=1, history=2)
    env = {**os.environ, "SWITCHBOARD_API_KEY": SANDBOX_KEY}
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "watch", "--provider", "vapi", "--base-url", sandbox.base_url(Provider.VAPI)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        lines = []
        while len([line for line in lines if line["type"] == "call-appeared"]) < 3:
            text = process.stdout.readline()
            assert text, process.stderr.read()
            lines.append(json.loads(text))
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=20)
    assert code == 130
    appeared = [line for line in lines if line["type"] == "call-appeared"]
    assert len({line["call_id"] for line in appeared}) == 3 and all(line["provider"] == "vapi" for line in appeared)


def test_listen_plays_on_the_sound_device(sandbox_factory, null_audio_device, capsys) -> None:
    sandbox = sandbox_factory(live=0, history=0)
    assert listen(sandbox, in_progress(sandbox), "--seconds", "1.5") == 0
    assert "Playback is off" not in capsys.readouterr().err


def test_listen_without_a_sound_device_says_so_plainly(sandbox_factory, capsys) -> None:
    sandbox = sandbox_factory(live=0, history=0)
    assert listen(sandbox, in_progress(sandbox), "--seconds", "3") == 1
    said = capsys.readouterr().err
    assert "no sound output device" in said and "-o FILE.wav" in said
