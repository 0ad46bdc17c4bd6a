"""`switchboard listen` and `switchboard watch` against a hostile platform: a hung platform ends at --timeout."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from app.live.alerts.settings import settings_path
from tests.fixtures.hostile_platform import PUBLIC_KEY
from tests.hostile.cli import switchboard
from tests.hostile.server import answer, sequence, silent
from tests.hostile.test_cli_control import live_vapi
from tests.providers.payloads import vapi_call

TERMINAL_TRICKS = "right-to-left \u202e override and \x1b]0;owned\x07 a title, \x9b a C1 CSI, \x7f"


@pytest.mark.parametrize("command", [["listen", "-o", "call.wav"], ["watch"]], ids=["listen", "watch"])
def test_a_hung_platform_ends_at_the_timeout(home_platform, hostile_key, capsys, tmp_path: Path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    home_platform.route("GET", "/call/c1", silent())
    before = time.monotonic()
    code = switchboard(command[0], "--provider", "vapi", "--base-url", home_platform.url, "--call", "c1",
                       "--timeout", "1", *command[1:])
    took = time.monotonic() - before
    err = capsys.readouterr().err
    assert code == 1 and took < 10, (took, err)
    assert "Cannot read call c1: Vapi did not answer within 1 s." in err


@pytest.mark.parametrize(("public_key", "said"), [
    (None, "Listening needs the account's public key: add it in Accounts"),
    (PUBLIC_KEY, "The account's public key was refused: check it in Accounts."),
], ids=["no-public-key", "refused-public-key"])
def test_a_401_from_the_listen_url_says_which_key_like_control_does(
        home_platform, other_platform, hostile_key, capsys, tmp_path: Path, monkeypatch, public_key, said):
    if public_key:
        monkeypatch.setenv("SWITCHBOARD_PUBLIC_KEY", public_key)
    live_vapi(home_platform, other_platform)
    other_platform.route("GET", "/live-1/listen", answer({"message": "Unauthorized"}, status=401))
    code = switchboard("listen", "--provider", "vapi", "--base-url", home_platform.url, "--call", "live-1",
                       "-o", str(tmp_path / "call.wav"))
    err = capsys.readouterr().err
    assert code == 1 and said in err and "API key" not in err, err


def test_watch_lines_carry_the_callers_words_escaped_never_raw(home_platform, hostile_key, capsys):
    live = vapi_call(1, status="in-progress") | {"id": "c1", "name": TERMINAL_TRICKS}
    live["artifact"]["messages"].append({"role": "user", "message": TERMINAL_TRICKS, "secondsFromStart": 9.0})
    ended = live | {"status": "ended", "endedReason": "customer-ended-call", "updatedAt": "2030-01-01T00:00:00Z"}
    home_platform.route("GET", "/call/c1", sequence(answer(live), answer(ended)))
    code = switchboard("watch", "--provider", "vapi", "--base-url", home_platform.url, "--call", "c1")
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.isascii() and all(" " <= c < "\x7f" for c in out.replace("\n", ""))
    lines = [json.loads(line) for line in out.splitlines()]
    said = {line["type"]: line for line in lines if TERMINAL_TRICKS in (line.get("text"), line.get("name"))}
    assert {"call-appeared", "turn", "alert"} <= set(said)  # the old call's silence alert quotes the last turn


def test_watchs_notes_on_stderr_are_said_like_every_error(home_platform, hostile_key, capsys):
    settings_path().write_text('[phrases.lists."evil\\u001b]0;owned\\u0007\\u202e"]\nwords = 1\n', encoding="utf-8")
    home_platform.route("GET", "/call/c1", silent())
    assert switchboard("watch", "--provider", "vapi", "--base-url", home_platform.url, "--call", "c1",
                       "--timeout", "1") == 1
    err = capsys.readouterr().err
    assert "switchboard: phrases.lists.evil" in err and "\x1b" not in err and "\u202e" not in err, err
