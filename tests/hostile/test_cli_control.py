"""`switchboard control` against a hostile platform: sent once, never resent on an undocumented 503,
never through a redirect, the API key only to the account's origin and the public key only to the
call's monitor URL, and the platform's words made harmless for the terminal."""

from __future__ import annotations

import pytest

from tests.fixtures.hostile_platform import KEY, PUBLIC_KEY
from tests.hostile.cli import switchboard, switchboard_process
from tests.hostile.server import answer, redirect, sequence
from tests.providers.payloads import vapi_call

OK = {"success": True, "message": "Command sent successfully"}


def control(base: str, provider: str, call: str, *action: str) -> int:
    return switchboard("control", "--provider", provider, "--base-url", base, "--call", call, *action)


REALTIME = {"assistantOverrides": {"model": {"provider": "openai", "model": "gpt-realtime-2025-08-28"}}}


def live_vapi(home_platform, monitor, realtime: bool = False) -> None:
    """A live Vapi call on `home_platform` whose monitor URLs are on `monitor` (the call's own host)."""
    home_platform.route("GET", "/call/live-1", answer(vapi_call(1, status="in-progress") | (REALTIME if realtime else {}) | {
        "id": "live-1",
        "monitor": {"listenUrl": f"{monitor.url.replace('http', 'ws')}/live-1/listen",
                    "controlUrl": f"{monitor.url}/live-1/control"}}))


def test_hms_503_is_not_resent_and_the_outcome_is_unknown(home_platform, hostile_key, capsys):
    home_platform.route("POST", "/calls/c1/control", sequence(answer({"message": "busy"}, status=503), answer(OK)))
    assert control(home_platform.url, "hms", "c1", "end") == 3
    assert len(home_platform.to("POST", "/calls/c1/control")) == 1
    assert "outcome unknown" in capsys.readouterr().err


@pytest.mark.parametrize("realtime", [False, True])
def test_vapi_503_is_not_resent_and_the_outcome_is_unknown(home_platform, other_platform, hostile_key, capsys,
                                                          realtime):
    """The brief documents "503 = nothing done" for newer call kinds only, and nothing documented tells one apart
    (a realtime model on the call is the sandbox's marker: a classic call may run on one too)."""
    live_vapi(home_platform, other_platform, realtime=realtime)
    other_platform.route("POST", "/live-1/control", sequence(answer({"message": "busy"}, status=503), answer({"status": "ok"})))
    assert control(home_platform.url, "vapi", "live-1", "end") == 3
    assert len(other_platform.to("POST", "/live-1/control")) == 1
    assert "outcome unknown" in capsys.readouterr().err


@pytest.mark.parametrize("provider", ["hms", "vapi"])
def test_a_redirected_command_is_not_followed_and_exits_3(home_platform, other_platform, hostile_key, capsys, provider):
    if provider == "vapi":
        live_vapi(home_platform, home_platform)
        path = "/live-1/control"
    else:
        path = "/calls/live-1/control"
    home_platform.route("POST", path, redirect(f"{other_platform.url}/elsewhere", status=307))
    other_platform.route("POST", "/elsewhere", answer(OK))
    assert control(home_platform.url, provider, "live-1", "say", "hello") == 3
    assert len(home_platform.to("POST", path)) == 1 and other_platform.received == []
    assert "outcome unknown" in capsys.readouterr().err


def test_the_private_key_stays_home_and_the_public_key_goes_only_to_the_monitor_url(home_platform, other_platform, hostile_key, monkeypatch):
    live_vapi(home_platform, other_platform)
    other_platform.route("POST", "/live-1/control", answer({"status": "ok"}))
    assert control(home_platform.url, "vapi", "live-1", "end") == 0
    monkeypatch.setenv("SWITCHBOARD_PUBLIC_KEY", PUBLIC_KEY)
    assert control(home_platform.url, "vapi", "live-1", "end") == 0
    without, with_public = other_platform.to("POST", "/live-1/control")
    assert "authorization" not in without.headers
    assert with_public.headers["authorization"] == f"Bearer {PUBLIC_KEY}"
    assert all(KEY not in str(r.headers) for r in other_platform.received)
    assert all(r.headers["authorization"] == f"Bearer {KEY}" for r in home_platform.received)


def test_a_401_from_the_monitor_url_names_the_public_key(home_platform, other_platform, hostile_key, capsys):
    live_vapi(home_platform, other_platform)
    other_platform.route("POST", "/live-1/control", answer({"message": "Unauthorized"}, status=401))
    assert control(home_platform.url, "vapi", "live-1", "end") == 1
    err = capsys.readouterr().err
    assert "needs the account's public key" in err and "API key" not in err


def test_the_platforms_words_cannot_drive_the_terminal(home_platform, hostile_key):
    home_platform.route("POST", "/calls/c1/control", answer({"success": True, "message": "Done\x1b[2J\x1b]0;owned\x07\u202e"}))
    done = switchboard_process("control", "--provider", "hms", "--base-url", home_platform.url, "--call", "c1", "end")
    assert done.returncode == 0, done.stderr
    assert "accepted by HMS Sovereign. Done" in done.stdout
    assert not any(c in done.stdout + done.stderr for c in "\x1b\x07\u202e")
