"""How alike reviewers score the same calls: percent agreement and Krippendorff's alpha (ordinal).

Input is one rating per (call, reviewer, criterion); "not applicable" is no rating. A unit is a
call for one criterion, or a (call, criterion) pair for the overall figure. Alpha comes from the
maintained `krippendorff` package (ordinal: a 4 against a 5 is a smaller disagreement than a 0
against a 5); it is undefined (None) when the ratings hold a single value, where percent agreement
still says 100 %.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import TextIO

import krippendorff
import numpy as np

from app.store.csv_export import write_csv


@dataclass(frozen=True)
class Rating:
    call_id: str
    reviewer: str
    criterion_id: str
    score: int


@dataclass(frozen=True)
class Agreement:
    """One criterion's (or the whole scorecard's) agreement figures."""

    criterion_id: str  # "" for the overall row
    title: str
    percent: float | None  # share of agreeing reviewer pairs, 0..100; None without a pair
    alpha: float | None  # Krippendorff's ordinal alpha; None when undefined
    spread: dict[str, int]  # call id -> highest minus lowest score given
    pairs: int

    @property
    def widest(self) -> tuple[str, int] | None:
        """The call the reviewers were furthest apart on."""
        return max(self.spread.items(), key=lambda item: item[1]) if self.spread else None


@dataclass(frozen=True)
class CalibrationReport:
    overall: Agreement
    criteria: tuple[Agreement, ...]  # most disagreement first

    def write_csv(self, target: Path | TextIO) -> int:
        """One row per criterion (most disagreement first), then the overall row; returns how many.
        Call ids and figures only: nothing in it needs redacting."""
        if isinstance(target, Path):
            with target.open("w", newline="", encoding="utf-8") as handle:
                return self.write_csv(handle)
        header = ["criterion", "percent_agreement", "krippendorff_alpha_ordinal", "pairs", "widest_call",
                  "widest_spread"]
        rows = [[row.title, _number(row.percent), _number(row.alpha), row.pairs, *(row.widest or (None, None))]
                for row in (*self.criteria, self.overall)]
        return write_csv(target, header, rows)


def report(ratings: Iterable[Rating], titles: dict[str, str], max_score: int = 5) -> CalibrationReport:
    """The calibration report over every rating; `titles` names the criteria in scorecard order."""
    by_criterion: dict[str, list[Rating]] = defaultdict(list)
    everything = list(ratings)
    for rating in everything:
        by_criterion[rating.criterion_id].append(rating)
    rows = [
        agreement(criterion_id, title, [((r.call_id,), r.reviewer, r.score) for r in by_criterion[criterion_id]],
                  max_score)
        for criterion_id, title in titles.items()
        if by_criterion[criterion_id]
    ]
    overall = agreement("", "Overall", [((r.call_id, r.criterion_id), r.reviewer, r.score) for r in everything],
                        max_score)
    rows.sort(key=_disagreement, reverse=True)
    return CalibrationReport(overall, tuple(rows))


def agreement(criterion_id: str, title: str, ratings: Sequence[tuple[tuple[Hashable, ...], str, int]],
              max_score: int) -> Agreement:
    units: dict[tuple[Hashable, ...], dict[str, int]] = defaultdict(dict)
    for unit, reviewer, score in ratings:
        units[unit][reviewer] = score
    agreeing = pairs = 0
    spread: dict[str, int] = {}
    for unit, scores in units.items():
        values = list(scores.values())
        for a, b in combinations(values, 2):
            pairs += 1
            agreeing += a == b
        if len(values) > 1:
            call = str(unit[0])
            spread[call] = max(spread.get(call, 0), max(values) - min(values))
    return Agreement(criterion_id, title, 100 * agreeing / pairs if pairs else None,
                     ordinal_alpha(units, max_score), spread, pairs)


def ordinal_alpha(units: dict[tuple[Hashable, ...], dict[str, int]], max_score: int) -> float | None:
    reviewers = sorted({reviewer for scores in units.values() for reviewer in scores})
    data = np.full((len(reviewers), len(units)), np.nan)
    for column, scores in enumerate(units.values()):
        for reviewer, score in scores.items():
            data[reviewers.index(reviewer), column] = score
    pairable = [scores for scores in units.values() if len(scores) > 1]
    if not pairable or len({v for scores in pairable for v in scores.values()}) < 2:
        return None  # no pair, or one value only: alpha is 0/0
    value = krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal",
                               value_domain=list(range(max_score + 1)))
    return None if math.isnan(value) else float(value)


def _disagreement(row: Agreement) -> tuple[float, float]:
    alpha = 1.0 if row.alpha is None else row.alpha
    return (-alpha, -(row.percent if row.percent is not None else 100.0))


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"
