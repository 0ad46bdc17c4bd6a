"""startup: `switchboard --demo` from process start to the window showing calls, and its resident memory
once the History dock lists 10 000 cached calls (a history file of the sandbox's calls, copied into a
fresh home for every run). Offscreen, in a child process: benchmarks.window_probe.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

from benchmarks.console_run import console_events, fresh_home
from benchmarks.history import cached_history
from benchmarks.runner import WORK, Result, within_budget

NAME = "startup"
SECONDS_BUDGET = 1.5
RSS_BUDGET_MIB = 250.0


@dataclass(frozen=True)
class Sizes:
    cached_calls: int
    runs: int


FULL = Sizes(cached_calls=10_000, runs=3)
SMOKE = Sizes(cached_calls=300, runs=1)


def start_once(work: Path, history: Path, cached_calls: int) -> tuple[float, float]:
    """Seconds to the first calls on screen, and MiB resident once the cached calls are listed."""
    env = fresh_home(work / "startup_home", history)
    started, events = console_events(["startup", str(cached_calls)], ["--demo"], env)
    if "calls_shown" not in events or "cached_listed" not in events:
        raise RuntimeError(f"{NAME}: the window never listed its calls ({', '.join(events)})")
    return events["calls_shown"]["monotonic"] - started, events["cached_listed"]["rss_mib"]


def measure(sizes: Sizes = FULL, work: Path = WORK) -> list[Result]:
    history = cached_history(work, sizes.cached_calls)
    start_once(work, history.database, sizes.cached_calls)  # warm-up: Qt, fonts and the file in the page cache
    runs = [start_once(work, history.database, sizes.cached_calls) for _ in range(sizes.runs)]
    return [
        within_budget(f"{NAME}_to_calls_shown", "s", statistics.median(r[0] for r in runs), SECONDS_BUDGET),
        within_budget(f"{NAME}_rss_cached_calls_listed", "MiB", statistics.median(r[1] for r in runs),
                      RSS_BUDGET_MIB),
    ]
