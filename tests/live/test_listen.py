"""Listen-in against a real WebSocket server on 127.0.0.1."""

import asyncio
import json
import threading
import time

import numpy as np
import pytest
from websockets.asyncio.server import serve
from websockets.datastructures import Headers
from websockets.http11 import Response

from app.audio import live_output
from app.audio.live_envelope import LiveEnvelope
from app.domain import Call, Provider
from app.live.listen import (
    CallListener,
    ChannelProbe,
    Headset,
    ListenSession,
    ListenState,
    ListenUnavailable,
    PcmDecoder,
    StreamFormat,
    format_of,
)
from app.live.listen_events import StartFrame
from app.providers.base import MediaSource
from app.providers.http import RetryPolicy


def quick(delay: float, max_retries: int = 8) -> RetryPolicy:
    """The shared policy with a fixed short delay, so reconnect tests run fast."""
    return RetryPolicy(max_retries=max_retries, initial_delay=delay, max_delay=delay, jitter=lambda: 0.0)


def pcm(frames: int, value: int = 1000, channels: int = 2) -> bytes:
    return np.full((frames, channels), value, dtype="<i2").tobytes()


class ListenServer:
    """Speaks like a Vapi monitor listen socket; `script(ws, attempt)` decides what each connection gets."""

    def __init__(self, script):
        self.script = script
        self.attempts = 0
        self.received: list[object] = []
        self.headers: list[str | None] = []
        self.refuse_from: int | None = None
        self.refuse_status = 404
        self.refuse_headers = Headers()

    async def handler(self, ws):
        self.attempts += 1
        self.headers.append(ws.request.headers.get("Authorization"))
        reader = asyncio.create_task(self._record(ws))
        try:
            await self.script(ws, self.attempts)
        finally:
            reader.cancel()

    async def _record(self, ws):
        async for message in ws:
            self.received.append(message)

    def process_request(self, connection, request):
        if self.refuse_from is not None and self.attempts + 1 >= self.refuse_from:
            self.attempts += 1
            return Response(self.refuse_status, "refused", self.refuse_headers, b"")
        return None


@pytest.fixture
async def listen_server():
    servers = []

    async def start(script):
        server = ListenServer(script)
        ws_server = await serve(server.handler, "127.0.0.1", 0, process_request=server.process_request)
        servers.append(ws_server)
        port = ws_server.sockets[0].getsockname()[1]
        return server, MediaSource(f"ws://127.0.0.1:{port}/listen", {"Authorization": "Bearer k"})

    yield start
    for ws_server in servers:
        ws_server.close()
        await ws_server.wait_closed()


def test_a_start_frame_decides_the_format_when_it_names_one():
    assert format_of(StartFrame(8000, 1, "linear16")) == StreamFormat(8000, 1, "s16le")
    assert format_of(StartFrame(24000, 2, "pcm_mulaw")) == StreamFormat(24000, 2, "mulaw")
    assert format_of(StartFrame(16000, None, None)) == StreamFormat(16000, 0, "s16le")  # channels: measured
    assert format_of(StartFrame(1, 99, None)) is None
    assert format_of(StartFrame(16000, 2, "opus")) is None


def test_decoder_keeps_partial_frames_across_messages():
    decoder = PcmDecoder(StreamFormat(16000, 2, "s16le"))
    data = pcm(3, 7)
    assert decoder.decode(data[:5]).shape == (1, 2)
    rest = decoder.decode(data[5:])
    assert rest.shape == (2, 2) and (rest == 7).all()
    mulaw = PcmDecoder(StreamFormat(8000, 1, "mulaw")).decode(bytes([0xFF, 0x7F, 0x00, 0x80]))
    assert list(mulaw[:, 0]) == [0, 0, -32124, 32124]


async def test_reads_the_start_frame_then_audio_and_never_sends(listen_server):
    async def script(ws, attempt):
        await ws.send(json.dumps({"type": "start", "sampleRate": 8000, "channels": 1, "encoding": "s16le"}))
        for _ in range(5):
            await ws.send(pcm(800, 500, channels=1))
        await ws.wait_closed()

    server, source = await listen_server(script)
    got: list[np.ndarray] = []
    session = ListenSession(source, lambda frames, fmt: got.append(frames))
    task = asyncio.create_task(session.run())
    for _ in range(200):
        if sum(len(f) for f in got) >= 4000:
            break
        await asyncio.sleep(0.01)
    session.stop()
    await asyncio.wait_for(task, 5)
    assert session.format == StreamFormat(8000, 1, "s16le")
    assert sum(len(f) for f in got) == 4000 and all(f.shape[1] == 1 for f in got)
    assert session.state == ListenState.STOPPED
    assert server.received == [] and server.headers == ["Bearer k"]


