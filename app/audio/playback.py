"""Recording playback through a sounddevice OutputStream.

The PortAudio callback runs `render`, a pure function over preallocated numpy buffers: it copies
samples, applies per-channel gains and advances the position. No allocation of sample buffers, no
locks, no Qt, no logging. The UI thread only writes plain attributes (atomic under the GIL) and
reads the frame counter from a timer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from app.audio.decode import DecodedAudio
from app.audio.device import AudioUnavailable, open_output_stream

__all__ = ["AudioUnavailable", "PlaybackEngine", "PlaybackState", "RenderScratch", "channel_gains", "render"]

MIN_SPEED, MAX_SPEED = 0.5, 2.0
SCRATCH_FRAMES = 1 << 13  # larger callback blocks are rendered in pieces of this size
INT16_SCALE = 1.0 / 32768.0


def channel_gains(volume: float, muted: Sequence[bool], soloed: Sequence[bool]) -> np.ndarray:
    """Per-channel multipliers from int16 to float: soloed channels alone if any, never a muted one."""
    any_solo = any(soloed)
    audible = [not m and (s or not any_solo) for m, s in zip(muted, soloed, strict=True)]
    return np.array([volume * INT16_SCALE if a else 0.0 for a in audible], dtype=np.float32)


class PlaybackState:
    """What the UI asks for and where the callback is. Written from two threads without locks:
    each field has one writer, and a seek is a (serial, frame) tuple swapped in one assignment."""

    def __init__(self, samples: np.ndarray, sample_rate: int):
        self.samples = samples
        self.sample_rate = sample_rate
        self.position = 0.0  # source frames; fractional when speed != 1
        self.frame = 0  # the integer counter the UI polls
        self.playing = False
        self.speed = 1.0
        self.gains = channel_gains(1.0, [False] * self.channels, [False] * self.channels)
        self.seek_request: tuple[int, int] = (0, 0)  # (serial, frame), written by the UI
        self.seek_applied = 0  # serial last applied, written by the callback

    @property
    def channels(self) -> int:
        return int(self.samples.shape[1])

    @property
    def frames(self) -> int:
        return int(self.samples.shape[0])

    @property
    def at_end(self) -> bool:
        """Derived, not stored: the callback's position is the one place it is written."""
        return self.position >= self.frames

    def request_seek(self, frame: int) -> None:
        serial = self.seek_request[0] + 1
        self.seek_request = (serial, max(0, min(int(frame), self.frames)))


class RenderScratch:
    """Everything `render` writes besides the output, allocated once before the stream starts."""

    def __init__(self, channels: int, dtype: np.dtype, capacity: int = SCRATCH_FRAMES):
        self.capacity = capacity
        self.ramp = np.arange(capacity, dtype=np.float64)
        self.steps = np.empty(capacity, dtype=np.float64)
        self.indices = np.empty(capacity, dtype=np.intp)
        self.picked = np.empty((capacity, channels), dtype=dtype)


def render(out: np.ndarray, state: PlaybackState, scratch: RenderScratch) -> None:
    """Fill `out` (frames, channels) float32 with what plays next. Past the end, or paused, is
    silence; speed steps through the source by a precomputed ramp (nearest sample, pitch follows)."""
    apply_seek(state)
    start = 0
    while start < out.shape[0]:
        stop = min(out.shape[0], start + scratch.capacity)
        _render_piece(out[start:stop], state, scratch)
        start = stop


def apply_seek(state: PlaybackState) -> None:
    """Move to the latest requested frame, once per request."""
    serial, target = state.seek_request
    if serial != state.seek_applied:
        state.seek_applied = serial
        state.position = float(target)
        state.frame = target


