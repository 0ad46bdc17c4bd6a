"""Every rule, its settings and whether its alert clears by itself once the condition is over."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.live.alerts import assistant_trouble, long_call, mood, phrases, silence
from app.live.alerts.call_view import CallView, Finding
from app.live.alerts.settings import AlertSettings


@dataclass(frozen=True)
class Rule:
    name: str
    check: Callable[[CallView, Any], list[Finding]]
    clears: bool  # True: over when the condition is; False: stays until someone has it
    # For a rule time alone can make true: the call second it would, the call unchanged (None: never).
    due: Callable[[CallView, Any], float | None] | None = None

    @property
    def timed(self) -> bool:
        return self.due is not None


RULES = (
    Rule("silence", silence.check, clears=True, due=silence.due),
    Rule("long_call", long_call.check, clears=True, due=long_call.due),
    Rule("phrases", phrases.check, clears=False),
    Rule("sentiment", mood.check, clears=False),
    Rule("repeated_reply", assistant_trouble.repeated_reply, clears=False),
    Rule("tool_failure", assistant_trouble.tool_failure, clears=False),
    Rule("hang", assistant_trouble.hang, clears=True, due=assistant_trouble.hang_due),
    Rule("turn_latency", assistant_trouble.turn_latency, clears=False),
    Rule("error_ending", assistant_trouble.error_ending, clears=False),
)
CLEARS = {rule.name: rule.clears for rule in RULES}
TIMED = tuple(rule for rule in RULES if rule.timed)


def findings(view: CallView, settings: AlertSettings, rules: tuple[Rule, ...] = RULES) -> list[Finding]:
    found: list[Finding] = []
    for rule in rules:
        rule_settings = getattr(settings, rule.name)
        if rule_settings.enabled:
            found.extend(rule.check(view, rule_settings))
    return found


def next_due(view: CallView, settings: AlertSettings) -> float | None:
    """The first call second at which time alone could make a rule find something new."""
    dues = [due for rule in TIMED if rule.due is not None and getattr(settings, rule.name).enabled
            and (due := rule.due(view, getattr(settings, rule.name))) is not None]
    return min(dues, default=None)
