"""Live listen-in: a receive-only WebSocket client for a call's audio and events, with reconnects and gaps.

The platform may send a JSON start frame (sampleRate, channels, encoding), then binary PCM and JSON
text frames with the call's events (transcripts, speech and status updates). Without a channel
count we measure it. We never send anything: a supervisor listening in must never be heard on the call.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

import numpy as np
import websockets
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI

from app.audio.device import AudioUnavailable, open_in_background
from app.audio.jitter import JitterBuffer
from app.audio.live_envelope import LiveEnvelope
from app.audio.live_output import LiveOutput
from app.domain import Call
from app.live.events import Event
from app.live.listen_events import ListenEvent, StartFrame, parse_frame
from app.live.registry import CallRegistry
from app.live.sockets import LARGE_FRAME_CHARS, FrameError, connect_here
from app.live.tasks import KeptTasks
from app.live.transcript_events import LiveTranscript
from app.providers.base import MediaSource, PlatformClient, monitor_refusal
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


FALLBACK_FORMAT = StreamFormat()  # rate and encoding when nothing says otherwise; channels are always decided
MEASURE_SECONDS = 1.0  # without a start frame, this much audio decides mono or stereo
MAX_HELD_BYTES = 1 << 20  # a flood decides sooner: memory held while measuring stays bounded
SLICE_SECONDS = 0.005  # the reader hands the loop back at least this often, even in a flood


def format_of(start: StartFrame) -> StreamFormat | None:
    """The format a start frame announces, None when it says nothing usable (then we measure).
    A missing channel count is measured too: 0 channels stands for "not said"."""
    rate = start.sample_rate or FALLBACK_FORMAT.sample_rate
    channels = start.channels or 0
    encoding = ENCODINGS.get(start.encoding.lower()) if start.encoding else "s16le"
    if encoding is None or not (4000 <= rate <= 192000) or not (0 <= channels <= 8):
        return None
    return StreamFormat(rate, channels, encoding)


class ChannelProbe:
    """No start frame (or one without a channel count): hold the first second of audio and pick 1 or 2
    channels from its byte rate (16 kHz s16le: 32 kB/s is mono, 64 kB/s stereo)."""

    def __init__(self, base: StreamFormat):
        self.base = base
        self.held = bytearray()
        self.first_at: float | None = None

    def add(self, payload: bytes, now: float) -> tuple[StreamFormat, str] | None:
        """The decided format and why, once a second of audio has come; None while measuring."""
        self.first_at = now if self.first_at is None else self.first_at
        self.held += payload
        elapsed = now - self.first_at
        if elapsed < MEASURE_SECONDS and len(self.held) < MAX_HELD_BYTES:
            return None
        per_channel = self.base.sample_rate * replace(self.base, channels=1).bytes_per_frame
        rate = len(self.held) / max(elapsed, 0.001)
        channels = 1 if rate < per_channel * 2 ** 0.5 else 2  # the nearer of the two, on a log scale
        chosen = replace(self.base, channels=channels)
        why = (f"{rate / 1000:.1f} kB/s over {elapsed:.1f} s, nearer {per_channel * channels / 1000:g} kB/s: "
               f"{'mono' if channels == 1 else 'stereo'} {chosen.sample_rate / 1000:g} kHz {chosen.encoding}")
        return chosen, why


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
EventSink = Callable[[ListenEvent], None]


class ListenSession:
    """One call's listen socket: connect, read, reconnect with jittered backoff, report gaps.
    `run()` returns when the call ends, the platform refuses, or `stop()` is called.

    Audio is handed on in batches: frames that arrive together are decoded together, and the reader
    gives the loop (the Qt thread) back every few milliseconds however fast frames come. Text frames
    are events; one we cannot read is skipped and counted (`frames_skipped`), never fatal."""

    def __init__(
        self,
        source: MediaSource,
        on_audio: AudioSink,
        *,
        on_state: StateSink | None = None,
        on_gap: GapSink | None = None,
        on_event: EventSink | None = None,
        retry: RetryPolicy | None = None,
    ):
        self.source = source
        self._on_audio = on_audio
        self._on_state = on_state
        self._on_gap = on_gap
        self._on_event = on_event
        # The shared backoff (0.5 s doubling to 8 s); max_retries is how many failed reconnects in a row we bear.
        self._retry = retry or RetryPolicy(max_retries=MAX_FAILED_ATTEMPTS)
        self._stopping = False
        self.state = ListenState.CONNECTING
        self.message = "Connecting…"
        self.format: StreamFormat | None = None  # decided: from a start frame or measured
        self.format_reason = ""  # how it was decided, in words (logged, shown)
        self.bytes_received = 0
        self.frames_skipped = 0  # text frames we could not read
        self._ws: Any = None
        self._tasks = KeptTasks("listen")
        self._decoder: PcmDecoder | None = None
        self._probe: ChannelProbe | None = None
        self._pending = bytearray()  # audio received, not yet handed on
        self._flush_due = False
        self._lost_at: float | None = None

    async def run(self) -> None:
        failures = 0
        lost_at: float | None = None
        while not self._stopping:
            retry_after: float | None = None
            self._set(ListenState.CONNECTING if lost_at is None else ListenState.RECONNECTING,
                      "Connecting…" if lost_at is None else "Reconnecting…")
            try:
                async with connect_here(
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
                if status in (401, 403):  # a listen source's only header is the public key, when there is one
                    self._set(ListenState.FAILED, monitor_refusal("Listening", key_sent=bool(self.source.headers)))
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
        # A new connection starts on a frame boundary; a format decided earlier still holds.
        self._decoder = PcmDecoder(self.format) if self.format is not None else None
        self._probe = None  # a measurement cut by the drop would count the gap as silence: start again
        self._pending.clear()
        self._lost_at = lost_at
        loop = asyncio.get_running_loop()
        slice_began = time.monotonic()
        try:
            async for message in ws:
                if isinstance(message, str):
                    self._flush()  # audio before an event is handed on first (a start frame changes the format)
                    await self._take_text(message)
                else:
                    self.bytes_received += len(message)
                    self._pending += message
                    if not self._flush_due:  # runs once the reader waits for more, or at the slice's end
                        self._flush_due = True
                        loop.call_soon(self._flush)
                if time.monotonic() - slice_began >= SLICE_SECONDS:
                    # Queued frames come back from the socket without suspending: a flood would hold the loop.
                    await asyncio.sleep(0)
                    slice_began = time.monotonic()
        finally:
            self._flush()
        # A closed socket is retried like a dropped one: a 404 on reconnect says the call ended.

    async def _take_text(self, text: str) -> None:
        try:
            if len(text) > LARGE_FRAME_CHARS:
                event = await asyncio.to_thread(parse_frame, text)
            else:
                event = parse_frame(text)
        except FrameError as err:
            self.frames_skipped += 1
            if self.frames_skipped in (1, 10, 100) or self.frames_skipped % 1000 == 0:
                log.warning("listen: skipped an unreadable text frame (%s); %d so far", err, self.frames_skipped)
            return
        if isinstance(event, StartFrame):
            self._start_frame(event)
        if self._on_event is not None:
            self._on_event(event)

    def _start_frame(self, start: StartFrame) -> None:
        fmt = format_of(start)
        if fmt is None:
            log.info("listen: the start frame names no format we can play (%s); measuring instead", start)
        elif fmt.channels:
            self._decide(fmt, f"the start frame says {fmt.channels} channel(s), {fmt.sample_rate} Hz {fmt.encoding}")
        else:  # rate and encoding said, channels not: measure them at that rate
            self._probe = ChannelProbe(replace(fmt, channels=1))
            self._decoder = None

    def _decide(self, fmt: StreamFormat, why: str) -> None:
        self.format, self.format_reason = fmt, why
        self._decoder = PcmDecoder(fmt)
        self._probe = None
        log.info("listen: %s", why)

    def _flush(self) -> None:
        self._flush_due = False
        if not self._pending:
            return
        data = bytes(self._pending)
        self._pending.clear()
        if self._lost_at is not None and self._on_gap is not None:
            self._on_gap(time.monotonic() - self._lost_at)
        self._lost_at = None
        if self._decoder is None:
            self._probe = self._probe or ChannelProbe(replace(FALLBACK_FORMAT, channels=1))
            decided = self._probe.add(data, time.monotonic())
            if decided is None:
                return
            data = bytes(self._probe.held)
            self._decide(decided[0], f"no start frame: {decided[1]}")
        assert self._decoder is not None
        frames = self._decoder.decode(data)
        if frames.shape[0]:
            self._on_audio(frames, self._decoder.format)

    def stop(self) -> None:
        self._stopping = True
        if self._ws is not None:
            self._tasks.spawn(self._ws.close())

    def _set(self, state: ListenState, message: str) -> None:
        self.state, self.message = state, message
        if self._on_state is not None:
            self._on_state(state, message)


@dataclass(frozen=True)
class ListenerEvents:
    changed: Event[CallListener] = field(default_factory=lambda: Event("listener changed"))  # state, note or output


class CallListener:
    """Hear one call: socket -> jitter buffer -> sound device, plus an envelope for the live
    waveform and meters, and the socket's transcript into the registry's call when one is given.
    Without a sound device it still shows the waveform and says why."""

    def __init__(self, call: Call, source: MediaSource, *, play_audio: bool = True,
                 registry: CallRegistry | None = None, on_event: EventSink | None = None):
        self.call = call
        self.envelope: LiveEnvelope | None = None
        self.buffer: JitterBuffer | None = None
        self.output: LiveOutput | None = None
        self.audio_note = ""
        self.on_audio: AudioSink | None = None  # also hands the decoded audio here (recording)
        self.transcript = LiveTranscript(registry, call.id) if registry is not None else None
        self._play_audio = play_audio
        self.events = ListenerEvents()
        self._on_event = on_event
        self.session = ListenSession(source, self._take_audio, on_state=self._changed, on_gap=self._gap,
                                     on_event=self._take_event)
        self._tasks = KeptTasks("listen")
        self._task: asyncio.Task[None] | None = None
        self._opening: asyncio.Task[None] | None = None

    @property
    def state(self) -> ListenState:
        return self.session.state

    @property
    def message(self) -> str:
        return self.session.message

    def start(self) -> asyncio.Task[None]:
        self._task = self._tasks.spawn(self._run())
        return self._task

    async def _run(self) -> None:
        try:
            await self.session.run()
        finally:
            self._close_output()
            if self.transcript is not None:
                self.transcript.close()

    async def stop(self) -> None:
        self.session.stop()
        if self._task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._task), 3.0)
            except (TimeoutError, asyncio.CancelledError):
                self._task.cancel()
        self._close_output()

    def _take_event(self, event: ListenEvent) -> None:
        if self.transcript is not None:
            self.transcript.apply(event)
        if self._on_event is not None:
            self._on_event(event)

    def _take_audio(self, frames: np.ndarray, fmt: StreamFormat) -> None:
        if self.envelope is None or (self.envelope.channels, self.envelope.sample_rate) != (fmt.channels, fmt.sample_rate):
            self._start_output(fmt)
        assert self.envelope is not None
        self.envelope.add(frames)
        if self.on_audio is not None:
            self.on_audio(frames, fmt)
        if self.buffer is not None:
            # Mono is heard in both ears: the device always gets at least two channels.
            self.buffer.write(np.repeat(frames, 2, axis=1) if frames.shape[1] == 1 else frames)

    def _start_output(self, fmt: StreamFormat) -> None:
        self._close_output()
        self.envelope = LiveEnvelope(fmt.channels, fmt.sample_rate)
        if self._play_audio:
            self._opening = self._tasks.spawn(self._open_output(fmt))

    async def _open_output(self, fmt: StreamFormat) -> None:
        """The device opens off the loop (PortAudio's start-up would stall the socket reader and the Qt
        thread); frames heard meanwhile are only drawn, so the sound starts at now, not late."""
        buffer = JitterBuffer(max(2, fmt.channels), fmt.sample_rate)
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

    async def listen(self, call: Call, client: PlatformClient, registry: CallRegistry | None = None,
                     on_event: EventSink | None = None) -> CallListener:
        """Start hearing `call` (stopping the others first when exclusive); its transcript events go
        into `registry`'s copy of the call."""
        current = self.listeners.get(call.id)
        if current is not None and current.state in ACTIVE_STATES:
            return current
        source = listen_source(client, call)
        if self.exclusive:
            await self.stop_all()
        listener = CallListener(call, source, play_audio=self.play_audio, registry=registry, on_event=on_event)
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


def listen_source(client: PlatformClient, call: Call) -> MediaSource:
    """The call's listen address with the headers the platform client gives for it: the one place
    they are asked for (the window and `switchboard listen` both come through here)."""
    source = client.listen_source(call)
    if source is None:
        raise ListenUnavailable(f"{client.provider.display_name} does not offer live audio for this call.")
    return source


class ListenUnavailable(Exception):
    """This call cannot be listened to; `str(err)` says why."""
