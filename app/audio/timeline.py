"""Where a playback position falls among a call's turns (for highlighting and N/P stepping)."""

from __future__ import annotations

from collections.abc import Sequence

from app.domain import Turn

STEP_BACK_GRACE = 1.0  # seconds: P just after a turn starts goes to the one before, like a CD player


def turn_at(turns: Sequence[Turn], seconds: float) -> int | None:
    """The turn being heard: the last one started at or before `seconds` (the one before a pause
    stays lit through the pause). None before the first timed turn."""
    found = None
    for index, turn in enumerate(turns):
        if turn.start is not None and turn.start <= seconds:
            if found is None or turn.start >= (turns[found].start or 0.0):
                found = index
    return found


def step_turn(turns: Sequence[Turn], seconds: float, direction: int) -> float | None:
    """The start of the next (direction > 0) or previous turn from `seconds`; None when there is none."""
    starts = sorted({t.start for t in turns if t.start is not None})
    if direction > 0:
        return next((s for s in starts if s > seconds + 0.05), None)
    begun = [s for s in starts if s <= seconds]
    if not begun:
        return None
    if seconds - begun[-1] > STEP_BACK_GRACE:
        return begun[-1]  # back to the start of the turn being heard
    return begun[-2] if len(begun) > 1 else begun[-1]
