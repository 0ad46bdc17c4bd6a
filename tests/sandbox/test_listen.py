"""monitor.listenUrl streams the live call as real-time paced s16le 16 kHz stereo, customer left."""

from __future__ import annotations

import asyncio
import json
import time

import numpy as np
import pytest
import websockets

from app.domain import Provider
from tests.sandbox.helpers import client, in_progress


async def _listen(url: str, seconds: float) -> tuple[list[dict], bytes, float]:
    async with websockets.connect(url) as socket:
        began = time.monotonic()
        events, pcm = [], bytearray()
        while time.monotonic() - began < seconds:
            frame = await socket.recv()
            if isinstance(frame, bytes):
                pcm += frame
            else:  # text frames are the call's events
                events.append(json.loads(frame))
        return events, bytes(pcm), time.monotonic() - began


async def test_listen_streams_real_time_stereo_speech(sandbox) -> None:
    call = await asyncio.to_thread(in_progress, sandbox, "booking")
    events, pcm, elapsed = await _listen(call["monitor"]["listenUrl"], 2.5)
    assert events and not any(e["type"] == "start" for e in events)  # no start frame unless asked for
    samples = np.frombuffer(pcm, dtype="<i2").reshape(-1, 2)
    streamed_seconds = len(samples) / 16000
    assert abs(streamed_seconds - elapsed) < 0.25 * elapsed, (streamed_seconds, elapsed)  # paced, not dumped
    assistant = samples[:, 1].astype(float)
    assert np.sqrt(np.mean(assistant**2)) > 300  # the greeting is speech, not silence
    assert np.abs(samples[:, 0]).max() < np.abs(samples[:, 1]).max()  # the customer is still quiet


async def test_listen_refuses_a_call_that_is_not_live(sandbox) -> None:
    def ended_call() -> dict:
        with client(sandbox, Provider.VAPI) as api:
            return next(c for c in api.get("/call").json() if c["status"] == "ended")

    call = await asyncio.to_thread(ended_call)
    with pytest.raises(websockets.InvalidStatus) as refused:
        async with websockets.connect(call["monitor"]["listenUrl"]):
            pass
    assert refused.value.response.status_code == 400


async def test_listen_closes_when_the_call_ends(sandbox) -> None:
    call = await asyncio.to_thread(in_progress, sandbox, "booking")
    async with websockets.connect(call["monitor"]["listenUrl"]) as socket:
        await socket.recv()
        await socket.recv()
        await asyncio.to_thread(
            lambda: client(sandbox, Provider.VAPI).post(call["monitor"]["controlUrl"], json={"type": "end-call"})
        )
        try:
            while True:
                await asyncio.wait_for(socket.recv(), timeout=3)
        except websockets.ConnectionClosedOK:
            pass


async def test_stopping_the_sandbox_says_goodbye_to_listeners(sandbox_factory) -> None:
    sandbox = await asyncio.to_thread(sandbox_factory, live=1, history=0)

    def live_call() -> dict:
        with client(sandbox, Provider.VAPI) as api:
            return api.get("/call").json()[0]

    call = await asyncio.to_thread(live_call)
    async with websockets.connect(call["monitor"]["listenUrl"]) as socket:
        await socket.recv()
        await asyncio.to_thread(sandbox.stop)
        with pytest.raises(websockets.ConnectionClosedOK) as closed:
            while True:
                await asyncio.wait_for(socket.recv(), timeout=3)
    assert closed.value.rcvd.code == 1001


async def _frames(url: str, seconds: float) -> tuple[list[dict], bytes]:
    """(the text frames as JSON, the audio) over `seconds` of wall time."""
    events: list[dict] = []
    pcm = bytearray()
    async with websockets.connect(url) as socket:
        began = time.monotonic()
        frame = await socket.recv()
        while True:
            if isinstance(frame, str):
                events.append(json.loads(frame))
            else:
                pcm += frame
            if time.monotonic() - began >= seconds:
                return events, bytes(pcm)
            try:
                frame = await asyncio.wait_for(socket.recv(), timeout=seconds)
            except websockets.ConnectionClosed:
                return events, bytes(pcm)


async def test_the_listen_socket_tells_each_line_partial_then_final_in_the_specs_shapes(sandbox_factory) -> None:
    from tests.sandbox.vapi_schema import validator

    sandbox = await asyncio.to_thread(sandbox_factory, live=0, history=0, speed=4.0, listen_start_frame=True)
    call = await asyncio.to_thread(in_progress, sandbox, "booking")
    events, _ = await _frames(call["monitor"]["listenUrl"], 4.0)
    assert events[0] == {"type": "start", "sampleRate": 16000, "channels": 2, "encoding": "s16le"}
    schemas = {"transcript": "ClientMessageTranscript", "speech-update": "ClientMessageSpeechUpdate",
               "status-update": "ServerMessageStatusUpdate"}
    told = [e for e in events if e.get("type") != "start"]
    for event in told:
        errors = [error.message for error in validator(schemas[event["type"]]).iter_errors(event)]
        assert not errors, (event, errors)
    transcripts = [(e["role"], e["transcriptType"], e["transcript"]) for e in told if e["type"] == "transcript"]
    finals = [t for t in transcripts if t[1] == "final"]
    assert len(finals) >= 2 and {role for role, _, _ in finals} == {"assistant", "user"}
    for role, _, text in finals:
        partial = transcripts.index(next(t for t in transcripts if t[0] == role and t[1] == "partial"
                                         and text.startswith(t[2])))
        assert partial < transcripts.index((role, "final", text))  # partial first
    world = sandbox.server.state.world
    logged = [m.text for m in world.find(Provider.VAPI, call["id"]).live_messages if m.role in ("user", "bot")]
    assert [text for _, _, text in finals] == logged[: len(finals)]  # said in order, as the log has it
    assert any(e["type"] == "speech-update" and e["status"] == "started" for e in told)
    assert told[0] == {"type": "status-update", "status": "in-progress", "timestamp": told[0]["timestamp"]}


async def test_the_listen_socket_runs_mono_without_a_start_frame(sandbox_factory) -> None:
    """Without --start-frame (the brief documents none) the socket sends audio and events only."""
    sandbox = await asyncio.to_thread(sandbox_factory, live=0, history=0, listen_format="mono")
    call = await asyncio.to_thread(in_progress, sandbox, "booking")
    began = time.monotonic()
    events, pcm = await _frames(call["monitor"]["listenUrl"], 2.0)
    elapsed = time.monotonic() - began
    assert events and all(e["type"] != "start" and "sampleRate" not in e for e in events)
    assert abs(len(pcm) / elapsed - 32000) < 0.2 * 32000  # 16 kHz, one channel of s16le
