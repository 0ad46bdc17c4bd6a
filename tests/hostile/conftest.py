"""Two hostile platform servers (two origins) shared by a module, reset for every test."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Finished:
    """A finished `python -m app` child: its exit code, output, and its own peak memory."""

    returncode: int
    stdout: str
    stderr: str
    peak_kib: int  # the child's maximum resident set size, measured by the kernel


def switchboard_process(*argv: str) -> Finished:
    """`python -m app ...` as a child process (the environment, keys included, is inherited)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen([sys.executable, "-m", "app", *argv], stdout=out, stderr=err, env=env, cwd=ROOT)
        _, status, usage = os.wait4(child.pid, 0)  # wait4: this child's own rusage, not every child's
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Finished(child.returncode, out.read(), err.read(), usage.ru_maxrss)
