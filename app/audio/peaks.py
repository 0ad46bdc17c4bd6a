"""Min/max peak pyramid: the waveform at every zoom, computed once so a redraw costs pixels, not samples."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

BASE_BUCKET = 16  # samples per bucket in the finest computed level
FACTOR = 4  # each coarser level merges this many buckets: at most 4 buckets per pixel are drawn
MIN_BUCKETS = 512  # stop when a level would be coarser than any screen needs
CHUNK_VALUES = 1 << 15  # int16 values per vectorised step: the scratch stays in the CPU cache
PARALLEL_FRAMES = 1 << 21  # below this, starting threads costs more than it saves


@dataclass(frozen=True)
class PeakLevel:
    """Per-bucket minimum and maximum, shape (buckets, channels), int16. Bucket i covers samples
    [i * samples_per_bucket, (i + 1) * samples_per_bucket); the last one may be shorter."""

    samples_per_bucket: int
    mins: np.ndarray
    maxs: np.ndarray

    @property
    def buckets(self) -> int:
        return int(self.mins.shape[0])

    def span(self, first_frame: int, last_frame: int) -> tuple[int, int]:
        """The bucket range [lo, hi) that covers frames [first_frame, last_frame)."""
        lo = max(0, first_frame // self.samples_per_bucket)
        hi = min(self.buckets, -(-max(last_frame, 0) // self.samples_per_bucket))
        return lo, max(lo, hi)


class PeakPyramid:
    """Level 0 is the samples themselves (a view, no copy); each further level is FACTOR times coarser."""

    def __init__(self, levels: tuple[PeakLevel, ...], sample_rate: int, frames: int, channels: int):
        self.levels = levels
        self.sample_rate = sample_rate
        self.frames = frames
        self.channels = channels

    @classmethod
    def from_samples(
        cls,
        samples: np.ndarray,
        sample_rate: int,
        *,
        base: int = BASE_BUCKET,
        factor: int = FACTOR,
        min_buckets: int = MIN_BUCKETS,
    ) -> PeakPyramid:
        """Build every level from (frames, channels) samples; coarser levels until one is small."""
        if samples.ndim == 1:
            samples = samples[:, None]
        frames, channels = samples.shape
        levels = [PeakLevel(1, samples, samples)]
        size = base
        while levels[-1].buckets > min_buckets:
            prev = levels[-1]
            mins, maxs = _reduce(prev.mins, prev.maxs, size)
            levels.append(PeakLevel(prev.samples_per_bucket * size, mins, maxs))
            size = factor
        return cls(tuple(levels), sample_rate, frames, channels)

    @property
    def duration(self) -> float:
        return self.frames / self.sample_rate if self.sample_rate else 0.0

    def level_for(self, samples_per_pixel: float) -> PeakLevel:
        """The coarsest level that still has at least one bucket per pixel."""
        chosen = self.levels[0]
        for level in self.levels[1:]:
            if level.samples_per_bucket > samples_per_pixel:
                break
            chosen = level
        return chosen

    def envelope(
        self, channel: int, start: float, end: float, pixels: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(times, mins, maxs) for seconds [start, end) drawn `pixels` wide: at most ~4 points a pixel."""
        rate = self.sample_rate
        first, last = max(0, int(start * rate)), min(self.frames, int(np.ceil(end * rate)))
        level = self.level_for(max(1.0, (last - first) / max(1, pixels)))
        lo, hi = level.span(first, last)
        times = (np.arange(lo, hi, dtype=np.float64) * level.samples_per_bucket) / rate
        return times, level.mins[lo:hi, channel], level.maxs[lo:hi, channel]


def _reduce(mins: np.ndarray, maxs: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Merge every `size` rows into one (min of mins, max of maxs), tail bucket included."""
    frames, channels = mins.shape
    full, buckets = frames // size, -(-frames // size)
    out_min = np.empty((buckets, channels), dtype=mins.dtype)
    out_max = np.empty((buckets, channels), dtype=maxs.dtype)
    if full * size >= PARALLEL_FRAMES:
        # numpy releases the GIL in its loops: two halves on two cores
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="peaks") as pool:
            halves = [(0, full // 2), (full // 2, full)]
            for job in [pool.submit(_reduce_range, mins, maxs, size, *h, out_min, out_max) for h in halves]:
                job.result()
    else:
        _reduce_range(mins, maxs, size, 0, full, out_min, out_max)
    if full < buckets:
        out_min[full] = mins[full * size :].min(axis=0)
        out_max[full] = maxs[full * size :].max(axis=0)
    return out_min, out_max


def _reduce_range(
    mins: np.ndarray, maxs: np.ndarray, size: int, first: int, last: int, out_min: np.ndarray, out_max: np.ndarray
) -> None:
    """Buckets [first, last): each chunk is transposed into a small scratch so the reduction runs
    along long contiguous rows (SIMD) instead of over 16 interleaved samples at a time."""
    channels = mins.shape[1]
    step = max(1, CHUNK_VALUES // (size * channels))
    scratch = np.empty((size * channels, step), dtype=mins.dtype)
    same = mins is maxs
    for b0 in range(first, last, step):
        b1 = min(last, b0 + step)
        rows, view = slice(b0 * size, b1 * size), scratch[:, : b1 - b0]
        np.copyto(view, mins[rows].reshape(b1 - b0, size * channels).T)
        np.minimum.reduce(view.reshape(size, channels, b1 - b0), axis=0, out=out_min[b0:b1].T)
        if not same:
            np.copyto(view, maxs[rows].reshape(b1 - b0, size * channels).T)
        np.maximum.reduce(view.reshape(size, channels, b1 - b0), axis=0, out=out_max[b0:b1].T)


def strokes(times: np.ndarray, mins: np.ndarray, maxs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One polyline drawing each bucket as a vertical stroke max -> min: filled at a distance, the wave up close."""
    x = np.repeat(times, 2)
    y = np.empty(x.size, dtype=np.float32)
    y[0::2] = maxs
    y[1::2] = mins
    return x, y
