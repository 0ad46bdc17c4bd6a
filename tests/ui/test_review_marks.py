"""Where a review's comments land: a moment of the recording and a turn of the transcript."""

from __future__ import annotations

from app.domain import Turn, TurnRole
from app.store.reviews import Comment
from app.ui.recording_labels import CommentMark
from app.ui.review_marks import transcript_marks, waveform_marks

TURNS = (
    Turn(role=TurnRole.ASSISTANT, text="Hello", start=0.5, end=3.0),
    Turn(role=TurnRole.CUSTOMER, text="My order", start=3.5, end=7.0),
    Turn(role=TurnRole.ASSISTANT, text="Found it", start=8.0, end=12.0),
    Turn(role=TurnRole.CUSTOMER, text="untimed"),
)


def comment(n: int, text: str, seconds: float | None, turn: int | None) -> Comment:
    return Comment(n, text, seconds, turn, None)


def test_each_comment_lands_on_its_moment_and_its_turn():
    comments = [
        comment(1, "both anchors", 9.0, 2),
        comment(2, "a turn alone: at its start", None, 1),
        comment(3, "a moment alone: on the turn heard then", 5.0, None),
        comment(4, "the whole call", None, None),
        comment(5, "a turn without time", None, 3),
        comment(6, "a turn the transcript no longer has", None, 40),
        comment(7, "before anyone spoke", 0.1, None),
    ]
    assert waveform_marks(comments, TURNS, "ria") == [
        CommentMark(9.0, "both anchors", "ria"),
        CommentMark(3.5, "a turn alone: at its start", "ria"),
        CommentMark(5.0, "a moment alone: on the turn heard then", "ria"),
        CommentMark(0.1, "before anyone spoke", "ria"),
    ]
    assert transcript_marks(comments, TURNS) == {
        2: ["both anchors"],
        1: ["a turn alone: at its start", "a moment alone: on the turn heard then"],
        3: ["a turn without time"],
    }


def test_a_mark_label_is_short_and_its_tooltip_says_it_all():
    mark = CommentMark(75.0, "The assistant promised a call back   but never\nlogged the ticket", "sam")
    assert mark.label == "✎ The assistant promised a…"
    assert mark.tooltip == "1:15 · sam\nThe assistant promised a call back   but never\nlogged the ticket"
    assert CommentMark(3.0, "Fine").tooltip == "0:03\nFine"
