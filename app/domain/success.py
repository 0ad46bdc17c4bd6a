"""One vocabulary for the platforms' success evaluation ("true", "Pass", "8", …): passed, failed or unknown."""

from __future__ import annotations

import functools

PASS_WORDS = frozenset({"true", "pass", "passed", "yes", "success", "successful"})
FAIL_WORDS = frozenset({"false", "fail", "failed", "no", "failure", "unsuccessful"})
PASS_FROM, FAIL_UP_TO = 7.0, 4.0  # on a 0–10 scale; between the two is "mixed"


def success_score(value: str) -> float | None:
    """A 0–10 numeric evaluation, or None when the value is not one."""
    try:
        score = float(value.strip())
    except ValueError:
        return None
    return score if 0 <= score <= 10 else None


@functools.lru_cache(maxsize=256)  # a handful of values, met on every cached call
def success_passed(value: str | None) -> bool | None:
    """True when the platform judged the call a success, False when it judged it a failure, else None."""
    if value is None:
        return None
    text = value.strip().lower()
    if text in PASS_WORDS:
        return True
    if text in FAIL_WORDS:
        return False
    score = success_score(text)
    if score is None or FAIL_UP_TO < score < PASS_FROM:
        return None
    return score >= PASS_FROM