@pytest.mark.parametrize(("channels", "start"), [
    (1, None), (2, None), (1, {"type": "start", "sampleRate": 16000}), (2, {"type": "start", "sampleRate": 16000}),
])
async def test_without_a_channel_count_the_byte_rate_decides_mono_or_stereo(listen_server, channels, start, caplog):
    async def script(ws, attempt):
        if start is not None:
            await ws.send(json.dumps(start))
        loop = asyncio.get_running_loop()
        began = loop.time()
        for i in range(75):  # 1.5 s of 20 ms frames on a real-time schedule (a late sleep is caught up)
            await ws.send(pcm(320, 900, channels=channels))
            await asyncio.sleep(max(0.0, began + (i + 1) * 0.02 - loop.time()))
        await ws.wait_closed()

    _, source = await listen_server(script)
    got: list[np.ndarray] = []
    session = ListenSession(source, lambda frames, fmt: got.append(frames))
    caplog.set_level("INFO", logger="app.live.listen")
    task = asyncio.create_task(session.run())
    for _ in range(300):
        if sum(len(f) for f in got) >= 320 * 70:
            break
        await asyncio.sleep(0.01)
    session.stop()
    await asyncio.wait_for(task, 5)
    assert session.format == StreamFormat(16000, channels, "s16le")
    assert all(f.shape[1] == channels and (f == 900).all() for f in got)
    assert sum(len(f) for f in got) >= 320 * 70  # the measured second is handed on too, not lost
    assert ("mono" if channels == 1 else "stereo") in session.format_reason
    assert "kB/s" in caplog.text and session.format_reason in caplog.text


async def test_a_dropped_socket_reconnects_marks_the_gap_and_ends_on_404(listen_server):
    async def script(ws, attempt):
        await ws.send(pcm(1600))
        if attempt == 1:
            return  # drop the connection abruptly after a little audio
        await ws.send(pcm(1600))
        # second connection closes normally; the next handshake is refused: the call ended

    server, source = await listen_server(script)
    server.refuse_from = 3
    gaps: list[float] = []
    states: list[ListenState] = []
    session = ListenSession(
        source, lambda f, fmt: None, on_gap=gaps.append,
        on_state=lambda state, message: states.append(state), retry=quick(0.05),
    )
    await asyncio.wait_for(session.run(), 10)
    assert session.state == ListenState.ENDED and session.message == "The call has ended."
    assert ListenState.RECONNECTING in states
    assert len(gaps) == 1 and 0.0 < gaps[0] < 2.0
    assert session.bytes_received == 3 * 1600 * 4
    assert server.received == []


@pytest.mark.parametrize(("status", "state"), [(400, ListenState.ENDED), (410, ListenState.ENDED), (422, ListenState.FAILED)])
async def test_a_refused_handshake_is_final(listen_server, status, state):
    async def script(ws, attempt):
        await ws.wait_closed()

    server, source = await listen_server(script)
    server.refuse_from, server.refuse_status = 1, status
    session = ListenSession(source, lambda f, fmt: None, retry=quick(0.01))
    await asyncio.wait_for(session.run(), 5)
    assert session.state == state and server.attempts == 1


async def test_server_errors_are_retried(listen_server):
    async def script(ws, attempt):
        await ws.send(pcm(160))
        await ws.wait_closed()

    server, source = await listen_server(script)
    server.refuse_from, server.refuse_status = 1, 503
    session = ListenSession(source, lambda f, fmt: None, retry=quick(0.01, max_retries=2))
    await asyncio.wait_for(session.run(), 5)
    assert session.state == ListenState.FAILED and server.attempts == 3


async def test_a_rate_limited_handshake_waits_the_capped_retry_after(listen_server):
    async def script(ws, attempt):
        await ws.wait_closed()

    server, source = await listen_server(script)
    server.refuse_from, server.refuse_status = 1, 429
    server.refuse_headers = Headers({"Retry-After": "3600"})
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    retry = RetryPolicy(max_retries=2, max_retry_after=0.5, sleep=sleep)
    session = ListenSession(source, lambda f, fmt: None, retry=retry)
    await asyncio.wait_for(session.run(), 5)
    assert waits == [0.5, 0.5] and server.attempts == 3
    assert session.state == ListenState.FAILED


