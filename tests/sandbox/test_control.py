"""Vapi monitor.controlUrl commands have real effects on the call, its transcript and its audio."""

from __future__ import annotations

import io
from typing import Any

import httpx
import numpy as np
import pytest
import soundfile as sf

from app.domain import Provider
from app.sandbox.call_facts import parse_iso
from app.sandbox.embedded import EmbeddedSandbox
from app.sandbox.player import INJECT_REPLY
from tests.sandbox.helpers import client, command, in_progress, vapi_call, wait_for


@pytest.fixture
def api(brisk: EmbeddedSandbox) -> httpx.Client:
    with client(brisk, Provider.VAPI) as api:
        yield api


def messages(api: httpx.Client, call_id: str) -> list[dict[str, Any]]:
    return vapi_call(api, call_id).get("artifact", {}).get("messages", [])


def stereo(api: httpx.Client, call_id: str) -> np.ndarray:
    ended = wait_for(lambda: (c := vapi_call(api, call_id))["status"] == "ended" and c, timeout=15)
    wav = api.get(ended["artifact"]["recording"]["stereoUrl"])
    data, rate = sf.read(io.BytesIO(wav.content), dtype="int16")
    assert rate == 16000 and data.shape[1] == 2
    return data


def span(data: np.ndarray, message: dict[str, Any], channel: int) -> np.ndarray:
    start = int(message["secondsFromStart"] * 16000)
    return data[start : start + int(message["duration"] / 1000 * 16000), channel]


def test_say_is_spoken_by_the_assistant(brisk, api) -> None:
    call = in_progress(brisk)
    assert command(call, {"type": "say", "content": "A supervisor is listening in today."}).status_code == 200
    said = wait_for(lambda: [m for m in messages(api, call["id"]) if m["message"] == "A supervisor is listening in today."])
    assert said[0]["role"] == "bot" and said[0]["endTime"] > said[0]["time"]
    command(call, {"type": "end-call"})
    audio = span(stereo(api, call["id"]), said[0], channel=1)
    assert np.sqrt(np.mean(audio.astype(float) ** 2)) > 300


def test_say_then_end(brisk, api) -> None:
    call = in_progress(brisk)
    command(call, {"type": "say", "content": "Goodbye for now.", "endCallAfterSpoken": True})
    ended = wait_for(lambda: (c := vapi_call(api, call["id"]))["status"] == "ended" and c)
    assert ended["endedReason"] == "assistant-ended-call-after-message-spoken"
    assert any(m["message"] == "Goodbye for now." for m in ended["artifact"]["messages"])


def test_add_message_adds_context_and_a_spoken_reply(brisk, api) -> None:
    call = in_progress(brisk)
    body = {"type": "add-message", "message": {"role": "system", "content": "Offer a free dessert."},
            "triggerResponseEnabled": True}
    assert command(call, body).status_code == 200
    found = wait_for(lambda: (ms := messages(api, call["id"])) and any(m["message"] == INJECT_REPLY for m in ms) and ms)
    system = [m for m in found if m["role"] == "system" and m["message"] == "Offer a free dessert."]
    reply = next(m for m in found if m["message"] == INJECT_REPLY)
    assert system and reply["secondsFromStart"] >= system[0]["secondsFromStart"]


def test_add_message_without_response_stays_silent(brisk, api) -> None:
    call = in_progress(brisk)
    body = {"type": "add-message", "message": {"role": "system", "content": "Customer is a VIP."},
            "triggerResponseEnabled": False}
    command(call, body)
    command(call, {"type": "end-call"})
    final = wait_for(lambda: (c := vapi_call(api, call["id"]))["status"] == "ended" and c)
    texts = [m.get("message") for m in final["artifact"]["messages"]]
    assert "Customer is a VIP." in texts and INJECT_REPLY not in texts


def test_mute_silences_that_side_until_unmuted(brisk, api) -> None:
    call = in_progress(brisk)
    assert command(call, {"type": "control", "control": "mute-customer"}).status_code == 200
    first = wait_for(lambda: [m for m in messages(api, call["id"]) if m["role"] == "user"])[0]
    command(call, {"type": "control", "control": "unmute-customer"})
    command(call, {"type": "control", "control": "mute-assistant"})
    later = wait_for(lambda: [m for m in messages(api, call["id"]) if m["role"] == "user"][1:], timeout=30)[0]
    # The assistant's answer to `later` surely began after it was muted.
    answer = wait_for(lambda: [m for m in messages(api, call["id"])
                               if m["role"] == "bot" and m["secondsFromStart"] > later["secondsFromStart"]], timeout=30)[0]
    command(call, {"type": "end-call"})
    data = stereo(api, call["id"])
    assert not span(data, first, channel=0).any()  # the customer spoke, but muted
    assert np.abs(span(data, later, channel=0)).max() > 1000  # heard again after unmute
    assert not span(data, answer, channel=1).any()  # the assistant spoke, but muted


@pytest.mark.parametrize(
    ("destination", "recorded"),
    [({"type": "number", "number": "+15557654321"}, {"type": "number", "number": "+15557654321"}),
     ({"type": "sip", "sipUri": "sip:desk@example.com"}, {"type": "sip", "sipUri": "sip:desk@example.com"})],
)
def test_transfer_forwards_then_ends(brisk, api, destination, recorded) -> None:
    call = in_progress(brisk)
    response = command(call, {"type": "transfer", "destination": destination, "content": "Transferring you now."})
    assert response.status_code == 200
    assert vapi_call(api, call["id"])["status"] == "forwarding"
    ended = wait_for(lambda: (c := vapi_call(api, call["id"]))["status"] == "ended" and c)
    assert ended["endedReason"] == "assistant-forwarded-call" and ended["destination"] == recorded
    assert any(m["message"] == "Transferring you now." for m in ended["artifact"]["messages"])


def test_end_call_ends_at_once(brisk, api) -> None:
    call = in_progress(brisk)
    assert command(call, {"type": "end-call"}).status_code == 200
    ended = vapi_call(api, call["id"])
    assert ended["status"] == "ended" and ended["endedReason"] == "assistant-ended-call"
    again = command(call, {"type": "say", "content": "Hello?"})
    assert again.status_code == 400 and again.json()["statusCode"] == 400


def test_bad_commands_are_refused(brisk, api) -> None:
    call = in_progress(brisk)
    for body in ({"type": "dance"}, {"type": "say"}, {"type": "control", "control": "mute-everyone"},
                 {"type": "transfer", "destination": {"type": "number", "number": "12"}}):
        assert command(call, body).status_code == 400, body
    assert api.post(call["monitor"]["controlUrl"], content=b"{not json").status_code == 400
    assert vapi_call(api, call["id"])["status"] == "in-progress"
    missing = api.post(call["monitor"]["controlUrl"].replace(call["id"], "00000000-0000-4000-8000-000000000000"),
                       json={"type": "end-call"})
    assert missing.status_code == 404


def test_a_line_cut_off_by_the_end_is_logged_as_far_as_it_got(brisk, api) -> None:
    call = in_progress(brisk, "voicemail")  # the assistant is silent at first, so `say` starts at once
    long_line = "This is a rather long announcement that will certainly be interrupted before it is finished."
    command(call, {"type": "say", "content": long_line})
    command(call, {"type": "end-call"})
    ended = vapi_call(api, call["id"])
    said = next(m for m in ended["artifact"]["messages"] if m["message"] == long_line)
    assert said["secondsFromStart"] + said["duration"] / 1000 <= (
        (parse_iso(ended["endedAt"]) - parse_iso(ended["startedAt"])) / 1000 + 0.01)
