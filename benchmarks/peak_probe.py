"""Child process for waveform_1h_stereo: time one recording to a drawable envelope, and its memory.

`python -m benchmarks.peak_probe FILE` prints {"seconds", "peak_rss_kib"}: the wall time of decode +
pyramid + envelope, and the peak resident memory during that work above the resident memory just
before it (the kernel's high-water mark is reset first through /proc/self/clear_refs).
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

from app.audio.decode import decode_file
from app.audio.peaks import PeakPyramid

SCREEN_PIXELS = 1920  # the whole recording across a wide window
STATUS = Path("/proc/self/status")


def envelope_of(path: str) -> int:
    """Decode, build the pyramid and draw the whole file: what opening a recording costs."""
    audio = decode_file(path)
    pyramid = PeakPyramid.from_samples(audio.samples, audio.sample_rate)
    points = 0
    for channel in range(pyramid.channels):
        times, _, _ = pyramid.envelope(channel, 0.0, pyramid.duration, SCREEN_PIXELS)
        points += times.size
    return points


def memory_kib(field: str) -> int:
    """VmRSS (now) or VmHWM (peak since the last reset), in KiB."""
    found = re.search(rf"^{field}:\s+(\d+) kB", STATUS.read_text(), re.MULTILINE)
    if found is None:
        raise RuntimeError(f"{field} is missing from {STATUS}")
    return int(found.group(1))


def main(path: str) -> int:
    Path("/proc/self/clear_refs").write_text("5")  # 5: reset the peak RSS to the current RSS
    before = memory_kib("VmRSS")
    start = time.perf_counter()
    points = envelope_of(path)
    seconds = time.perf_counter() - start
    peak = memory_kib("VmHWM") - before
    print(json.dumps({"seconds": seconds, "peak_rss_kib": peak, "points": points}))
    return 0 if points else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