async def test_refused_credentials_stop_without_retrying(listen_server):
    async def script(ws, attempt):
        await ws.wait_closed()

    server, source = await listen_server(script)
    server.refuse_from, server.refuse_status = 1, 401
    session = ListenSession(source, lambda f, fmt: None, retry=quick(0.01))
    await asyncio.wait_for(session.run(), 5)
    assert session.state == ListenState.FAILED and "public key was refused" in session.message  # it sent one
    assert server.attempts == 1


async def test_an_unreachable_socket_gives_up_after_bounded_retries():
    session = ListenSession(
        MediaSource("ws://127.0.0.1:1/listen"), lambda f, fmt: None, retry=quick(0.01, max_retries=3)
    )
    await asyncio.wait_for(session.run(), 10)
    assert session.state == ListenState.FAILED and "could not reconnect" in session.message


async def test_call_listener_fills_the_envelope_and_plays_through_the_null_device(listen_server, null_audio_device):
    async def script(ws, attempt):
        await ws.send(json.dumps({"sampleRate": 16000, "channels": 2}))
        for _ in range(20):
            await ws.send(pcm(320, 8000))
            await asyncio.sleep(0.02)
        await ws.wait_closed()

    _, source = await listen_server(script)
    listener = CallListener(Call(id="c", provider=Provider.VAPI, status="in-progress"), source)
    listener.start()
    for _ in range(300):
        if listener.envelope is not None and listener.envelope.buckets_seen >= 20 and listener.output is not None:
            break
        await asyncio.sleep(0.01)
    assert listener.output is not None and listener.audio_note == ""
    await asyncio.sleep(0.1)
    assert listener.output.played_frames > 0
    assert listener.envelope.levels_db[0] == pytest.approx(20 * np.log10(8000 / 32768), abs=0.01)
    await listener.stop()
    assert listener.output is None


async def test_the_listeners_device_opens_off_the_loops_thread(listen_server, null_audio_device, monkeypatch):
    opened_on: list[threading.Thread] = []
    real_open = live_output.open_output_stream

    def noting_open(*args, **kwargs):  # type: ignore[no-untyped-def]
        opened_on.append(threading.current_thread())
        return real_open(*args, **kwargs)

    async def script(ws, attempt):
        await ws.send(START_STEREO)
        await ws.send(pcm(3200))
        await ws.wait_closed()

    monkeypatch.setattr(live_output, "open_output_stream", noting_open)
    _, source = await listen_server(script)
    listener = CallListener(Call(id="c", provider=Provider.VAPI, status="in-progress"), source)
    listener.start()
    await asyncio.wait_for(until_output(listener), 10)
    await listener.stop()
    assert opened_on and threading.current_thread() not in opened_on


async def until_output(listener: CallListener) -> None:
    while listener.output is None:
        await asyncio.sleep(0.01)


async def test_without_a_device_the_listener_still_draws_and_says_why(listen_server):
    async def script(ws, attempt):
        await ws.send(START_STEREO)
        await ws.send(pcm(3200))
        await ws.wait_closed()

    _, source = await listen_server(script)
    listener = CallListener(Call(id="c", provider=Provider.VAPI, status="in-progress"), source)
    listener.start()
    while listener.envelope is None or listener.envelope.buckets_seen < 10 or not listener.audio_note:
        await asyncio.sleep(0.01)
    assert listener.output is None and "no sound output device" in listener.audio_note
    await listener.stop()


class ListenClient:
    provider = Provider.VAPI

    def __init__(self, url):
        self.url = url

    def listen_source(self, call):
        return MediaSource(self.url) if call.listen_url else None


async def test_headset_hears_one_call_at_a_time_unless_told_otherwise(listen_server):
    async def script(ws, attempt):
        await ws.wait_closed()

    _, source = await listen_server(script)
    client = ListenClient(source.url)
    a = Call(id="a", provider=Provider.VAPI, status="in-progress", listen_url=source.url)
    b = Call(id="b", provider=Provider.VAPI, status="in-progress", listen_url=source.url)
    headset = Headset(play_audio=False)
    first = await headset.listen(a, client)
    await headset.listen(b, client)
    assert list(headset.listeners) == ["b"] and first.state == ListenState.STOPPED
    headset.exclusive = False
    await headset.listen(a, client)
    assert sorted(headset.listeners) == ["a", "b"]
    with pytest.raises(ListenUnavailable, match="does not offer live audio"):
        await headset.listen(Call(id="c", provider=Provider.VAPI, status="in-progress"), client)
    await headset.stop_all()
    assert headset.listeners == {}


