"""Silence: nobody speaks for N seconds.

From the listen levels when the call is being listened to (exact); otherwise from the turn
times, and only while it is the customer's turn (after the assistant's line, or before anyone
spoke): after the customer's line a quiet assistant is the `hang` rule's business. Lines reach
the transcript once said, so a long line in progress looks like quiet: keep `seconds` generous.
"""

from __future__ import annotations

from app.domain import Turn, TurnRole
from app.live.alerts.call_view import CallView, Finding, last_spoken, quote, seconds_text, turn_end
from app.live.alerts.settings import Silence

RULE = "silence"


def _quiet_since(view: CallView) -> tuple[int | None, Turn | None, float] | None:
    """From the turn times: the last line (if any) and when it ended, while it is the customer's turn."""
    latest = last_spoken(view.call)
    if latest and latest[1].role is TurnRole.CUSTOMER:
        return None
    index, last = latest if latest else (None, None)
    return index, last, (turn_end(last) if last is not None else 0.0) or 0.0


def check(view: CallView, rule: Silence) -> list[Finding]:
    if not view.answered or view.elapsed is None:
        return []
    if view.ear_quiet is not None:
        if view.ear_quiet < rule.seconds:
            return []
        moment = max(0.0, view.elapsed - view.ear_quiet)
        return [Finding(RULE, f"heard-{view.ear_quiet_since or 0:.1f}", rule.severity,
                        f"Nobody has spoken for {seconds_text(view.ear_quiet)} (listen levels)",
                        call_seconds=round(moment, 1))]
    quiet = _quiet_since(view)
    if quiet is None:
        return []
    index, last, since = quiet
    if view.elapsed - since < rule.seconds:
        return []
    return [Finding(RULE, f"after-{since:.1f}", rule.severity, f"Nobody has spoken for {seconds_text(view.elapsed - since)}",
                    quote(last.text) if last is not None else "", index, round(since, 1))]


def due(view: CallView, rule: Silence) -> float | None:
    """The call second at which the quiet will have lasted long enough, if nothing is said before."""
    if not view.answered or view.elapsed is None:
        return None
    if view.ear_quiet is not None:
        return view.elapsed + rule.seconds - view.ear_quiet if view.ear_quiet < rule.seconds else None
    quiet = _quiet_since(view)
    return quiet[2] + rule.seconds if quiet is not None and view.elapsed - quiet[2] < rule.seconds else None
