"""monitor.listenUrl streams the live call as real-time paced s16le 16 kHz stereo, customer left."""

from __future__ import annotations

import asyncio
import json
import time

import numpy as np
import pytest
import websockets

from app.domain import Provider
from tests.sandbox.helpers import client, vapi_call, wait_for


def _in_progress(sandbox, scenario: str) -> dict:
    call_id = sandbox.start_call(Provider.VAPI, scenario)
    with client(sandbox, Provider.VAPI) as api:
        return wait_for(lambda: (c := vapi_call(api, call_id))["status"] == "in-progress" and c, timeout=10)


async def _listen(url: str, seconds: float) -> tuple[dict, bytes, float]:
    async with websockets.connect(url) as socket:
        start = json.loads(await socket.recv())
        began = time.monotonic()
        pcm = bytearray()
        while time.monotonic() - began < seconds:
            frame = await socket.recv()
            assert isinstance(frame, bytes)
            pcm += frame
        return start, bytes(pcm), time.monotonic() - began


async def test_listen_streams_real_time_stereo_speech(sandbox) -> None:
    call = await asyncio.to_thread(_in_progress, sandbox, "booking")
    start, pcm, elapsed = await _listen(call["monitor"]["listenUrl"], 2.5)
    assert start == {"type": "start", "sampleRate": 16000, "channels": 2, "encoding": "s16le"}
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
    call = await asyncio.to_thread(_in_progress, sandbox, "booking")
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