def test_live_envelope_rolls_and_marks_gaps():
    env = LiveEnvelope(2, 1000, window_seconds=1.0)  # 20-frame buckets, 50 in the window
    env.add(np.full((30, 2), 16384, np.int16))
    assert env.buckets_seen == 1
    env.add(np.full((10, 2), -16384, np.int16))
    times, mins, maxs = env.window()
    assert env.buckets_seen == 2 and mins[1, 0] == pytest.approx(-0.5) and maxs[1, 0] == pytest.approx(0.5)
    env.add_gap(0.1)
    assert env.gaps == [pytest.approx(0.04)] and env.buckets_seen == 7
    env.add(np.zeros((2000, 2), np.int16))
    times, mins, maxs = env.window()
    assert len(times) == 50 and not np.isnan(mins).any() and times[-1] == pytest.approx((env.buckets_seen - 1) * 0.02)


async def test_a_live_sandbox_call_streams_at_real_time_rate(sandbox):
    from app.providers import make_client
    from tests.fixtures.sandbox import SANDBOX_KEY

    client = make_client(Provider.VAPI, sandbox.base_url(Provider.VAPI), SANDBOX_KEY)
    try:
        call = await client.get_call(sandbox.start_call(Provider.VAPI, "booking"))
        source = client.listen_source(call)
        assert source is not None and source.url.startswith("ws://")
        arrivals: list[tuple[float, int]] = []
        loop = asyncio.get_running_loop()
        session = ListenSession(source, lambda frames, fmt: arrivals.append((loop.time(), frames.nbytes)))
        task = asyncio.create_task(session.run())
        while not arrivals:
            await asyncio.sleep(0.01)
        await asyncio.sleep(3.0)
        session.stop()
        await asyncio.wait_for(task, 5)
        start = arrivals[0][0]
        window = [n for t, n in arrivals if start < t <= start + 3.0]
        rate = sum(window) / 3.0
        assert session.format == StreamFormat(16000, 2, "s16le")
        assert 64000 * 0.85 <= rate <= 64000 * 1.15, f"{rate:.0f} bytes/s"
    finally:
        await client.aclose()


async def test_a_sandbox_socket_cut_mid_call_reconnects_and_marks_the_gap(sandbox):
    from app.providers import make_client
    from tests.fixtures.sandbox import SANDBOX_KEY

    client = make_client(Provider.VAPI, sandbox.base_url(Provider.VAPI), SANDBOX_KEY)
    try:
        call = await client.get_call(sandbox.start_call(Provider.VAPI, "booking"))
        # The platform cuts every listen socket after two seconds: time to measure the format (no start
        # frame says it; a measurement cut by a drop starts again), then the gap.
        sandbox.set_faults("drop_ws_after=2s")
        listener = CallListener(call, client.listen_source(call), play_audio=False)
        listener.start()
        for _ in range(1000):
            if listener.envelope is not None and listener.envelope.gaps and listener.session.bytes_received > 64000 * 1.5:
                break
            await asyncio.sleep(0.01)
        assert listener.envelope is not None and len(listener.envelope.gaps) >= 1
        assert listener.session.bytes_received > 64000 * 1.5  # audio kept coming after the cut
        assert listener.state in (ListenState.LISTENING, ListenState.RECONNECTING, ListenState.CONNECTING)
        await listener.stop()
        assert listener.state == ListenState.STOPPED
    finally:
        await client.aclose()


START_STEREO = json.dumps({"type": "start", "sampleRate": 16000, "channels": 2, "encoding": "s16le"})


class FloodServer:
    """A listen socket on its own thread and loop, so its flood cannot stall the loop under test."""

    def __init__(self, frames: int):
        self.frames = frames
        self.url = ""
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)

    async def _handler(self, ws):
        await ws.send(START_STEREO)
        for _ in range(self.frames):
            await ws.send(pcm(1))
        await ws.wait_closed()

    async def _main(self):
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        async with serve(self._handler, "127.0.0.1", 0, compression=None) as server:
            self.url = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}/listen"
            self._ready.set()
            await self._stop.wait()

    def __enter__(self):
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc):
        assert self._loop is not None and self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)


