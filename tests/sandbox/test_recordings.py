"""Recordings decode, last as long as the call, and hold both sides on their own channels."""

from __future__ import annotations

import asyncio
import contextlib
import io

import httpx
import numpy as np
import soundfile as sf
import websockets

from app.domain import Provider
from app.sandbox.call_facts import parse_iso
from tests.sandbox.helpers import client, vapi_call, wait_for


def decode(api: httpx.Client, url: str) -> tuple[np.ndarray, int]:
    response = api.get(url)
    assert response.status_code == 200
    return sf.read(io.BytesIO(response.content), dtype="int16")


def call_seconds(call: dict) -> float:
    return (parse_iso(call["endedAt"]) - parse_iso(call["startedAt"])) / 1000


def test_history_recordings_match_the_call(sandbox) -> None:
    with client(sandbox, Provider.VAPI) as api:
        call = next(c for c in api.get("/call").json() if c["status"] == "ended")
        recording = call["artifact"]["recording"]
        stereo, rate = decode(api, recording["stereoUrl"])
        mono, _ = decode(api, recording["mono"]["combinedUrl"])
        customer, _ = decode(api, recording["mono"]["customerUrl"])
        assistant, _ = decode(api, recording["mono"]["assistantUrl"])
    assert rate == 16000 and stereo.shape[1] == 2 and mono.ndim == 1
    assert abs(len(stereo) / rate - call_seconds(call)) < 0.01
    assert len(mono) == len(customer) == len(assistant) == len(stereo)
    assert np.array_equal(customer, stereo[:, 0]) and np.array_equal(assistant, stereo[:, 1])
    for message in call["artifact"]["messages"]:
        if message["role"] in ("user", "bot"):
            start = int(message["secondsFromStart"] * rate)
            channel = 0 if message["role"] == "user" else 1
            assert np.abs(stereo[start : start + rate // 2, channel]).max() > 1000, message["message"]


def test_live_call_recording_matches_its_length(sandbox_factory) -> None:
    sandbox = sandbox_factory(live=0, history=0, speed=8.0, analysis_delay=0.5)
    call_id = sandbox.start_call(Provider.VAPI, "voicemail")
    with client(sandbox, Provider.VAPI) as api:
        call = wait_for(lambda: (c := vapi_call(api, call_id))["status"] == "ended" and c, timeout=20)
        stereo, rate = decode(api, call["artifact"]["stereoRecordingUrl"])
        hms = sandbox_factory(live=0, history=2)
        with client(hms, Provider.HMS) as hms_api:
            hms_url = hms_api.get("/calls").json()["calls"][0]["recording_url"]
            hms_mono, _ = decode(hms_api, hms_url)
    assert abs(len(stereo) / rate - call_seconds(call)) < 0.01
    assert np.abs(stereo[:, 0]).max() > 1000 and np.abs(stereo[:, 1]).max() > 1000
    assert hms_mono.ndim == 1 and len(hms_mono) > rate


async def test_recording_is_exactly_what_was_streamed(sandbox_factory) -> None:
    sandbox = await asyncio.to_thread(sandbox_factory, live=0, history=0, speed=8.0, analysis_delay=0.5)
    call_id = await asyncio.to_thread(sandbox.start_call, Provider.VAPI, "voicemail")
    api = client(sandbox, Provider.VAPI)
    call = await asyncio.to_thread(vapi_call, api, call_id)
    pcm = bytearray()
    async with websockets.connect(call["monitor"]["listenUrl"]) as socket:
        await socket.recv()
        with contextlib.suppress(websockets.ConnectionClosedOK):
            while True:
                if isinstance(frame := await socket.recv(), bytes):  # text frames are the call's events
                    pcm += frame
    streamed = np.frombuffer(bytes(pcm), dtype="<i2").reshape(-1, 2)
    ended = await asyncio.to_thread(lambda: wait_for(lambda: (c := vapi_call(api, call_id))["status"] == "ended" and c))
    recorded, _ = await asyncio.to_thread(decode, api, ended["artifact"]["stereoRecordingUrl"])
    api.close()
    # The stream starts with ringing silence; from the first sound on, both hold the same samples.
    first_streamed = np.flatnonzero(streamed.any(axis=1))[0]
    first_recorded = np.flatnonzero(recorded.any(axis=1))[0]
    length = min(len(streamed) - first_streamed, len(recorded) - first_recorded)
    assert length > 5 * 16000
    assert np.array_equal(streamed[first_streamed : first_streamed + length], recorded[first_recorded : first_recorded + length])
