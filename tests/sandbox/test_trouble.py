"""`--trouble-rate`: that share of new live calls plays a troubled scenario."""

from __future__ import annotations

import argparse
import random

import pytest

from app.paths import resources_dir
from app.sandbox.cli import add_arguments
from app.sandbox.scenarios import load_scenarios, pick_with_trouble
from app.sandbox.world import TrafficSettings

SCENARIOS = load_scenarios(resources_dir() / "scenarios")


@pytest.mark.parametrize("rate", [0.0, 0.3, 1.0])
def test_the_share_of_troubled_calls_follows_the_rate(rate: float) -> None:
    rng = random.Random(7)
    picks = [pick_with_trouble(SCENARIOS, rng, rate) for _ in range(2000)]
    share = sum(1 for s in picks if s.trouble) / len(picks)
    assert share == pytest.approx(rate, abs=0.04)
    if rate == 1.0:  # every troubled scenario gets its turn, including those the usual mix never plays
        assert {s.id for s in picks} == {s.id for s in SCENARIOS.values() if s.trouble}


def test_the_flag_reaches_the_traffic_settings_and_is_checked() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert parser.parse_args(["--trouble-rate", "0.25"]).trouble_rate == 0.25
    assert parser.parse_args([]).trouble_rate is None
    with pytest.raises(ValueError, match="share of calls"):
        TrafficSettings(trouble_rate=1.5)
