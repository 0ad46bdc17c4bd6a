"""Live listen-in: a receive-only WebSocket client for a call's audio, with reconnects and gaps.

The platform sends an optional JSON start frame (sampleRate, channels, encoding) and then binary
PCM. We never send anything: a supervisor listening in must never be heard on the call.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import websockets
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI

from app.audio.device import AudioUnavailable, open_in_background
from app.audio.jitter import JitterBuffer
from app.audio.live_envelope import LiveEnvelope
from app.audio.live_output import LiveOutput
from app.domain import Call
from app.live.events import Event
from app.providers.base import MediaSource, PlatformClient
from app.providers.http import RetryPolicy, retry_after_seconds

log = logging.getLogger(__name__)

MAX_FAILED_ATTEMPTS = 8
MAX_MESSAGE_BYTES = 1 << 22  # 4 MB, a minute of 16 kHz stereo in one frame: no live stream sends that
ENCODINGS = {
    "s16le": "s16le", "pcm_s16le": "s16le", "linear16": "s16le", "l16": "s16le", "pcm16": "s16le",
    "pcm": "s16le", "s16": "s16le", "f32le": "f32le", "pcm_f32le": "f32le", "float32": "f32le",
    "mulaw": "mulaw", "ulaw": "mulaw", "pcm_mulaw": "mulaw", "g711_ulaw": "mulaw",
}


@dataclass(frozen=True)
class StreamFormat:
    sample_rate: int = 16000
    channels: int = 2
    encoding: str = "s16le"

    @property
    def bytes_per_frame(self) -> int:
        return self.channels * {"s16le": 2, "f32le": 4, "mulaw": 1}[self.encoding]


FALLBACK_FORMAT = StreamFormat()


def parse_start_frame(text: str | bytes) -> StreamFormat | None:
    """The format a JSON text frame announces, or None when it announces none (other events)."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    nested = data.get("format")
    fields = nested if isinstance(nested, dict) else data
    rate = fields.get("sampleRate", fields.get("sample_rate"))
    channels = fields.get("channels")
    encoding = fields.get("encoding")
    if rate is None and channels is None and encoding is None:
        return None
    try:
        rate_value = int(rate) if rate is not None else FALLBACK_FORMAT.sample_rate
        channel_value = int(channels) if channels is not None else FALLBACK_FORMAT.channels
    except (TypeError, ValueError):
        return FALLBACK_FORMAT
    if not (4000 <= rate_value <= 192000) or not (1 <= channel_value <= 8):
        return FALLBACK_FORMAT
    known = ENCODINGS.get(str(encoding).lower(), "s16le") if encoding is not None else "s16le"
    return StreamFormat(rate_value, channel_value, known)


class PcmDecoder:
    """Raw bytes to (frames, channels) int16, keeping a partial frame for the next message."""

    def __init__(self, fmt: StreamFormat):
        self.format = fmt
        self._rest = b""

    def decode(self, payload: bytes) -> np.ndarray:
        data = self._rest + payload if self._rest else payload
        usable = len(data) - len(data) % self.format.bytes_per_frame
        self._rest = bytes(data[usable:])
        raw = memoryview(data)[:usable]
        if self.format.encoding == "f32le":
            samples = (np.clip(np.frombuffer(raw, dtype="<f4"), -1.0, 1.0) * 32767).astype(np.int16)
        elif self.format.encoding == "mulaw":
            samples = _MULAW[np.frombuffer(raw, dtype=np.uint8)]
        else:
            samples = np.frombuffer(raw, dtype="<i2").copy()
        return samples.reshape(-1, self.format.channels)


def _mulaw_table() -> np.ndarray:
    u = ~np.arange(256, dtype=np.uint8)
    sign, exponent, mantissa = u & 0x80, (u >> 4) & 0x07, u & 0x0F
    magnitude = ((mantissa.astype(np.int32) << 3) + 0x84) << exponent
    return np.where(sign != 0, 0x84 - magnitude, magnitude - 0x84).astype(np.int16)


_MULAW = _mulaw_table()


class ListenState(StrEnum):
    CONNECTING = "connecting"
    LISTENING = "listening"
    RECONNECTING = "reconnecting"
    ENDED = "ended"
    FAILED = "failed"
    STOPPED = "stopped"


ACTIVE_STATES = frozenset({ListenState.CONNECTING, ListenState.LISTENING, ListenState.RECONNECTING})

AudioSink = Callable[[np.ndarray, StreamFormat], None]
StateSink = Callable[[ListenState, str], None]
GapSink = Callable[[float], None]


