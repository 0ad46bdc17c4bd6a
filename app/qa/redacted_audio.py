"""A call's recording with the redacted moments replaced by a tone, where the turns have timings.

Times inside a turn are not known word by word, so a redacted stretch is placed in proportion to
its position in the turn's text and widened by a margin on each side.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile

from app.domain import Turn
from app.qa.redaction import find

TONE_HZ = 1000.0
TONE_LEVEL = 0.2
MARGIN_SECONDS = 0.3  # transcripts place words only roughly: hide a little around them


def redacted_moments(turns: tuple[Turn, ...], margin: float = MARGIN_SECONDS) -> list[tuple[float, float]]:
    """(start, end) seconds of every redacted stretch in turns that carry timings, merged."""
    moments = []
    for turn in turns:
        if turn.start is None or turn.end is None or turn.end <= turn.start or not turn.text:
            continue
        length, seconds = len(turn.text), turn.end - turn.start
        for span in find(turn.text):
            moments.append((max(0.0, turn.start + seconds * span.start / length - margin),
                            turn.start + seconds * span.end / length + margin))
    merged: list[tuple[float, float]] = []
    for start, end in sorted(moments):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def toned(samples: np.ndarray, rate: int, moments: list[tuple[float, float]]) -> np.ndarray:
    """A float copy of the audio (frames, or frames × channels) with each moment replaced by a tone."""
    out = np.array(samples, dtype=np.float32, copy=True)
    if np.issubdtype(np.asarray(samples).dtype, np.integer):
        out /= np.iinfo(np.asarray(samples).dtype).max
    for start, end in moments:
        first, last = int(start * rate), min(len(out), int(np.ceil(end * rate)))
        if last <= first:
            continue
        tone = TONE_LEVEL * np.sin(2 * np.pi * TONE_HZ * np.arange(first, last) / rate).astype(np.float32)
        out[first:last] = tone[:, None] if out.ndim == 2 else tone
    return out


def export_redacted_audio(samples: np.ndarray, rate: int, turns: tuple[Turn, ...], target: Path) -> int:
    """Write the (already decoded) recording as WAV with the redacted moments toned out; returns how many."""
    moments = redacted_moments(turns)
    soundfile.write(str(target), toned(samples, rate, moments), rate, format="WAV", subtype="PCM_16")
    return len(moments)
