"""Calm accent colours for roles and outcomes, derived from the current palette (light or dark)."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtGui import QColor, QPalette

from app.domain import Outcome, TurnRole


class Tone(StrEnum):
    CUSTOMER = "customer"
    ASSISTANT = "assistant"
    SYSTEM = "system"
    TOOL = "tool"
    GOOD = "good"
    BAD = "bad"
    WARN = "warn"
    NEUTRAL = "neutral"
    REVIEW = "review"  # QA reviewers' comments on the recording and transcript
    SUPERVISOR = "supervisor"  # lines a supervisor made the assistant say


# (light palette, dark palette): muted hues that stay readable as text on both backgrounds.
_ACCENTS: dict[Tone, tuple[str, str]] = {
    Tone.CUSTOMER: ("#2b7a6f", "#5cbfae"),
    Tone.ASSISTANT: ("#3563c9", "#7ea3f0"),
    Tone.SYSTEM: ("#8f5c00", "#e0aa4a"),
    Tone.TOOL: ("#7a4fb5", "#b594e6"),
    Tone.GOOD: ("#1f7535", "#6cc982"),
    Tone.BAD: ("#b3261e", "#f08a80"),
    Tone.WARN: ("#865500", "#e3b050"),
    Tone.NEUTRAL: ("#5f6670", "#a3aab4"),
    Tone.REVIEW: ("#c2185b", "#f48fb1"),
    Tone.SUPERVISOR: ("#a5460a", "#f0a36a"),
}


# What came of a command (an Outcome value; pending and not-sent read as neutral).
OUTCOME_TONES: dict[str, Tone] = {
    Outcome.ACCEPTED: Tone.GOOD,
    Outcome.REFUSED: Tone.BAD,
    Outcome.UNKNOWN: Tone.WARN,
}


def outcome_tone(outcome: str) -> Tone:
    return OUTCOME_TONES.get(outcome, Tone.NEUTRAL)


ROLE_TONES: dict[TurnRole | str, Tone] = {
    TurnRole.CUSTOMER: Tone.CUSTOMER,
    TurnRole.ASSISTANT: Tone.ASSISTANT,
    TurnRole.SYSTEM: Tone.SYSTEM,
    TurnRole.TOOL: Tone.TOOL,
}


def lane_tones(channels: int) -> tuple[Tone, ...]:
    """A recording's lanes in the speakers' colours: stereo is customer left, assistant right."""
    return (Tone.CUSTOMER, Tone.ASSISTANT) if channels == 2 else (Tone.NEUTRAL,) * channels


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def mix(a: QColor, b: QColor, t: float) -> QColor:
    """The colour t of the way from a to b."""
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * t,
        a.greenF() + (b.greenF() - a.greenF()) * t,
        a.blueF() + (b.blueF() - a.blueF()) * t,
    )


def accent(tone: Tone, palette: QPalette) -> QColor:
    light, dark = _ACCENTS[tone]
    return QColor(dark if is_dark(palette) else light)


def tint(tone: Tone, palette: QPalette, strength: float = 1.0) -> QColor:
    """A background wash of the tone over the palette's base colour."""
    base = palette.color(QPalette.ColorRole.Base)
    amount = (0.16 if is_dark(palette) else 0.09) * strength
    return mix(base, accent(tone, palette), amount)


def muted_text(palette: QPalette) -> QColor:
    return mix(palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base), 0.33)


def style_color(tone: Tone, palette: QPalette) -> str:
    """The accent as a stylesheet colour."""
    return accent(tone, palette).name()
