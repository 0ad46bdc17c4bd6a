"""Long call: over N minutes, or over a factor of the assistant's usual duration."""

from __future__ import annotations

from app.live.alerts.call_view import CallView, Finding, seconds_text
from app.live.alerts.settings import LongCall

RULE = "long_call"


def limit(view: CallView, rule: LongCall) -> float:
    seconds = rule.minutes * 60
    if view.usual_seconds:
        seconds = min(seconds, rule.usual_factor * view.usual_seconds)
    return seconds


def check(view: CallView, rule: LongCall) -> list[Finding]:
    if not view.answered or view.elapsed is None or view.elapsed < limit(view, rule):
        return []
    message = f"Running {seconds_text(view.elapsed)}"
    if view.usual_seconds:
        message += (f", {view.elapsed / view.usual_seconds:.1f}× this assistant's usual "
                    f"{seconds_text(view.usual_seconds)}")
    return [Finding(RULE, "long", rule.severity, message, call_seconds=round(view.elapsed, 1))]


def due(view: CallView, rule: LongCall) -> float | None:
    """The call second at which the call becomes long."""
    if not view.answered or view.elapsed is None:
        return None
    seconds = limit(view, rule)
    return seconds if view.elapsed < seconds else None
