"""Two hostile platform servers (two origins) shared by a module, reset for every test."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.__main__ import main
from tests.hostile.server import HostileServer

KEY = "sk-hostile-private-key"
PUBLIC_KEY = "pk-hostile-public-key"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[HostileServer, HostileServer]]:
    home, other = HostileServer().start(), HostileServer().start()
    yield home, other
    home.stop()
    other.stop()


@pytest.fixture
def home(servers: tuple[HostileServer, HostileServer]) -> HostileServer:
    servers[0].reset()
    return servers[0]


@pytest.fixture
def other(servers: tuple[HostileServer, HostileServer]) -> HostileServer:
    servers[1].reset()
    return servers[1]


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("SWITCHBOARD_API_KEY", KEY)
    monkeypatch.delenv("SWITCHBOARD_PUBLIC_KEY", raising=False)
    return KEY


def switchboard(*argv: str) -> int:
    """`switchboard ...` in this process, through the real entry point."""
    return main(list(argv))


def switchboard_process(*argv: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """`python -m app ...` as a child process (the environment, keys included, is inherited)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "app", *argv], capture_output=True, text=True, timeout=timeout,
                          env=env, cwd=ROOT)