def _render_piece(out: np.ndarray, state: PlaybackState, scratch: RenderScratch) -> None:
    if not state.playing:
        out.fill(0)
        return
    n, total, pos, speed = out.shape[0], state.frames, state.position, state.speed
    valid = max(0, min(n, math.ceil((total - pos) / speed)))
    if valid:
        steps, indices, picked = scratch.steps[:valid], scratch.indices[:valid], scratch.picked[:valid]
        np.multiply(scratch.ramp[:valid], speed, out=steps)
        np.add(steps, pos, out=steps)
        np.copyto(indices, steps, casting="unsafe")  # truncation is floor: positions are >= 0
        state.samples.take(indices, axis=0, out=picked, mode="clip")
        out[:valid] = picked
        gains = state.gains
        for channel in range(out.shape[1]):
            # one scalar multiply per column: a broadcast multiply would allocate a block-sized buffer
            column = out[:valid, channel]
            np.multiply(column, gains[channel], out=column)
    out[valid:] = 0
    state.position = min(float(total), pos + n * speed)
    state.frame = int(state.position)
    if state.position >= total:
        state.playing = False  # the end: the callback stops asking for blocks


class PlaybackEngine:
    """One recording on one output stream. Build it off the audio thread; call from the UI thread."""

    def __init__(self, audio: DecodedAudio):
        self.audio = audio
        self.state = PlaybackState(audio.samples, audio.sample_rate)
        self._scratch = RenderScratch(audio.channels, audio.samples.dtype)
        self._volume = 1.0
        self._muted = [False] * audio.channels
        self._soloed = [False] * audio.channels
        self._stream, self._sd = open_output_stream(
            audio.sample_rate, audio.channels, "float32", self._callback
        )

    def _callback(self, outdata: np.ndarray, frames: int, time: Any, status: Any) -> None:
        render(outdata, self.state, self._scratch)
        if not self.state.playing:
            raise self._sd.CallbackStop  # paused or finished: stop asking PortAudio for blocks

    @property
    def duration(self) -> float:
        return self.audio.duration

    @property
    def is_playing(self) -> bool:
        return self.state.playing

    @property
    def at_end(self) -> bool:
        return self.state.at_end

    @property
    def latency(self) -> float:
        return float(self._stream.latency)

    def position(self) -> float:
        """Seconds being heard now: the callback's counter minus what is still in the device buffer."""
        serial, target = self.state.seek_request
        if serial != self.state.seek_applied:
            return min(self.duration, target / self.audio.sample_rate)  # a seek not yet rendered
        seconds = self.state.frame / self.audio.sample_rate
        if self.state.playing:
            seconds -= self.latency * self.state.speed
        return max(0.0, min(self.duration, seconds))

    def play(self) -> None:
        if self.state.at_end:
            self.seek(0.0)
        self.state.playing = True
        self.keep_running()

    def keep_running(self) -> None:
        """Restart the stream if it stopped while we want sound (a pause raced a resume)."""
        if self.state.playing and not self._stream.active:
            self._stream.stop()  # joins the finished callback thread; returns at once
            self._stream.start()

    def pause(self) -> None:
        heard = self.position()
        self.state.playing = False
        self.seek(heard)  # resume where the listener was, not where the buffer was

    def toggle(self) -> None:
        if self.state.playing:
            self.pause()
        else:
            self.play()

    def seek(self, seconds: float) -> None:
        frame = round(max(0.0, seconds) * self.audio.sample_rate)
        self.state.request_seek(frame)
        if not self._stream.active:
            apply_seek(self.state)  # no callback is running to apply it

    def set_speed(self, speed: float) -> float:
        self.state.speed = min(MAX_SPEED, max(MIN_SPEED, float(speed)))
        return self.state.speed

    def set_volume(self, volume: float) -> None:
        self._volume = min(1.0, max(0.0, float(volume)))
        self._apply_gains()

    def set_muted(self, channel: int, muted: bool) -> None:
        self._muted[channel] = muted
        self._apply_gains()

    def set_soloed(self, channel: int, soloed: bool) -> None:
        self._soloed[channel] = soloed
        self._apply_gains()

    def _apply_gains(self) -> None:
        self.state.gains = channel_gains(self._volume, self._muted, self._soloed)

    def close(self) -> None:
        self.state.playing = False
        try:
            self._stream.abort()
        finally:
            self._stream.close()
