"""What every benchmark shares: warm-up + median timing, the result row, results.json and the table."""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"  # generated inputs (WAV, caches, transcripts); gitignored
RESULTS = HERE / "results.json"
BUDGET = "budget"


@dataclass(frozen=True)
class Result:
    """One row: our figure next to the peer's (or the budget's) in the same unit; lower is better."""

    name: str
    unit: str
    ours: float
    peer: float
    peer_name: str

    @property
    def ratio(self) -> float:
        return self.ours / self.peer if self.peer else float("inf")

    def as_json(self) -> dict[str, object]:
        return {"name": self.name, "unit": self.unit, "ours": _significant(self.ours), "peer": _significant(self.peer),
                "peer_name": self.peer_name, "ratio": _significant(self.ratio)}


def _significant(value: float) -> float:
    return float(f"{value:.4g}")


def within_budget(name: str, unit: str, ours: float, budget: float) -> Result:
    """A row with no peer: the budget stands in its place."""
    return Result(name, unit, ours, budget, BUDGET)


def stopwatch(action: Callable[[], object]) -> float:
    """Seconds one call of `action` took."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def median_seconds(action: Callable[[], object], *, runs: int, warmups: int = 1) -> float:
    """Median wall time of `runs` calls after `warmups` untimed ones (caches, imports, connections)."""
    for _ in range(warmups):
        action()
    return statistics.median(stopwatch(action) for _ in range(runs))


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile: the value `fraction` of the samples are at or below."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no samples")
    rank = min(len(ordered), max(1, math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]


def write_results(results: Iterable[Result], path: Path = RESULTS) -> None:
    path.write_text(json.dumps([r.as_json() for r in results], indent=2) + "\n")


def table(results: Sequence[Result]) -> str:
    """A Markdown table: pasteable into the README as printed."""
    header = "| benchmark | unit | ours | peer | peer is | ours / peer |"
    lines = [header, "|---|---|---:|---:|---|---:|"]
    for r in results:
        lines.append(f"| {r.name} | {r.unit} | {_figure(r.ours)} | {_figure(r.peer)} | {r.peer_name} | {r.ratio:.3f} |")
    return "\n".join(lines)


def _figure(value: float) -> str:
    return f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"


def machine() -> str:
    """Cores, CPU model and RAM of the machine the figures come from."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return f"{os.cpu_count()} cores (nproc {len(os.sched_getaffinity(0))}), {cpu}, {ram_gib:.1f} GiB RAM, Python {platform.python_version()}"
