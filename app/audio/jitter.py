"""The jitter buffer between a live audio socket (writer) and the output callback (reader)."""

from __future__ import annotations

import threading

import numpy as np

TARGET_SECONDS = 0.06
CAPACITY_SECONDS = 0.5


class JitterBuffer:
    """Bounded ring of int16 frames. Reading waits until `target` frames are buffered, so network
    jitter up to ~60 ms plays smoothly; overflow drops the oldest audio (a listener wants now, not
    late); underrun plays silence and waits for the target again. The lock guards a few index
    updates and two small copies, never I/O."""

    def __init__(
        self,
        channels: int,
        sample_rate: int,
        *,
        target_seconds: float = TARGET_SECONDS,
        capacity_seconds: float = CAPACITY_SECONDS,
    ):
        self.channels = channels
        self.sample_rate = sample_rate
        self.target = max(1, round(target_seconds * sample_rate))
        self.capacity = max(self.target * 2, round(capacity_seconds * sample_rate))
        self._ring = np.zeros((self.capacity, channels), dtype=np.int16)
        self._read = 0  # total frames ever read (or dropped); the ring index is this mod capacity
        self._written = 0  # total frames ever written
        self._primed = False
        self._lock = threading.Lock()
        self.dropped_frames = 0
        self.underruns = 0

    @property
    def buffered(self) -> int:
        return self._written - self._read

    def write(self, frames: np.ndarray) -> None:
        """Append (n, channels) int16 frames, dropping the oldest if they would not fit."""
        if frames.shape[0] > self.capacity:
            self.dropped_frames += frames.shape[0] - self.capacity
            frames = frames[-self.capacity :]
        n = frames.shape[0]
        with self._lock:
            overflow = self.buffered + n - self.capacity
            if overflow > 0:
                self._read += overflow
                self.dropped_frames += overflow
            self._copy_in(frames, self._written % self.capacity)
            self._written += n
            if self.buffered >= self.target:
                self._primed = True

    def read_into(self, out: np.ndarray) -> int:
        """Fill `out` (n, channels) int16; returns how many frames were real audio, the rest is silence."""
        n = out.shape[0]
        with self._lock:
            if not self._primed:
                out.fill(0)
                return 0
            take = min(n, self.buffered)
            self._copy_out(out[:take], self._read % self.capacity)
            self._read += take
            if take < n:
                self.underruns += 1
                self._primed = False
        out[take:] = 0
        return take

    def clear(self) -> None:
        with self._lock:
            self._read = self._written
            self._primed = False

    def _copy_in(self, frames: np.ndarray, at: int) -> None:
        first = min(frames.shape[0], self.capacity - at)
        self._ring[at : at + first] = frames[:first]
        self._ring[: frames.shape[0] - first] = frames[first:]

    def _copy_out(self, out: np.ndarray, at: int) -> None:
        first = min(out.shape[0], self.capacity - at)
        out[:first] = self._ring[at : at + first]
        out[first:] = self._ring[: out.shape[0] - first]
