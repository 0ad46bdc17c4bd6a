"""listen_latency: from a sandbox listen frame's send time to that frame reaching the output callback.

The console's own CallListener (listen socket -> decoder -> live envelope -> 60 ms JitterBuffer ->
LiveOutput) hears a live sandbox call. The sandbox stamps each 20 ms frame as it sends it
(`SandboxState.on_listen_frame`); the output callback notes which stream samples it hands on and
when. The device is a paced stand-in for a sound card (ALSA's null device consumes as fast as it
can, which no card does): one LiveOutput callback per 10 ms block, on a monotonic schedule.
Percentiles are over every frame after a settling second; the figures are medians over sessions.
"""

from __future__ import annotations

import asyncio
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest import mock

import numpy as np

from app.audio import device
from app.domain import Provider
from app.live.listen import CallListener
from app.providers import make_client
from app.sandbox.embedded import EmbeddedSandbox
from app.sandbox.monitor import FRAME_SAMPLES
from benchmarks.runner import WORK, Result, percentile, within_budget

NAME = "listen_latency"
BUDGET_MS = 120.0  # p95, with the 60 ms jitter buffer
BLOCK_FRAMES = 160  # 10 ms per device callback, a usual sound-card period at 16 kHz
SCENARIO = "booking"  # long enough to listen to for several seconds


@dataclass(frozen=True)
class Sizes:
    sessions: int
    seconds: float  # measured, after the settling time
    settle_seconds: float


FULL = Sizes(sessions=3, seconds=5.0, settle_seconds=1.0)
SMOKE = Sizes(sessions=1, seconds=1.0, settle_seconds=0.5)


@dataclass
class FrameTimes:
    """Send times by frame number (sandbox thread) and output callbacks (device thread)."""

    call_id: str = ""
    sent: dict[int, float] = field(default_factory=dict)
    heard: list[tuple[float, int, int]] = field(default_factory=list)  # (time, first stream sample, real frames)

    def frame_sent(self, call_id: str, number: int) -> None:
        if call_id == self.call_id:
            self.sent[number] = time.monotonic()

    def latencies_ms(self, after: float) -> list[float]:
        """For each frame sent after `after`: the callback that handed on its first sample, minus its send time."""
        found = []
        for at, first, count in self.heard:
            for number in range(-(-first // FRAME_SAMPLES), (first + count - 1) // FRAME_SAMPLES + 1):
                sent = self.sent.get(number)
                if sent is not None and sent >= after:
                    found.append((at - sent) * 1000)
        return found


class PacedStream:
    """A sounddevice.OutputStream stand-in that calls back once per block in real time."""

    def __init__(self, times: FrameTimes, *, samplerate: float, channels: int, dtype: str,
                 callback: Callable[..., None], **_: Any) -> None:
        self._times = times
        self._rate = samplerate
        self._block = np.zeros((BLOCK_FRAMES, channels), dtype=dtype)
        self._callback = callback
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="paced-device", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        output = self._callback.__self__  # type: ignore[attr-defined]  # the LiveOutput being fed
        due = time.monotonic()
        while not self._stopped.is_set():
            before = output.played_frames + output.buffer.dropped_frames
            self._callback(self._block, BLOCK_FRAMES, None, None)
            self._times.heard.append((time.monotonic(), before, output.played_frames + output.buffer.dropped_frames - before))
            due += BLOCK_FRAMES / self._rate
            self._stopped.wait(max(0.0, due - time.monotonic()))

    def abort(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=2)

    def close(self) -> None:
        self.abort()


def paced_sounddevice(times: FrameTimes) -> SimpleNamespace:
    """Just enough of the sounddevice module for probe_output and open_output_stream."""
    return SimpleNamespace(
        default=SimpleNamespace(device=(None, 0)),
        query_devices=lambda *args: {"name": "paced benchmark device", "max_output_channels": 2},
        OutputStream=lambda **kwargs: PacedStream(times, **kwargs),
    )


async def listen_once(sandbox: EmbeddedSandbox, sizes: Sizes) -> list[float]:
    times = FrameTimes()
    client = make_client(Provider.VAPI, sandbox.base_url(Provider.VAPI), sandbox.api_key)
    try:
        times.call_id = sandbox.start_call(Provider.VAPI, SCENARIO)
        call = await client.get_call(times.call_id)
        source = client.listen_source(call)
        if source is None:
            raise RuntimeError(f"{NAME}: the sandbox call has no listen URL")
        sandbox.server.state.on_listen_frame = times.frame_sent
        with mock.patch.object(device, "load_sounddevice", lambda: (paced_sounddevice(times), "")):
            listener = CallListener(call, source, play_audio=True)
            listener.start()
            started = time.monotonic()
            await asyncio.sleep(sizes.settle_seconds + sizes.seconds)
            await listener.stop()
        if listener.audio_note:
            raise RuntimeError(f"{NAME}: no output: {listener.audio_note}")
    finally:
        sandbox.server.state.on_listen_frame = None
        await client.aclose()
    latencies = times.latencies_ms(started + sizes.settle_seconds)
    if not latencies:
        raise RuntimeError(f"{NAME}: no frame reached the output ({len(times.sent)} sent)")
    return latencies


def measure(sizes: Sizes = FULL, work: Path = WORK) -> list[Result]:
    p50, p95 = [], []
    # The sandbox announces the format (a start frame), as it did when the budget was set: without one the
    # first second is held to measure mono or stereo, which is a start-up wait, not the latency measured.
    with EmbeddedSandbox(live=0, history=0, seed=8, listen_start_frame=True) as sandbox:
        for _ in range(sizes.sessions):
            latencies = asyncio.run(listen_once(sandbox, sizes))
            p50.append(percentile(latencies, 0.50))
            p95.append(percentile(latencies, 0.95))
    return [
        within_budget(f"{NAME}_p50", "ms", statistics.median(p50), BUDGET_MS),
        within_budget(f"{NAME}_p95", "ms", statistics.median(p95), BUDGET_MS),
    ]
