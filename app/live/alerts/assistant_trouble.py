"""Assistant trouble: the same reply again and again, a failed tool call, no answer (`hang`),
a slow answer, an ended reason that names an error."""

from __future__ import annotations

import json
import re
from collections import Counter

from app.domain import Turn, TurnRole
from app.live.alerts.call_view import (
    CallView,
    Finding,
    last_spoken,
    quote,
    seconds_text,
    spoken,
    turn_end,
)
from app.live.alerts.line_cache import per_line
from app.live.alerts.phrases import plain
from app.live.alerts.settings import ErrorEnding, Hang, RepeatedReply, ToolFailure, TurnLatency


def repeated_reply(view: CallView, rule: RepeatedReply) -> list[Finding]:
    counts: Counter[str] = Counter()
    for index, turn in enumerate(view.call.turns):
        if turn.role is not TurnRole.ASSISTANT or not turn.text.strip():
            continue
        key = plain(turn.text)
        counts[key] += 1
        if counts[key] >= rule.times:
            return [Finding("repeated_reply", "same-reply", rule.severity,
                            f"The assistant said the same thing {counts[key]} times", quote(turn.text), index,
                            turn.start)]
    return []


@per_line(maxsize=20_000)
def failed(result: str | None) -> bool:
    """A tool result that reports an error: {"error": ...}, {"status": "error"|"failed"}, or "Error: …"."""
    if not result:
        return False
    try:
        body = json.loads(result)
    except ValueError:
        return plain(result).startswith(("error", "failed"))
    if isinstance(body, dict):
        return bool(body.get("error")) or str(body.get("status", "")).lower() in ("error", "failed")
    return False


def tool_failure(view: CallView, rule: ToolFailure) -> list[Finding]:
    for index, turn in enumerate(view.call.turns):
        if turn.role is TurnRole.TOOL and failed(turn.tool_result):
            name = turn.tool_name or "A tool"
            return [Finding("tool_failure", "tool", rule.severity, f"{name} failed", quote(turn.tool_result),
                            index, turn.start)]
    return []


def _unanswered(view: CallView) -> tuple[int, Turn, float] | None:
    """The customer's last line, still unanswered, and when it ended."""
    latest = last_spoken(view.call)
    if view.answered and view.elapsed is not None and latest and latest[1].role is TurnRole.CUSTOMER:
        index, turn = latest
        return index, turn, turn_end(turn) or 0.0
    return None


def hang(view: CallView, rule: Hang) -> list[Finding]:
    found = [Finding("hang", f"event-{at:.1f}", rule.severity, "No answer in time (the platform's hang event)",
                     call_seconds=at) for at in view.hang_events]
    waiting = _unanswered(view)
    if waiting is not None and view.elapsed is not None:
        index, turn, ended = waiting
        waited = view.elapsed - ended
        if waited >= rule.seconds:
            found.append(Finding("hang", f"turn-{index}", rule.severity,
                                 f"No answer for {seconds_text(waited)}", quote(turn.text),
                                 index, turn_end(turn)))
    return found


def hang_due(view: CallView, rule: Hang) -> float | None:
    """The call second at which the customer will have waited too long for an answer."""
    waiting = _unanswered(view)
    if waiting is None or view.elapsed is None or view.elapsed - waiting[2] >= rule.seconds:
        return None
    return waiting[2] + rule.seconds


def turn_latency(view: CallView, rule: TurnLatency) -> list[Finding]:
    lines = spoken(view.call)
    for (_, asked), (index, answer) in zip(lines, lines[1:], strict=False):
        if asked.role is not TurnRole.CUSTOMER or answer.role is not TurnRole.ASSISTANT:
            continue
        asked_end, answered = turn_end(asked), answer.start
        if asked_end is None or answered is None:
            continue
        if answered - asked_end > rule.seconds:
            return [Finding("turn_latency", "slow", rule.severity,
                            f"The assistant took {answered - asked_end:.1f} s to answer", quote(answer.text), index,
                            answered)]
    return []


def error_ending(view: CallView, rule: ErrorEnding) -> list[Finding]:
    reason = view.call.ended_reason or ""
    words = set(re.split(r"[^a-z0-9]+", reason.lower()))
    if not reason or not words & {w.lower() for w in rule.words}:
        return []
    return [Finding("error_ending", "ended", rule.severity, "The call ended in error", quote(reason),
                    call_seconds=view.call.duration_seconds)]
