"""stretch_cpu_2x: the pitch-keeping stretch worker's CPU share of one core while playing at 2×.

The worker makes stretched blocks as the callback would consume them at 2× (one minute of a stereo
call recording, 16 kHz and 44.1 kHz); CPU time (`time.process_time`, this thread's work only, nothing
else runs) divided by the wall time those blocks last when played.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.audio.playback import PlaybackState, StretchFeed
from benchmarks.runner import WORK, Result, within_budget

NAME = "stretch_cpu_2x"
BUDGET_PERCENT = 15.0
SPEED = 2.0


@dataclass(frozen=True)
class Sizes:
    seconds: float  # of output audio per run
    runs: int


FULL = Sizes(seconds=60.0, runs=3)
SMOKE = Sizes(seconds=2.0, runs=1)


def call_like(seconds: float, rate: int) -> np.ndarray:
    """Voiced bursts with harmonics and noise on two channels, as int16 (frames, 2)."""
    rng = np.random.default_rng(7)
    t = np.arange(round(seconds * rate)) / rate
    voice = sum(np.sin(2 * np.pi * f * t) / (i + 1) for i, f in enumerate((140, 280, 420, 560)))
    gate = (np.sin(2 * np.pi * 0.4 * t) > 0).astype(np.float64)
    left, right = voice * gate, voice * (1 - gate)
    both = np.stack([left, right], axis=1) * 0.3 + rng.normal(0, 0.01, (t.size, 2))
    return (np.clip(both, -1, 1) * 32767).astype(np.int16)


def cpu_percent(samples: np.ndarray, rate: int, seconds: float) -> float:
    state = PlaybackState(samples, rate)
    state.playing, state.speed = True, SPEED
    feed = StretchFeed(state)
    made, wanted = 0, round(seconds * rate / feed.hop)
    began = time.process_time()
    while made < wanted:
        if not feed.fill_one():
            feed.read = feed.written  # the callback took them
            continue
        made += 1
    return 100 * (time.process_time() - began) / (made * feed.hop / rate)


def measure(sizes: Sizes = FULL, work: Path = WORK) -> list[Result]:
    rows = []
    for rate in (16000, 44100):
        samples = call_like(sizes.seconds * SPEED + 1, rate)
        share = statistics.median(cpu_percent(samples, rate, sizes.seconds) for _ in range(sizes.runs))
        rows.append(within_budget(f"{NAME}_{rate // 1000}k", "% of a core", share, BUDGET_PERCENT))
    return rows
