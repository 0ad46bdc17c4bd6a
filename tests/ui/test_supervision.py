"""Which assistant turns speak a supervisor's line, and who ended a call, from audit-like rows."""

from __future__ import annotations

from app.domain import Turn, TurnRole
from app.ui.supervision import Supervision, from_commands, supervisor_rows


def test_lines_match_the_assistant_turn_that_spoke_them_once():
    turns = (Turn(role=TurnRole.CUSTOMER, text="Please hold, one moment."),
             Turn(role=TurnRole.ASSISTANT, text="How can I help?"),
             Turn(role=TurnRole.ASSISTANT, text="please hold, ONE moment"),
             Turn(role=TurnRole.ASSISTANT, text="Please hold one moment."))
    assert supervisor_rows(turns, ["Please hold, one moment."]) == {2}
    assert supervisor_rows(turns, ["Please hold, one moment.", "Please hold one moment"]) == {2, 3}
    assert supervisor_rows(turns, ["Something else"]) == set()


def test_only_commands_that_may_have_reached_the_call_count():
    rows = [("say", {"text": "refused line"}, "refused", "ann"),
            ("say", {"text": "kept line"}, "unknown", "ann"),
            ("end", {}, "unknown", "bob"),  # may have ended it: not claimed
            ("say", {"text": "bye", "end_after": True}, "accepted", "cy")]
    assert from_commands(rows) == Supervision(("kept line", "bye"), "cy")
