"""waveform_1h_stereo: a 1-hour stereo 16 kHz WAV on disk to a drawable peak envelope.

Ours: decode (mapped 16-bit WAV) + PeakPyramid + the whole-file envelope, timed inside a fresh child
process (benchmarks.peak_probe), which also reports the peak RSS of that work. Peer: the ffmpeg
command a reviewer would otherwise run, `showwavespic` rendering the same file to a PNG, timed end
to end. The RSS row is the child's peak resident memory while opening the recording above its
resident memory just before (imports excluded), against 1.3 x the PCM size.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

from benchmarks.runner import HERE, WORK, Result, median_seconds, within_budget

NAME = "waveform_1h_stereo"
RSS_NAME = "waveform_1h_stereo_peak_rss"
PEER = "ffmpeg -filter_complex showwavespic"
RATE, CHANNELS = 16000, 2
RSS_BUDGET_FACTOR = 1.3


@dataclass(frozen=True)
class Sizes:
    seconds: int
    runs: int
    peer_runs: int


FULL = Sizes(seconds=3600, runs=5, peer_runs=3)
SMOKE = Sizes(seconds=120, runs=1, peer_runs=1)


def recording(work: Path, seconds: int) -> Path:
    """The test recording, generated once: each side talks in turn over a little line noise."""
    path = work / f"call_{seconds}s_stereo_16k.wav"
    if path.exists() and soundfile.info(str(path)).frames == seconds * RATE:
        return path
    work.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    rng = np.random.default_rng(1)
    block = RATE * 60
    with soundfile.SoundFile(str(partial), "w", samplerate=RATE, channels=CHANNELS, subtype="PCM_16",
                             format="WAV") as f:
        for first in range(0, seconds * RATE, block):
            t = np.arange(first, min(first + block, seconds * RATE)) / RATE
            turn = np.sin(2 * np.pi * t / 7.0) > 0  # the customer, then the assistant, 3.5 s each
            voice = np.sin(2 * np.pi * 180 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t)) * 12000
            noise = rng.normal(0, 250, (t.size, CHANNELS))
            out = np.stack([np.where(turn, voice, 0), np.where(turn, 0, voice)], axis=1) + noise
            f.write(out.astype(np.int16))
    with partial.open("rb+") as f:
        os.fsync(f.fileno())  # written back before it is measured: dirty pages skew the first runs
    partial.replace(path)
    return path


def probe(wav: Path) -> dict[str, float]:
    """Run benchmarks.peak_probe in a fresh interpreter and read its one JSON line."""
    done = subprocess.run([sys.executable, "-m", "benchmarks.peak_probe", str(wav)], cwd=HERE.parent,
                          capture_output=True, text=True, check=False, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"{NAME}: the probe failed: {done.stderr.strip() or done.stdout.strip()}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def ffmpeg() -> str:
    found = shutil.which("ffmpeg")
    if found is None:
        raise RuntimeError(f"{NAME} needs ffmpeg as its peer: `make bench` installs it (BENCH_DEBS)")
    return found


def render_with_ffmpeg(wav: Path, png: Path) -> None:
    subprocess.run([ffmpeg(), "-v", "error", "-y", "-i", str(wav), "-filter_complex",
                    "showwavespic=s=1920x240:split_channels=1", "-frames:v", "1", str(png)],
                   check=True, timeout=300)


def measure(sizes: Sizes = FULL, work: Path = WORK) -> list[Result]:
    wav = recording(work, sizes.seconds)
    pcm_mib = sizes.seconds * RATE * CHANNELS * 2 / 1024**2
    probe(wav)  # warm-up: the file in the page cache, like ffmpeg's warm-up below
    runs = [probe(wav) for _ in range(sizes.runs)]
    ours = statistics.median(run["seconds"] for run in runs)
    rss_mib = statistics.median(run["peak_rss_kib"] for run in runs) / 1024
    png = work / "showwavespic.png"
    peer = median_seconds(lambda: render_with_ffmpeg(wav, png), runs=sizes.peer_runs)
    return [
        Result(NAME, "s", ours, peer, PEER),
        within_budget(RSS_NAME, "MiB peak RSS", rss_mib, RSS_BUDGET_FACTOR * pcm_mib),
    ]