class ListenSession:
    """One call's listen socket: connect, read, reconnect with jittered backoff, report gaps.
    `run()` returns when the call ends, the platform refuses, or `stop()` is called."""

    def __init__(
        self,
        source: MediaSource,
        on_audio: AudioSink,
        *,
        on_state: StateSink | None = None,
        on_gap: GapSink | None = None,
        retry: RetryPolicy | None = None,
    ):
        self.source = source
        self._on_audio = on_audio
        self._on_state = on_state
        self._on_gap = on_gap
        # The shared backoff (0.5 s doubling to 8 s); max_retries is how many failed reconnects in a row we bear.
        self._retry = retry or RetryPolicy(max_retries=MAX_FAILED_ATTEMPTS)
        self._stopping = False
        self.state = ListenState.CONNECTING
        self.message = "Connecting…"
        self.format: StreamFormat | None = None
        self.bytes_received = 0
        self._ws: Any = None

    async def run(self) -> None:
        failures = 0
        lost_at: float | None = None
        while not self._stopping:
            retry_after: float | None = None
            self._set(ListenState.CONNECTING if lost_at is None else ListenState.RECONNECTING,
                      "Connecting…" if lost_at is None else "Reconnecting…")
            try:
                async with connect(
                    self.source.url,
                    additional_headers=self.source.headers or None,
                    open_timeout=10,
                    max_size=MAX_MESSAGE_BYTES,
                    compression=None,
                    proxy=None,
                ) as ws:
                    if self._stopping:  # stop() came while the handshake was in flight
                        break
                    self._ws = ws
                    self._set(ListenState.LISTENING, "Listening")
                    received_before = self.bytes_received
                    await self._read(ws, lost_at)
                    lost_at = None
                    if self.bytes_received > received_before:
                        failures = 0
            except InvalidStatus as err:
                status = err.response.status_code
                if status in (401, 403):
                    self._set(ListenState.FAILED, "The platform refused to let us listen (check the API key).")
                    return
                if status in (400, 404, 410):  # the platform says the call is gone or no longer live
                    self._set(ListenState.ENDED, "The call has ended.")
                    return
                if 400 < status < 500 and status not in (408, 429):
                    self._set(ListenState.FAILED, f"The platform refused the listen connection (HTTP {status}).")
                    return
                log.info("listen handshake refused: HTTP %s", status)  # 5xx, 408, 429: worth another try
                if status == 429:
                    retry_after = retry_after_seconds(err.response.headers)
            except InvalidURI:
                self._set(ListenState.FAILED, "The call's listen address is not valid.")
                return
            except (OSError, ConnectionClosed, InvalidHandshake, TimeoutError, websockets.WebSocketException) as err:
                log.info("listen socket dropped: %s", type(err).__name__)
            finally:
                self._ws = None
            if self._stopping:
                break
            lost_at = lost_at or time.monotonic()
            failures += 1
            if failures > self._retry.max_retries:
                self._set(ListenState.FAILED, "Lost the call's audio and could not reconnect.")
                return
            delay = self._retry.delay(failures - 1, retry_after)
            self._set(ListenState.RECONNECTING, f"Audio dropped; reconnecting in {delay:.0f} s…")
            await self._retry.sleep(delay)
        self._set(ListenState.STOPPED, "Not listening")

    async def _read(self, ws: Any, lost_at: float | None) -> None:
        decoder: PcmDecoder | None = None
        async for message in ws:
            if isinstance(message, str):
                fmt = parse_start_frame(message)
                if fmt is not None:
                    decoder = PcmDecoder(fmt)
                    self.format = fmt
                continue
            if decoder is None:  # no start frame: the documented default
                decoder = PcmDecoder(self.format or FALLBACK_FORMAT)
                self.format = decoder.format
            if lost_at is not None and self._on_gap is not None:
                self._on_gap(time.monotonic() - lost_at)
            lost_at = None
            self.bytes_received += len(message)
            frames = decoder.decode(message)
            if frames.shape[0]:
                self._on_audio(frames, decoder.format)
        # A closed socket is retried like a dropped one: a 404 on reconnect says the call ended.

    def stop(self) -> None:
        self._stopping = True
        if self._ws is not None:
            asyncio.ensure_future(self._ws.close())

    def _set(self, state: ListenState, message: str) -> None:
        self.state, self.message = state, message
        if self._on_state is not None:
            self._on_state(state, message)


@dataclass(frozen=True)
class ListenerEvents:
    changed: Event[CallListener] = field(default_factory=lambda: Event("listener changed"))  # state, note or output


