"""ui_live_1000: the console window following 1 000 live calls — Qt event-loop stalls and CPU.

A sandbox process (`switchboard sandbox --live 1000 --history 0`) keeps 1 000 calls in progress on
each platform, each changing every second or so (status, new turns); the console opens its Vapi
account (`switchboard --provider vapi --base-url …`, offscreen, in its own process) and polls it as
it always does, with the alert rules on (as always) and the wall of live calls open. Once all are
listed and a warm-up has passed, a 5 ms heartbeat QTimer measures how late the
event loop runs (p99 and max stall) and the console's CPU, over back-to-back windows; each figure
is the median over the windows.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.console_run import console_events, fresh_home
from benchmarks.runner import HERE, WORK, Result, within_budget

NAME = "ui_live_1000"
P99_BUDGET_MS = 16.0  # one frame at 60 Hz
MAX_BUDGET_MS = 50.0
CPU_BUDGET_PERCENT = 50.0  # of one core: half a laptop core for 1 000 calls at once
KEY = "benchmark-key"


@dataclass(frozen=True)
class Sizes:
    live_calls: int
    warmup_seconds: float
    window_seconds: float
    windows: int


FULL = Sizes(live_calls=1000, warmup_seconds=4.0, window_seconds=10.0, windows=3)
SMOKE = Sizes(live_calls=20, warmup_seconds=0.5, window_seconds=1.0, windows=2)


class SandboxProcess:
    """`switchboard sandbox` on a free port, for as long as the `with` block runs."""

    def __init__(self, live_calls: int) -> None:
        self.args = [sys.executable, "-m", "app", "sandbox", "--port", "0", "--live", str(live_calls),
                     "--history", "0", "--seed", "8"]
        self.process: subprocess.Popen[str] | None = None

    def __enter__(self) -> str:
        """Starts the sandbox; returns its Vapi base URL."""
        self.process = subprocess.Popen(self.args, cwd=HERE.parent, env={**os.environ, "SWITCHBOARD_API_KEY": KEY},
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert self.process.stdout is not None
        deadline = time.monotonic() + 60
        seen = []
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            seen.append(line.strip())
            found = re.match(r"Vapi\s+(http\S+)", line)
            if found:
                return found.group(1)
        self.__exit__()
        raise RuntimeError(f"{NAME}: the sandbox did not start: {' / '.join(seen[-5:])}")

    def __exit__(self, *_: object) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None


def measure(sizes: Sizes = FULL, work: Path = WORK) -> list[Result]:
    with SandboxProcess(sizes.live_calls) as vapi_url:
        env = {**fresh_home(work / "ui_live_home"), "SWITCHBOARD_API_KEY": KEY}
        probe = ["live", str(sizes.warmup_seconds), str(sizes.window_seconds), str(sizes.windows), str(sizes.live_calls)]
        _, events = console_events(probe, ["--provider", "vapi", "--base-url", vapi_url], env)
    live = events.get("live")
    if live is None:
        raise RuntimeError(f"{NAME}: the console never listed {sizes.live_calls} live calls")
    return [
        within_budget(f"{NAME}_p99_stall", "ms", statistics.median(live["p99_ms"]), P99_BUDGET_MS),
        within_budget(f"{NAME}_max_stall", "ms", statistics.median(live["max_ms"]), MAX_BUDGET_MS),
        within_budget(f"{NAME}_cpu", "% of one core", statistics.median(live["cpu_percent"]), CPU_BUDGET_PERCENT),
    ]