async def test_a_flood_of_tiny_frames_never_stalls_the_loop_and_is_coalesced():
    # A socket flooding 4-byte frames once stalled the window for 0.7-0.9 s at a time.
    frames = 30_000
    got: list[int] = []
    stalls: list[float] = []

    async def ticker():
        # Counted in the loop thread's CPU time: a busy machine pausing the process is not the loop stalling.
        while True:
            before = time.thread_time()
            await asyncio.sleep(0.002)
            stalls.append(time.thread_time() - before)

    envelope = LiveEnvelope(2, 16000)  # what the window does with each batch: its cost is per batch

    def hear(f: np.ndarray, fmt: StreamFormat) -> None:
        got.append(f.shape[0])
        envelope.add(f)

    with FloodServer(frames) as server:
        session = ListenSession(MediaSource(server.url), hear)
        tick = asyncio.create_task(ticker())
        task = asyncio.create_task(session.run())
        for _ in range(2000):
            if sum(got) >= frames:
                break
            await asyncio.sleep(0.01)
        session.stop()
        await asyncio.wait_for(task, 5)
        tick.cancel()
    assert sum(got) == frames
    assert len(got) < frames / 3  # handed on in batches, not frame by frame (how many per batch depends on the machine)
    assert max(stalls) < 0.3, f"the loop stalled {max(stalls):.3f} s"  # it was 0.7-0.9 s


async def test_unreadable_text_frames_are_skipped_and_counted(listen_server):
    # A deeply nested JSON frame once raised RecursionError and left the panel "Listening" with no audio.
    async def script(ws, attempt):
        await ws.send(START_STEREO)
        await ws.send("[" * 200_000)
        await ws.send('{"type": "transcript", "role": 7}')
        await ws.send("not json")
        await ws.send(pcm(1600))
        await ws.wait_closed()

    _, source = await listen_server(script)
    got: list[int] = []
    session = ListenSession(source, lambda f, fmt: got.append(f.shape[0]))
    task = asyncio.create_task(session.run())
    for _ in range(300):
        if sum(got) >= 1600:
            break
        await asyncio.sleep(0.01)
    assert session.state == ListenState.LISTENING and sum(got) == 1600
    assert session.frames_skipped == 3
    session.stop()
    await asyncio.wait_for(task, 5)


async def test_mono_is_heard_in_both_ears_with_one_level(listen_server, null_audio_device):
    async def script(ws, attempt):
        await ws.send(json.dumps({"type": "start", "sampleRate": 16000, "channels": 1}))
        for _ in range(100):
            await ws.send(pcm(320, 4000, channels=1))
            await asyncio.sleep(0.02)
        await ws.wait_closed()

    _, source = await listen_server(script)
    listener = CallListener(Call(id="c", provider=Provider.VAPI, status="in-progress"), source)
    listener.start()
    await asyncio.wait_for(until_output(listener), 10)
    while listener.buffer is not None and listener.buffer.buffered == 0 and listener.output.played_frames == 0:
        await asyncio.sleep(0.01)
    assert listener.envelope is not None and listener.envelope.channels == 1 and listener.envelope.levels_db.shape == (1,)
    assert listener.buffer is not None and listener.buffer.channels == 2
    written: list[np.ndarray] = []
    real_write = listener.buffer.write
    listener.buffer.write = lambda frames: (written.append(frames.copy()), real_write(frames))  # type: ignore[method-assign]
    while not written:
        await asyncio.sleep(0.01)
    assert all(f.shape[1] == 2 and (f == 4000).all() for f in written)  # the device gets the call in both ears
    await listener.stop()


async def test_a_background_failure_of_the_listener_is_logged_not_lost(listen_server, monkeypatch, caplog):
    from app.live import listen as listen_module

    def broken(buffer):
        raise RuntimeError("the device driver crashed")

    monkeypatch.setattr(listen_module, "LiveOutput", broken)

    async def script(ws, attempt):
        await ws.send(START_STEREO)
        await ws.send(pcm(3200))
        await ws.wait_closed()

    _, source = await listen_server(script)
    listener = CallListener(Call(id="c", provider=Provider.VAPI, status="in-progress"), source)
    listener.start()
    for _ in range(300):
        if "the device driver crashed" in caplog.text:
            break
        await asyncio.sleep(0.01)
    assert "a background task failed" in caplog.text and "the device driver crashed" in caplog.text
    await listener.stop()


def test_measuring_holds_a_bounded_amount_of_a_flood():
    probe = ChannelProbe(StreamFormat(16000, 1, "s16le"))
    assert probe.add(bytes(1 << 19), now=0.0) is None
    fmt, why = probe.add(bytes(1 << 19), now=0.01)  # a megabyte in 10 ms is no 16 kHz mono stream
    assert fmt.channels == 2 and "stereo" in why
