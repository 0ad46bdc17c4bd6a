"""Recording playback through a sounddevice OutputStream.

The PortAudio callback runs `render`, a pure function over preallocated numpy buffers: it copies
samples, applies per-channel gains and advances the position. No allocation of sample buffers, no
locks, no Qt, no logging. The UI thread only writes plain attributes (atomic under the GIL) and
reads the frame counter from a timer.

At any speed but 1× the samples come from a `StretchFeed`: a worker thread time-stretches ahead
(WSOLA, so the pitch stays) into a ring of preallocated blocks, and the callback only copies them.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from app.audio.decode import DecodedAudio
from app.audio.device import AudioUnavailable, open_output_stream
from app.audio.stretch import Wsola

__all__ = ["AudioUnavailable", "PlaybackEngine", "PlaybackState", "StretchFeed", "channel_gains", "render"]

MIN_SPEED, MAX_SPEED = 0.5, 2.0
INT16_SCALE = 1.0 / 32768.0
AHEAD_SECONDS = 0.25  # how far the stretch worker runs ahead of the callback
IDLE_WAIT = 0.005  # the worker's nap when there is nothing to do


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


class StretchFeed:
    """Stretched blocks made ahead by a worker, handed to the callback through a lock-free ring.

    One writer per field: the worker fills slots and advances `written`; the callback advances
    `read`/`offset`. Each slot is stamped with the seek serial and speed it was made for, so the
    callback drops blocks made before a seek or a speed change without waiting for the worker.
    """

    def __init__(self, state: PlaybackState):
        self.state = state
        self.wsola = Wsola(state.samples, state.sample_rate, 1.0)
        self.hop = self.wsola.hop
        self.slots = max(4, math.ceil(AHEAD_SECONDS * state.sample_rate / self.hop))
        self.data = np.zeros((self.slots, self.hop, state.channels), np.float32)
        self.source = np.zeros(self.slots, np.float64)  # source frame at each slot's first sample
        self.serial = np.zeros(self.slots, np.int64)
        self.speed = np.ones(self.slots, np.float64)
        self.written = 0  # worker
        self.read = 0  # callback
        self.offset = 0  # callback: frames of slot `read` already played
        self._made_for = (state.seek_request[0], 1.0)  # worker: what the stretcher was last reset for
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="playback-stretch", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def exhausted(self) -> bool:
        """The worker has made every block there is for the current seek and speed."""
        return self._made_for == self.wanted() and self.wsola.done

    def wanted(self) -> tuple[int, float]:
        return self.state.seek_request[0], self.state.speed

    def _run(self) -> None:
        while not self._stop.is_set():
            if not self.fill_one():
                # Stretching: look again soon, as the callback drains the ring (it never signals: no
                # lock in the audio thread). At 1× or paused: sleep until play, a seek, a speed or stop.
                stretching = self.state.playing and self.state.speed != 1.0
                self._wake.wait(IDLE_WAIT if stretching else None)
                self._wake.clear()

    def fill_one(self) -> bool:
        """Make the next block if one is wanted and there is room; True when one was made."""
        state = self.state
        wanted = self.wanted()
        if wanted != self._made_for:
            # a seek restarts at its target; a speed change at wherever the callback has got to
            start = state.seek_request[1] if wanted[0] != self._made_for[0] else int(state.position)
            self.wsola.speed = wanted[1]
            self.wsola.reset(start)
            self._made_for = wanted
        if wanted[1] == 1.0 or not state.playing or self.wsola.done or self.written - self.read >= self.slots:
            return False
        slot = self.written % self.slots
        self.source[slot] = self.wsola.source_position()
        self.data[slot] = self.wsola.next_hop()
        self.serial[slot], self.speed[slot] = wanted
        self.written += 1
        return True


def render(out: np.ndarray, state: PlaybackState, feed: StretchFeed) -> None:
    """Fill `out` (frames, channels) float32 with what plays next. Past the end, or paused, is
    silence. At 1× it copies the source; at other speeds the feed's stretched blocks (int16 units)."""
    apply_seek(state)
    if not state.playing:
        out.fill(0)
        return
    if state.speed == 1.0:
        _render_direct(out, state)
    else:
        _render_stretched(out, state, feed)
    gains = state.gains
    for channel in range(out.shape[1]):
        # one scalar multiply per column: a broadcast multiply would allocate a block-sized buffer
        column = out[:, channel]
        np.multiply(column, gains[channel], out=column)
    state.frame = int(state.position)


def apply_seek(state: PlaybackState) -> None:
    """Move to the latest requested frame, once per request."""
    serial, target = state.seek_request
    if serial != state.seek_applied:
        state.seek_applied = serial
        state.position = float(target)
        state.frame = target


def _render_direct(out: np.ndarray, state: PlaybackState) -> None:
    n, total, pos = out.shape[0], state.frames, int(state.position)
    valid = max(0, min(n, total - pos))
    if valid:
        out[:valid] = state.samples[pos : pos + valid]  # a plain cast copy: no temporary buffer
    out[valid:] = 0
    state.position = float(min(total, pos + n))
    if state.position >= total:
        state.playing = False  # the end: the callback stops asking for blocks


def _render_stretched(out: np.ndarray, state: PlaybackState, feed: StretchFeed) -> None:
    n, filled = out.shape[0], 0
    serial, speed = state.seek_applied, state.speed
    while filled < n:
        if feed.read == feed.written:
            out[filled:] = 0  # the worker is behind (or done): silence rather than a stall
            if feed.exhausted():
                state.position = float(state.frames)
                state.playing = False
            break
        slot = feed.read % feed.slots
        if feed.serial[slot] != serial or feed.speed[slot] != speed:
            feed.read, feed.offset = feed.read + 1, 0  # made before a seek or speed change
            continue
        take = min(n - filled, feed.hop - feed.offset)
        out[filled : filled + take] = feed.data[slot, feed.offset : feed.offset + take]
        feed.offset += take
        filled += take
        state.position = min(float(state.frames), feed.source[slot] + feed.offset * speed)
        if feed.offset == feed.hop:
            feed.read, feed.offset = feed.read + 1, 0


class PlaybackEngine:
    """One recording on one output stream. Build it off the audio thread; call from the UI thread."""

    def __init__(self, audio: DecodedAudio):
        self.audio = audio
        self.state = PlaybackState(audio.samples, audio.sample_rate)
        self._feed = StretchFeed(self.state)
        self._volume = 1.0
        self._muted = [False] * audio.channels
        self._soloed = [False] * audio.channels
        self._stream, self._sd = open_output_stream(
            audio.sample_rate, audio.channels, "float32", self._callback
        )
        self._feed.start()

    def _callback(self, outdata: np.ndarray, frames: int, time: Any, status: Any) -> None:
        render(outdata, self.state, self._feed)
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
        self._feed.wake()
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
        self._feed.wake()
        if not self._stream.active:
            apply_seek(self.state)  # no callback is running to apply it

    def set_speed(self, speed: float) -> float:
        self.state.speed = min(MAX_SPEED, max(MIN_SPEED, float(speed)))
        self._feed.wake()
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
        self._feed.stop()
        try:
            self._stream.abort()
        finally:
            self._stream.close()
