"""How a severity looks (colour, words) and how an alert reads in one line: shared by the queue,
the wall and the call list so a critical alert looks the same everywhere."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

from app.domain.alert import Severity
from app.live.alerts.settings import RULE_TITLES
from app.ui.tones import Tone, accent, is_dark, mix

SEVERITY_TONES = {Severity.CRITICAL: Tone.BAD, Severity.WARNING: Tone.WARN, Severity.INFO: Tone.NEUTRAL}
SEVERITY_WORDS = {Severity.CRITICAL: "CRITICAL", Severity.WARNING: "Warning", Severity.INFO: "Info"}


def severity_colour(severity: Severity, palette: QPalette) -> QColor:
    return accent(SEVERITY_TONES[severity], palette)


def severity_fill(severity: Severity, palette: QPalette) -> QColor:
    """A tint of the severity over the base colour: strong enough to find, light enough to read on."""
    base = palette.color(QPalette.ColorRole.Base)
    strength = {Severity.CRITICAL: 0.28, Severity.WARNING: 0.2, Severity.INFO: 0.08}[severity]
    return mix(base, severity_colour(severity, palette), strength + (0.06 if is_dark(palette) else 0.0))


def rule_title(rule: str) -> str:
    return RULE_TITLES.get(rule, rule.replace("_", " ").capitalize())


