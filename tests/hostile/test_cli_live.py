"""`switchboard listen` and `switchboard watch` against a hostile platform: a hung platform ends at --timeout."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.fixtures.hostile_platform import PUBLIC_KEY
from tests.hostile.cli import switchboard
from tests.hostile.server import answer, silent
from tests.hostile.test_cli_control import live_vapi


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
