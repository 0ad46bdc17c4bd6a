"""`switchboard listen` and `switchboard watch` against a hostile platform: a hung platform ends at --timeout."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.hostile.cli import switchboard
from tests.hostile.server import silent


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
