"""Text frames of the listen socket: the spec's client-message shapes, with or without `message`, never a crash."""

from __future__ import annotations

import json

import pytest

from app.domain import TurnRole
from app.live.listen_events import (
    ConversationUpdate,
    FrameError,
    OtherEvent,
    SpeechUpdate,
    StartFrame,
    StatusUpdate,
    TranscriptEvent,
    event_as_json,
    parse_frame,
)


@pytest.mark.parametrize("wrap", [lambda e: e, lambda e: {"message": e}])
def test_the_spec_shapes_are_read_with_or_without_an_outer_message(wrap) -> None:
    def frame(event: dict) -> str:
        return json.dumps(wrap(event))

    assert parse_frame(frame({"type": "transcript", "role": "user", "transcriptType": "partial",
                              "transcript": "I want", "timestamp": 1700000000000})) == TranscriptEvent(
        TurnRole.CUSTOMER, "I want", False, 1700000000000.0)
    assert parse_frame(frame({"type": 'transcript[transcriptType="final"]', "role": "assistant",
                              "transcriptType": "final", "transcript": "Sure."})).final
    assert parse_frame(frame({"type": "speech-update", "status": "started", "role": "assistant"})) == SpeechUpdate(
        TurnRole.ASSISTANT, "started")
    assert parse_frame(frame({"type": "status-update", "status": "ended", "endedReason": "customer-ended-call"})) == \
        StatusUpdate("ended", "customer-ended-call")
    update = parse_frame(frame({"type": "conversation-update", "messages": [
        {"role": "bot", "message": "Hello"}, {"role": "user", "message": "Hi"}, {"role": "tool_calls"}, 7]}))
    assert update == ConversationUpdate(((TurnRole.ASSISTANT, "Hello"), (TurnRole.CUSTOMER, "Hi")))
    assert parse_frame(frame({"type": "model-output", "output": "x"})) == OtherEvent("model-output")


def test_start_frames_flat_or_nested() -> None:
    assert parse_frame('{"type":"start","sampleRate":8000,"channels":1,"encoding":"linear16"}') == StartFrame(8000, 1, "linear16")
    assert parse_frame('{"format":{"sample_rate":24000,"encoding":"pcm_mulaw"}}') == StartFrame(24000, None, "pcm_mulaw")


@pytest.mark.parametrize("text", [
    "[" * 100_000,  # once an uncaught RecursionError
    "not json {", "[1, 2]", '"text"', b"\xff\xfe",
    '{"type": "transcript", "role": "user"}',
    '{"type": "transcript", "role": "martian", "transcript": "x"}',
    '{"type": "transcript", "role": "user", "transcript": {"a": 1}}',
    '{"type": 5}', '{"sampleRate": [1], "channels": 2}',
])
def test_anything_unreadable_is_a_frame_error(text) -> None:
    with pytest.raises(FrameError):
        parse_frame(text)


def test_lines_are_bounded_and_events_print_as_plain_json() -> None:
    event = parse_frame(json.dumps({"type": "transcript", "role": "user", "transcriptType": "final",
                                    "transcript": "x" * 100_000}))
    assert isinstance(event, TranscriptEvent) and len(event.text) == 20_000
    line = json.dumps(event_as_json(TranscriptEvent(TurnRole.CUSTOMER, "hi", True)))
    assert json.loads(line) == {"type": "transcript", "role": "customer", "text": "hi", "final": True, "timestamp": None}
