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


# A child forked from this (large) test process keeps the test process's peak as its own: the kernel
# carries the high-water mark across exec. A small launcher forks the CLI instead and reports its peak.
LAUNCHER = """
import os, sys
report, argv = int(sys.argv[1]), sys.argv[2:]
pid = os.fork()
if pid == 0:
    os.close(report)
    os.execv(sys.executable, [sys.executable, "-m", "app", *argv])
_, status, usage = os.wait4(pid, 0)
os.write(report, str(usage.ru_maxrss).encode())
sys.exit(os.waitstatus_to_exitcode(status))
"""


def switchboard_process(*argv: str) -> Finished:
    """`python -m app ...` as a grandchild process (the environment, keys included, is inherited)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    peak_read, peak_write = os.pipe()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err, os.fdopen(peak_read) as peak:
        try:
            child = subprocess.Popen([sys.executable, "-c", LAUNCHER, str(peak_write), *argv], stdout=out, stderr=err,
                                     env=env, cwd=ROOT, pass_fds=(peak_write,))
        finally:
            os.close(peak_write)
        returncode = child.wait()
        peak_kib = int(peak.read() or 0)
        out.seek(0)
        err.seek(0)
        return Finished(returncode, out.read(), err.read(), peak_kib)
