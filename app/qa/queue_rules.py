"""Which ended calls a QA team reviews, and why: the sampling plan as pure rules.

A call is picked by any of: a share sampled at random (the same calls on every run and every
console: the draw is a hash of the call id), a failed success evaluation, a transfer, a critical
alert, or a duration under a limit. Every rule that picks it is a reason; a call is queued once.
"""

from __future__ import annotations

import functools
import json
import zlib
from dataclasses import asdict, dataclass, fields
from typing import NamedTuple

from app.domain import LIVE_STATUSES
from app.domain.success import success_passed

SAMPLED = "sampled"
NOT_SUCCESSFUL = "not successful"
TRANSFERRED = "transferred"
CRITICAL_ALERT = "critical alert"
SHORT = "short"


@dataclass(frozen=True)
class QueueRules:
    sample_percent: float = 5.0  # of each assistant's calls each day, drawn by call id
    not_successful: bool = True
    transferred: bool = True
    critical_alert: bool = True
    shorter_than_seconds: float | None = 10.0  # None: no duration rule

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> QueueRules:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in json.loads(text).items() if k in known})


class CallFacts(NamedTuple):  # a tuple: built for every call of a day, 100 000 at a time
    """What the rules read of a cached call."""

    call_id: str
    status: str
    success_evaluation: str | None
    ended_reason: str | None
    duration_seconds: float | None
    critical_alert: bool


_DRAWS_PER_PERCENT = 2**32 / 100


def sampled(call_id: str, percent: float) -> bool:
    """Whether the call falls in the sampled share: the same answer for the same id on every run and
    every console. CRC-32 spreads ids (UUIDs or counters) evenly over its range (tested) at a tenth
    of a cryptographic hash's cost."""
    return zlib.crc32(call_id.encode()) < percent * _DRAWS_PER_PERCENT


@functools.lru_cache(maxsize=256)  # a few dozen ending reasons, met on every call of the day
def was_transferred(ended_reason: str | None) -> bool:
    reason = (ended_reason or "").lower()
    return "forward" in reason or "transfer" in reason  # Vapi assistant-forwarded-call, HMS transferred


def reasons(facts: CallFacts, rules: QueueRules) -> tuple[str, ...]:
    """Every rule that picks the call; () for a call nobody needs to review (or one still live)."""
    if facts.status in LIVE_STATUSES:
        return ()
    picked = []
    if rules.sample_percent > 0 and sampled(facts.call_id, rules.sample_percent):
        picked.append(SAMPLED)
    if rules.not_successful and success_passed(facts.success_evaluation) is False:
        picked.append(NOT_SUCCESSFUL)
    if rules.transferred and was_transferred(facts.ended_reason):
        picked.append(TRANSFERRED)
    if rules.critical_alert and facts.critical_alert:
        picked.append(CRITICAL_ALERT)
    limit = rules.shorter_than_seconds
    if limit is not None and facts.duration_seconds is not None and facts.duration_seconds < limit:
        picked.append(SHORT)
    return tuple(picked)
