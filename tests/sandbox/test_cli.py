"""`switchboard sandbox` as a process: prints its base URLs, serves them, stops on Ctrl+C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import httpx

from app.__main__ import main


def test_serves_until_interrupted() -> None:
    env = {**os.environ, "SWITCHBOARD_API_KEY": "from-the-environment"}
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "sandbox", "--port", "0", "--history", "12", "--live", "1", "--seed", "3",
         "--monitor-auth", "--public-key", "cli-public-key"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        lines = []
        while not lines or not lines[-1].startswith("Press Ctrl+C"):
            line = process.stdout.readline()
            assert line, process.stderr.read()
            lines.append(line.strip())
        urls = dict(line.rsplit(None, 1) for line in lines if "http://" in line)
        vapi = urls["Vapi"]
        assert urls["VoiceBot Studio"].endswith("/voicebot/api/v1") and urls["HMS Sovereign"].endswith("/hms/api/v1")
        calls = httpx.get(f"{vapi}/call", headers={"Authorization": "Bearer from-the-environment"}).json()
        assert len(calls) == 13
        control = calls[0]["monitor"]["controlUrl"]
        monitors = [urls["Vapi monitor 1"], urls["Vapi monitor 2"]]
        assert any(control.startswith(m + "/") for m in monitors) and not control.startswith(vapi)
        assert httpx.post(control, json={"type": "dance"}, headers={"Authorization": "Bearer from-the-environment"}).status_code == 401
        assert httpx.post(control, json={"type": "dance"}, headers={"Authorization": "Bearer cli-public-key"}).status_code in (400, 404)
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=20)
    assert code == 0


def test_bad_faults_are_a_plain_error(capsys) -> None:
    assert main(["sandbox", "--faults", "latency=soon"]) == 2
    assert "latency=soon" in capsys.readouterr().err


def test_the_listen_switches_reach_the_traffic_settings(monkeypatch) -> None:
    from app.sandbox import cli

    built = {}
    monkeypatch.setattr(cli, "build_state", lambda **kwargs: built.update(kwargs) or (_ for _ in ()).throw(ValueError("stop")))
    assert main(["sandbox", "--listen-format", "mono", "--start-frame"]) == 2
    traffic = built["traffic"]
    assert (traffic.listen_format, traffic.listen_start_frame) == ("mono", True)
    # The brief documents no start frame: by default the socket sends none and clients measure the format.
    assert main(["sandbox"]) == 2 and (built["traffic"].listen_format, built["traffic"].listen_start_frame) == ("stereo", False)
