"""Screenshots of the wall with 50 live calls and of the triage queue, light and dark.

Run under a real X server so fonts render as on a desktop (the theme from SWITCHBOARD_THEME):
    Xvfb :97 -screen 0 1600x1000x24 &
    DISPLAY=:97 QT_QPA_PLATFORM=xcb SWITCHBOARD_THEME=dark .venv/bin/python -m tests.ui.alert_screenshots OUT
"""

from __future__ import annotations

import os
import random
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.domain import Call, Provider, Turn, TurnRole
from app.live.alerts.engine import AlertEngine
from app.live.registry import CallRegistry
from app.paths import resources_dir
from app.sandbox.call_factory import NAMES
from app.sandbox.scenarios import load_scenarios
from app.ui.theme import apply_theme
from app.ui.triage import TriageQueue
from app.ui.wall import CallWall

NOW = datetime.now(UTC)


def live_calls(count: int) -> list[Call]:
    """Calls part-way through the sandbox's scenarios, a third of them troubled."""
    scenarios = load_scenarios(resources_dir() / "scenarios")
    calm = [s for s in scenarios.values() if not s.trouble and s.weight]
    troubled = [s for s in scenarios.values() if s.trouble and s.id not in ("assistant_error", "long_reminder")]
    rng = random.Random(4)
    calls = []
    for index in range(count):
        scenario = rng.choice(troubled if index % 3 == 0 else calm)
        lines = [s for s in scenario.steps if s.role in ("customer", "assistant", "tool")]
        said = lines[: rng.randint(2, len(lines))]
        waiting = 0.0
        if scenario.id == "assistant_hang":  # stopped after the question: the assistant has gone quiet
            said, waiting = lines[:2], 18.0
        if scenario.id == "angry_customer" and index % 2:  # a customer who now mentions a lawyer
            said = [*lines[:4], replace(lines[5], text="Forget it. I'm calling my lawyer about this.")]
        turns, at = [], 0.5
        for step in said:
            role = TurnRole.TOOL if step.role == "tool" else TurnRole(step.role)
            turns.append(Turn(role=role, text=step.text, start=at, end=at + 2.5, tool_name=step.tool_name or None,
                              tool_result=step.result if step.role == "tool" else None))
            at += 3.2
        started = NOW - timedelta(seconds=at + waiting + rng.uniform(0.5, 3.0))
        calls.append(Call(id=f"call-{index:03d}", provider=Provider.VAPI, status="in-progress", started_at=started,
                          created_at=started, updated_at=NOW,
                          customer_name=NAMES[index % len(NAMES)] if index % 4 else None,
                          customer_number=f"+1555{rng.randrange(10**6, 10**7)}",
                          assistant_name=scenario.assistant, turns=tuple(turns)))
    return calls


def main(argv: list[str]) -> int:
    out = Path(argv[1] if len(argv) > 1 else "screens")
    out.mkdir(parents=True, exist_ok=True)
    scheme = os.environ.get("SWITCHBOARD_THEME", "light")
    app = QApplication.instance() or QApplication(argv)
    apply_theme(app)  # type: ignore[arg-type]
    engine = AlertEngine()
    registry = CallRegistry()
    engine.watch("demo", registry)
    calls = live_calls(50)
    labels = {c.id: f"{c.customer_name or c.customer_number} · {c.assistant_name}" for c in calls}
    wall = CallWall(engine)
    wall.set_registry(registry)
    registry.merge(calls)
    QTest.qWait(400)  # the mood worker scores the customers' lines
    engine.tick()
    wall.model.set_levels(calls[1].id, 0.7, 0.15)
    wall.model.set_levels(calls[4].id, 0.05, 0.55)
    wall.resize(1480, 940)
    wall.show()
    wall.view.setFocus()
    wall.view.setCurrentIndex(wall.model.index(0, 0))
    QTest.qWait(300)
    wall.grab().save(str(out / f"wall-50-{scheme}.png"))

    queue = TriageQueue(engine, "sam", lambda call_id: labels.get(call_id, call_id))
    queue.resize(1300, 420)
    queue.show()
    queue.table.setFocus()
    QTest.qWait(300)
    queue.grab().save(str(out / f"triage-{scheme}.png"))
    print("wrote", out / f"wall-50-{scheme}.png", out / f"triage-{scheme}.png")
    wall.close()
    queue.close()
    engine._scorer.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
