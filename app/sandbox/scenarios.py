"""Scripted conversations (resources/scenarios/*.json) the simulated calls play."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Step:
    """One scripted beat: a spoken line, a tool call with its result, a silence, or a transfer."""

    role: str  # assistant | customer | tool | silence | transfer
    text: str = ""
    seconds: float = 0.0
    tool_name: str = ""
    arguments: str = "{}"  # JSON, as tools receive and return it
    result: str = "{}"
    latency: float = 1.0
    destination: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    weight: int
    assistant: str
    direction: str
    steps: tuple[Step, ...]
    ended_reason: str
    hms_status: str
    analysis: dict[str, Any]
    trouble: tuple[str, ...] = ()  # the alert rules this scenario is written to fire; () = a calm call

    @property
    def lines(self) -> list[Step]:
        return [s for s in self.steps if s.role in ("assistant", "customer")]


def _step(raw: dict[str, Any]) -> Step:
    return Step(
        role=raw["role"],
        text=raw.get("text", ""),
        seconds=float(raw.get("seconds", 0.0)),
        tool_name=raw.get("name", ""),
        arguments=json.dumps(raw.get("arguments", {})),
        result=json.dumps(raw.get("result", {})),
        latency=float(raw.get("latency", 1.0)),
        destination=raw.get("destination", {}),
    )


def parse_scenario(raw: dict[str, Any]) -> Scenario:
    return Scenario(
        id=raw["id"],
        title=raw["title"],
        weight=int(raw.get("weight", 1)),
        assistant=raw["assistant"],
        direction=raw.get("direction", "inbound"),
        steps=tuple(_step(s) for s in raw["turns"]),
        ended_reason=raw["ending"]["reason"],
        hms_status=raw["ending"].get("hms_status", "ended"),
        analysis=raw["analysis"],
        trouble=tuple(raw.get("trouble", ())),
    )


def load_scenarios(folder: Path) -> dict[str, Scenario]:
    scenarios = {}
    for path in sorted(folder.glob("*.json")):
        scenario = parse_scenario(json.loads(path.read_text(encoding="utf-8")))
        scenarios[scenario.id] = scenario
    if not scenarios:
        raise FileNotFoundError(f"no scenarios in {folder}")
    return scenarios


def pick_with_trouble(scenarios: dict[str, Scenario], rng: random.Random, trouble_rate: float) -> Scenario:
    """`trouble_rate` of the calls play a troubled scenario (each equally often), the rest a calm one by weight."""
    troubled = [scenarios[i] for i in sorted(scenarios) if scenarios[i].trouble]
    calm = [scenarios[i] for i in sorted(scenarios) if not scenarios[i].trouble and scenarios[i].weight > 0]
    if troubled and (not calm or rng.random() < trouble_rate):
        return rng.choice(troubled)
    return rng.choices(calm, weights=[s.weight for s in calm])[0]
