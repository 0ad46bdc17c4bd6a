"""Calibration figures on Krippendorff's published example and on hand-computed small sets."""

import csv

import pytest

from app.qa.calibration import Rating, report

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 observers, 12 units, values 1-5.
# Published: nominal .743, ordinal .815, interval .849. None = the observer gave no value.
EXAMPLE = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}


def example_ratings(criterion: str = "greeting") -> list[Rating]:
    return [Rating(f"call-{unit}", reviewer, criterion, score)
            for reviewer, scores in EXAMPLE.items() for unit, score in enumerate(scores, 1) if score is not None]


def test_ordinal_alpha_matches_the_published_value():
    row = report(example_ratings(), {"greeting": "Greeting"}).criteria[0]
    assert row.alpha == pytest.approx(0.815, abs=0.0005)


def test_percent_agreement_and_spread_by_hand():
    # agreeing pairs per unit: 3/3, 3/6, 6/6, 6/6, 6/6, 0/6, 6/6, 3/6, 6/6, 3/3, 1/1, and unit 12 has no pair
    row = report(example_ratings(), {"greeting": "Greeting"}).criteria[0]
    assert row.pairs == 55
    assert row.percent == pytest.approx(100 * 43 / 55)
    assert row.spread["call-6"] == 3 and row.widest == ("call-6", 3)
    assert "call-12" not in row.spread


def test_criteria_that_disagree_most_come_first_and_overall_pools_them():
    agreeing = [Rating(c, r, "tone", 4) for c in ("a", "b") for r in ("ann", "bob")]
    agreeing += [Rating("c", "ann", "tone", 2), Rating("c", "bob", "tone", 2)]
    result = report([*example_ratings("greeting"), *agreeing], {"tone": "Tone", "greeting": "Greeting"})
    assert [row.title for row in result.criteria] == ["Greeting", "Tone"]
    tone = result.criteria[1]
    assert tone.percent == 100 and tone.alpha == pytest.approx(1.0)
    assert result.overall.pairs == 55 + 3
    assert result.overall.percent == pytest.approx(100 * (43 + 3) / 58)


def test_one_value_only_has_no_alpha_but_full_agreement():
    row = report([Rating("a", r, "x", 5) for r in ("ann", "bob")], {"x": "X"}).criteria[0]
    assert row.alpha is None and row.percent == 100


def test_csv_export(tmp_path):
    path = tmp_path / "calibration.csv"
    report(example_ratings(), {"greeting": 'Greeting, "warm"\r\n=cmd'}).write_csv(path)
    rows = list(csv.reader(path.open(newline="", encoding="utf-8")))
    assert rows[0][:3] == ["criterion", "percent_agreement", "krippendorff_alpha_ordinal"]
    assert rows[1][0] == 'Greeting, "warm"\r\n=cmd' and rows[1][2] == "0.815"
    assert rows[-1][0] == "Overall" and len(rows) == 3
