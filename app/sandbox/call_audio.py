"""A call's two audio channels as clips placed on a timeline; streams and recordings both render from it."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from app.sandbox.speech import SAMPLE_RATE

CHANNEL = {"customer": 0, "assistant": 1}  # stereo: customer left, assistant right


@dataclass
class MuteSpan:
    """Samples [start, end) during which a side was muted; `end` is None while it still is."""

    start: int
    end: int | None = None


@dataclass
class CallAudio:
    """Clips by side and start sample, and the sample ranges during which a side was muted."""

    clips: list[tuple[int, int, np.ndarray]] = field(default_factory=list)  # (channel, start, samples)
    mutes: dict[int, list[MuteSpan]] = field(default_factory=lambda: {0: [], 1: []})

    def place(self, side: str, at_seconds: float, clip: np.ndarray) -> None:
        self.clips.append((CHANNEL[side], int(round(at_seconds * SAMPLE_RATE)), clip))

    def busy_until(self, side: str) -> float:
        """When the side's last placed clip finishes, in seconds from the call start."""
        ends = [start + len(clip) for ch, start, clip in self.clips if ch == CHANNEL[side]]
        return max(ends, default=0) / SAMPLE_RATE

    def cut(self, side: str, at_seconds: float) -> None:
        """Silence the rest of whatever the side is saying at `at_seconds` (an interrupted line)."""
        at = int(round(at_seconds * SAMPLE_RATE))
        self.clips = [(ch, start, clip[: at - start] if ch == CHANNEL[side] and start < at < start + len(clip) else clip)
                      for ch, start, clip in self.clips]

    def set_muted(self, side: str, muted: bool, at_seconds: float) -> None:
        spans = self.mutes[CHANNEL[side]]
        at = int(round(at_seconds * SAMPLE_RATE))
        open_span = bool(spans) and spans[-1].end is None
        if muted and not open_span:
            spans.append(MuteSpan(at))
        elif not muted and open_span:
            spans[-1].end = at

    def render(self, start: int, count: int) -> np.ndarray:
        """Samples [start, start+count) as (count, 2) int16: what a listener hears, mutes applied."""
        mix = np.zeros((count, 2), dtype=np.int32)
        end = start + count
        for channel, at, clip in self.clips:
            lo, hi = max(start, at), min(end, at + len(clip))
            if lo < hi:
                mix[lo - start : hi - start, channel] += clip[lo - at : hi - at]
        for channel, spans in self.mutes.items():
            for span in spans:
                lo, hi = max(start, span.start), min(end, span.end if span.end is not None else end)
                if lo < hi:
                    mix[lo - start : hi - start, channel] = 0
        return np.clip(mix, -32768, 32767).astype(np.int16)
