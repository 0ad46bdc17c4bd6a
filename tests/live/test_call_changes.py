"""The change feed behind `switchboard watch`: each fact told once, whichever source brought it."""

from __future__ import annotations

import json

from app.domain import Turn, TurnRole
from app.live.call_changes import CallChange, CallChangeFeed
from app.live.listen_events import TranscriptEvent
from app.live.registry import CallRegistry
from app.live.transcript_events import LiveTranscript
from tests.live.calls import make_call

C, A = TurnRole.CUSTOMER, TurnRole.ASSISTANT


def told(changes: list[CallChange]) -> list[tuple]:
    return [(c.type, c.fields.get("status") or (c.fields.get("role"), c.fields.get("text"), c.fields.get("final")))
            for c in changes]


def test_appeared_status_turns_partial_and_end_each_once() -> None:
    registry = CallRegistry()
    changes: list[CallChange] = []
    feed = CallChangeFeed(registry, changes.append, call_id="c")
    registry.merge([make_call("c", status="ringing"), make_call("other")])
    registry.merge([make_call("c", updated=1, turns=(Turn(role=A, text="Hello."),))])
    live = LiveTranscript(registry, "c", clock=lambda: 0.0)
    live.apply(TranscriptEvent(C, "I want", final=False))
    live.apply(TranscriptEvent(C, "I want a table", final=True))
    # polling brings the same line in the platform's wording, then the end
    registry.merge([make_call("c", updated=2, turns=(Turn(role=A, text="Hello."), Turn(role=C, text="I want a table.")))])
    live.close()
    registry.merge([make_call("c", status="ended", updated=3, ended_reason="customer-ended-call",
                              turns=(Turn(role=A, text="Hello."), Turn(role=C, text="I want a table.")))])
    feed.close()
    assert told(changes) == [
        ("call-appeared", "ringing"),
        ("status-changed", "in-progress"),
        ("turn", ("assistant", "Hello.", True)),
        ("turn", ("customer", "I want", False)),
        ("turn", ("customer", "I want a table", True)),
        ("call-ended", "ended"),
    ]
    line = changes[-1].as_json()
    assert json.loads(json.dumps(line)) == line
    assert {"type", "at", "provider", "call_id"} <= set(line) and line["ended_reason"] == "customer-ended-call"


def test_a_call_already_over_is_told_without_its_whole_transcript() -> None:
    registry = CallRegistry()
    registry.merge([make_call("old", status="ended", turns=(Turn(role=A, text="Bye."),))])
    changes: list[CallChange] = []
    CallChangeFeed(registry, changes.append)
    assert [c.type for c in changes] == ["call-appeared", "call-ended"]
