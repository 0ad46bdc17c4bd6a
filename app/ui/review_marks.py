"""Where a review's comments show on the call: a moment of the recording, a turn of the transcript.

A comment anchored only to a turn sits at that turn's start on the waveform; one anchored only to
a moment is counted on the turn being heard then. A comment on the whole call shows in neither.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.audio.timeline import turn_at
from app.domain import Turn
from app.store.reviews import Comment
from app.ui.recording_labels import CommentMark


def waveform_marks(comments: Sequence[Comment], turns: Sequence[Turn], author: str = "") -> list[CommentMark]:
    marks = []
    for comment in comments:
        seconds = comment.at_seconds
        if seconds is None and comment.turn_index is not None and 0 <= comment.turn_index < len(turns):
            seconds = turns[comment.turn_index].start
        if seconds is not None:
            marks.append(CommentMark(float(seconds), comment.text, author))
    return marks


def transcript_marks(comments: Sequence[Comment], turns: Sequence[Turn]) -> dict[int, list[str]]:
    by_turn: dict[int, list[str]] = {}
    for comment in comments:
        turn = comment.turn_index
        if turn is None and comment.at_seconds is not None:
            turn = turn_at(turns, comment.at_seconds)
        if turn is not None and 0 <= turn < len(turns):
            by_turn.setdefault(turn, []).append(comment.text)
    return by_turn
