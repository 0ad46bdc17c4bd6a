"""An alert on a call: which rule, how severe, the moment and the turn that triggered it, who has it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """Higher is more urgent: queues and the wall sort by it."""
        return _RANKS[self]


_RANKS = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}


@dataclass(frozen=True)
class Alert:
    """One episode of trouble on one call, raised once; `cleared_at` once the rule says it is over."""

    id: str  # account/call/rule/episode: the same episode is never raised twice
    rule: str
    severity: Severity
    account_id: str
    call_id: str
    provider: str
    message: str  # what happened, in plain words
    text: str  # what was said (or done) that triggered it, as the platform sent it
    raised_at: datetime
    call_seconds: float | None = None  # the moment in the call
    turn: int | None = None  # index of the triggering turn in the call's transcript
    cleared_at: datetime | None = None
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    snoozed_until: datetime | None = None

    def is_open(self, now: datetime) -> bool:
        """In the triage queue: not over, nobody has it, not snoozed."""
        if self.cleared_at is not None or self.acknowledged_by is not None:
            return False
        return self.snoozed_until is None or self.snoozed_until <= now

    def with_changes(self, **changes: object) -> Alert:
        return replace(self, **changes)  # type: ignore[arg-type]


def triage_key(alert: Alert) -> tuple[int, datetime]:
    """Most severe first, then oldest first."""
    return (-alert.severity.rank, alert.raised_at)
