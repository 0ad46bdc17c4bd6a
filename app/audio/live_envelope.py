"""The last few seconds of a live call as min/max buckets and per-channel levels, for drawing."""

from __future__ import annotations

import math

import numpy as np

BUCKET_SECONDS = 0.02
WINDOW_SECONDS = 10.0
SILENCE_DB = -60.0


class LiveEnvelope:
    """A rolling window of min/max per 20 ms bucket (NaN where a gap was), fed from the socket
    reader and read by the UI timer on the same loop thread."""

    def __init__(self, channels: int, sample_rate: int, *, window_seconds: float = WINDOW_SECONDS):
        self.channels = channels
        self.sample_rate = sample_rate
        self.bucket_frames = max(1, round(BUCKET_SECONDS * sample_rate))
        self.size = max(1, round(window_seconds / BUCKET_SECONDS))
        self.mins = np.full((self.size, channels), np.nan, dtype=np.float32)
        self.maxs = np.full((self.size, channels), np.nan, dtype=np.float32)
        self.buckets_seen = 0  # total buckets ever added, gaps included: the time axis
        self.gaps: list[float] = []  # seconds (on the envelope's clock) where audio went missing
        self.levels_db = np.full(channels, SILENCE_DB, dtype=np.float32)
        self._pending = np.empty((0, channels), dtype=np.int16)

    @property
    def seconds(self) -> float:
        return self.buckets_seen * self.bucket_frames / self.sample_rate

    def add(self, frames: np.ndarray) -> None:
        """Take (n, channels) int16 frames; whole buckets go into the window, the rest waits."""
        if frames.shape[0] == 0:
            return
        peak = np.abs(frames.astype(np.int32)).max(axis=0)
        self.levels_db = np.maximum(20 * np.log10(np.maximum(peak, 1) / 32768.0), SILENCE_DB).astype(np.float32)
        data = np.concatenate([self._pending, frames]) if self._pending.size else frames
        whole = data.shape[0] // self.bucket_frames
        if whole:
            shaped = data[: whole * self.bucket_frames].reshape(whole, self.bucket_frames, self.channels)
            self._push(shaped.min(axis=1) / 32768.0, shaped.max(axis=1) / 32768.0)
        self._pending = data[whole * self.bucket_frames :].copy()

    def add_gap(self, seconds: float) -> None:
        """Audio was missing for about `seconds` (reconnecting): blank buckets and a marker."""
        self.gaps.append(self.seconds)
        count = min(self.size, max(1, math.ceil(seconds / BUCKET_SECONDS)))
        blank = np.full((count, self.channels), np.nan, dtype=np.float32)
        self._push(blank, blank)
        self._pending = self._pending[:0]
        self.levels_db[:] = SILENCE_DB

    def window(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(times in seconds, mins, maxs) oldest first, the newest bucket at `seconds`."""
        count = min(self.buckets_seen, self.size)
        start = self.buckets_seen - count
        idx = np.arange(start, self.buckets_seen) % self.size
        times = np.arange(start, self.buckets_seen, dtype=np.float64) * (self.bucket_frames / self.sample_rate)
        return times, self.mins[idx], self.maxs[idx]

    def _push(self, mins: np.ndarray, maxs: np.ndarray) -> None:
        count = mins.shape[0]
        if count > self.size:
            self.buckets_seen += count - self.size
            mins, maxs, count = mins[-self.size :], maxs[-self.size :], self.size
        idx = np.arange(self.buckets_seen, self.buckets_seen + count) % self.size
        self.mins[idx] = mins
        self.maxs[idx] = maxs
        self.buckets_seen += count
