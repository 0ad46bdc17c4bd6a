"""Running the real `switchboard` CLI against the hostile platforms: in process, or as a child process."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from app.__main__ import main

ROOT = Path(__file__).resolve().parents[2]


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