class CallListener:
    """Hear one call: socket -> jitter buffer -> sound device, plus an envelope for the live
    waveform and meters. Without a sound device it still shows the waveform and says why."""

    def __init__(self, call: Call, source: MediaSource, *, play_audio: bool = True):
        self.call = call
        self.envelope: LiveEnvelope | None = None
        self.buffer: JitterBuffer | None = None
        self.output: LiveOutput | None = None
        self.audio_note = ""
        self._play_audio = play_audio
        self.events = ListenerEvents()
        self.session = ListenSession(source, self._take_audio, on_state=self._changed, on_gap=self._gap)
        self._task: asyncio.Task[None] | None = None
        self._opening: asyncio.Task[None] | None = None

    @property
    def state(self) -> ListenState:
        return self.session.state

    @property
    def message(self) -> str:
        return self.session.message

    def start(self) -> asyncio.Task[None]:
        self._task = asyncio.ensure_future(self._run())
        return self._task

    async def _run(self) -> None:
        try:
            await self.session.run()
        finally:
            self._close_output()

    async def stop(self) -> None:
        self.session.stop()
        if self._task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._task), 3.0)
            except (TimeoutError, asyncio.CancelledError):
                self._task.cancel()
        self._close_output()

    def _take_audio(self, frames: np.ndarray, fmt: StreamFormat) -> None:
        if self.envelope is None or (self.envelope.channels, self.envelope.sample_rate) != (fmt.channels, fmt.sample_rate):
            self._start_output(fmt)
        assert self.envelope is not None
        self.envelope.add(frames)
        if self.buffer is not None:
            self.buffer.write(frames)

    def _start_output(self, fmt: StreamFormat) -> None:
        self._close_output()
        self.envelope = LiveEnvelope(fmt.channels, fmt.sample_rate)
        if self._play_audio:
            self._opening = asyncio.ensure_future(self._open_output(fmt))

    async def _open_output(self, fmt: StreamFormat) -> None:
        """The device opens off the loop (PortAudio's start-up would stall the socket reader and the Qt
        thread); frames heard meanwhile are only drawn, so the sound starts at now, not late."""
        buffer = JitterBuffer(fmt.channels, fmt.sample_rate)
        try:
            self.output = await open_in_background(None, LiveOutput, buffer)
        except AudioUnavailable as err:
            self.audio_note = str(err)
        else:
            self.buffer = buffer
        self._changed(self.state, self.message)

    def _close_output(self) -> None:
        if self._opening is not None:
            self._opening.cancel()  # a device still opening is closed once it arrives
            self._opening = None
        self.buffer = None
        if self.output is not None:
            self.output.close()
            self.output = None

    def _gap(self, seconds: float) -> None:
        if self.envelope is not None:
            self.envelope.add_gap(seconds)
        if self.buffer is not None:
            self.buffer.clear()

    def _changed(self, state: ListenState, message: str) -> None:
        self.events.changed.emit(self)


class Headset:
    """The supervisor's headset: which calls are being heard. One at a time unless `exclusive`
    is turned off, so two conversations never talk over each other by accident."""

    def __init__(self, *, play_audio: bool = True):
        self.exclusive = True
        self.play_audio = play_audio
        self.listeners: dict[str, CallListener] = {}

    def listener_for(self, call_id: str) -> CallListener | None:
        return self.listeners.get(call_id)

    def active(self) -> list[CallListener]:
        """Listeners still connected or trying to be."""
        return [listener for listener in self.listeners.values() if listener.state in ACTIVE_STATES]

    async def listen(self, call: Call, client: PlatformClient) -> CallListener:
        """Start hearing `call` (stopping the others first when exclusive)."""
        current = self.listeners.get(call.id)
        if current is not None and current.state in ACTIVE_STATES:
            return current
        source = client.listen_source(call)
        if source is None:
            raise ListenUnavailable(f"{client.provider.display_name} does not offer live audio for this call.")
        if self.exclusive:
            await self.stop_all()
        listener = CallListener(call, source, play_audio=self.play_audio)
        self.listeners[call.id] = listener
        listener.start()
        return listener

    async def stop(self, call_id: str) -> None:
        listener = self.listeners.pop(call_id, None)
        if listener is not None:
            await listener.stop()

    async def stop_all(self) -> None:
        for call_id in list(self.listeners):
            await self.stop(call_id)


class ListenUnavailable(Exception):
    """This call cannot be listened to; `str(err)` says why."""
