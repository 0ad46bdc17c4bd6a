"""Time-stretch that keeps pitch: WSOLA (waveform-similarity overlap-add).

Each output hop overlap-adds one Hann-windowed frame of the source. The frame is taken near
where the speed says (the analysis position advances `hop * speed` per output hop), shifted
within a small tolerance to where it best continues the previous frame's waveform, so periods
line up and no phase jumps are heard. The stream is continuous: cutting it into blocks of any
size gives the same samples, so block boundaries cannot click.

Pure numpy, no threads: `StretchFeed` (playback.py) runs it on a worker.
"""

from __future__ import annotations

import numpy as np

FRAME_SECONDS = 0.030  # long enough for two periods of a low voice, short enough not to smear syllables
SEARCH_RATE = 8000  # the similarity search runs on a mono mix decimated to about this rate


class Wsola:
    """Stretches `samples` (frames, channels) from `start` at `speed` (>1 is faster), hop by hop."""

    def __init__(self, samples: np.ndarray, sample_rate: int, speed: float, start: int = 0):
        self.samples = samples
        self.frame = max(64, 2 * round(FRAME_SECONDS * sample_rate / 2))
        self.hop = self.frame // 2
        self.tolerance = self.hop // 2
        self.step = max(1, sample_rate // SEARCH_RATE)
        # periodic Hann: two copies half a frame apart sum to exactly one, so a steady tone keeps its level
        self.window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(self.frame) / self.frame)).astype(np.float32)[:, None]
        self.speed = speed
        self.reset(start)

    @property
    def channels(self) -> int:
        return int(self.samples.shape[1])

    @property
    def frames(self) -> int:
        return int(self.samples.shape[0])

    @property
    def done(self) -> bool:
        """Every frame up to the end of the source has been overlap-added and emitted."""
        return self.position >= self.frames + self.hop

    def reset(self, start: int) -> None:
        """Start over at source frame `start` (a seek): the first hop fades in, as after silence."""
        self.position = float(max(0, min(start, self.frames)))  # nominal analysis position
        self.follow: int | None = None  # where the last frame's natural continuation starts
        self.tail = np.zeros((self.hop, self.channels), np.float32)  # second half of the last frame

    def source_position(self) -> float:
        """The source frame the next hop starts at, for the playback position the user sees."""
        return min(float(self.frames), self.position)

    def next_hop(self) -> np.ndarray:
        """The next `hop` output frames, float32 in the source's units."""
        nominal = round(self.position)
        start = nominal if self.follow is None else self._best_start(nominal, self.follow)
        piece = self._read(start, self.frame) * self.window
        out = self.tail + piece[: self.hop]
        self.tail = piece[self.hop :]
        self.follow = start + self.hop
        self.position += self.hop * self.speed
        return out

    def _read(self, start: int, count: int) -> np.ndarray:
        """Source frames [start, start + count) as float32, zero outside the recording."""
        out = np.zeros((count, self.channels), np.float32)
        lo, hi = max(0, start), min(self.frames, start + count)
        if hi > lo:
            out[lo - start : hi - start] = self.samples[lo:hi]
        return out

    def _mono(self, start: int, count: int) -> np.ndarray:
        return self._read(start, count)[:: self.step].mean(axis=1)

    def _best_start(self, nominal: int, follow: int) -> int:
        """The start within ±tolerance of `nominal` whose frame best matches the natural continuation."""
        template = self._mono(follow, self.frame)
        if not template.any():
            return nominal
        lo = nominal - self.tolerance
        region = self._mono(lo, self.frame + 2 * self.tolerance)
        scores = np.correlate(region, template, mode="valid")
        coarse = lo + int(np.argmax(scores)) * self.step
        if self.step == 1:
            return coarse
        # refine at full rate around the decimated best
        fine_lo = coarse - self.step
        template = self._read(follow, self.frame).mean(axis=1)
        region = self._read(fine_lo, self.frame + 2 * self.step).mean(axis=1)
        return fine_lo + int(np.argmax(np.correlate(region, template, mode="valid")))

