"""What a rule looks at: one call at one moment, plus what the console heard and measured of it."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain import Call, CallStatus, Turn, TurnRole
from app.domain.alert import Severity

QUOTE_LIMIT = 300  # characters of platform text an alert keeps


@dataclass(frozen=True)
class CallView:
    call: Call
    elapsed: float | None  # seconds since the call was answered, while it is in progress
    ear_quiet: float | None = None  # seconds nobody was heard on the listen socket (None: not listening)
    ear_quiet_since: float | None = None  # epoch seconds of the last speech heard, names the episode
    usual_seconds: float | None = None  # the assistant's median duration
    moods: tuple[float | None, ...] = ()  # VADER compound of each customer turn, None = not scored yet
    hang_events: tuple[float, ...] = ()  # call seconds of `hang` events the platform sent

    @property
    def answered(self) -> bool:
        return self.call.status == CallStatus.IN_PROGRESS and self.elapsed is not None


@dataclass(frozen=True)
class Finding:
    """A rule's verdict: this episode of trouble is there now."""

    rule: str
    episode: str  # the same episode is raised once
    severity: Severity
    message: str
    text: str = ""
    turn: int | None = None
    call_seconds: float | None = None


def quote(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= QUOTE_LIMIT else text[: QUOTE_LIMIT - 1] + "…"


def spoken(call: Call) -> list[tuple[int, Turn]]:
    """(index, turn) of the lines the customer and the assistant said, in transcript order."""
    return [(i, t) for i, t in enumerate(call.turns)
            if t.role in (TurnRole.CUSTOMER, TurnRole.ASSISTANT) and t.text.strip()]


def last_spoken(call: Call) -> tuple[int, Turn] | None:
    """The last line either side said (without walking the whole transcript, as `spoken` does)."""
    for index in range(len(call.turns) - 1, -1, -1):
        turn = call.turns[index]
        if turn.role in (TurnRole.CUSTOMER, TurnRole.ASSISTANT) and turn.text.strip():
            return index, turn
    return None


def turn_end(turn: Turn) -> float | None:
    return turn.end if turn.end is not None else turn.start


def seconds_text(seconds: float) -> str:
    whole = int(round(seconds))
    return f"{whole} s" if whole < 60 else f"{whole // 60} min {whole % 60:02d} s"
