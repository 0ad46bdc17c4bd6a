"""alert_latency: from a triggering call change arriving to its alert in the triage queue.

A registry of live calls (each with a short transcript) is watched by the alert engine, with the
triage queue's model and the wall's model attached, as in the window. Each sample merges one
call's change — as the poller does after a poll — and times until the alert is a row of the queue:
a phrase (evaluated on the spot) and a customer-mood drop (scored on the mood worker thread, back
on the loop). Meanwhile every other call keeps changing (a new assistant line) so the engine is
busy as it is with many live calls. Budget: p95 ≤ 250 ms. A third row times one tick of the
time-based rules as the window runs it, every 250 ms over all the live calls (budget: one 60 Hz frame).
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.domain import Call, Provider, Turn, TurnRole
from app.live.alerts.engine import AlertEngine
from app.live.registry import CallRegistry
from benchmarks.runner import WORK, Result, percentile, within_budget

NAME = "alert_latency"
P95_BUDGET_MS = 250.0
TICK_BUDGET_MS = 16.0
T0 = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
ANGRY = ("This is ridiculous and awful!", "Terrible service, I hate this.", "Useless. Horrible.")


@dataclass(frozen=True)
class Sizes:
    live_calls: int
    samples: int


FULL = Sizes(live_calls=1000, samples=200)
SMOKE = Sizes(live_calls=20, samples=5)


def _call(index: int, turns: tuple[Turn, ...], version: int) -> Call:
    return Call(id=f"call-{index}", provider=Provider.VAPI, status="in-progress", created_at=T0, started_at=T0,
                updated_at=T0 + timedelta(seconds=version), customer_number=f"+1555{index:07d}",
                assistant_name="Riley - Bookings", turns=turns)


def _line(role: TurnRole, text: str, at: float) -> Turn:
    return Turn(role=role, text=text, start=at, end=at + 1.0)


def _opening(index: int) -> tuple[Turn, ...]:
    return (_line(TurnRole.ASSISTANT, "Thank you for calling, how can I help?", 0.0),
            _line(TurnRole.CUSTOMER, f"I'd like to book a table for {index % 8 + 1} on Friday.", 1.5))


async def _measure(sizes: Sizes) -> tuple[list[float], list[float], list[float]]:
    from PySide6.QtWidgets import QApplication

    from app.ui.triage import TriageModel
    from app.ui.wall import WallModel

    _app = QApplication.instance() or QApplication([])
    clock_now = T0.timestamp() + 4.0
    engine = AlertEngine(clock=lambda: clock_now)
    registry = CallRegistry()
    engine.watch("bench", registry)
    queue = TriageModel(engine, str)
    wall = WallModel(engine)
    wall.set_registry(registry)
    registry.merge([_call(i, _opening(i), 0) for i in range(sizes.live_calls)])

    phrase, mood, ticks = [], [], []
    for sample in range(sizes.samples):
        target = sample % sizes.live_calls
        base = _opening(target)
        # Churn: every other call says something new, as a busy poll would bring.
        registry.merge([_call(i, (*_opening(i), _line(TurnRole.ASSISTANT, f"Let me check {sample}.", 3.0)),
                              2 * sample + 1) for i in range(sizes.live_calls) if i != target][:50])
        trigger = (*base, _line(TurnRole.CUSTOMER, f"Get me your manager, ref-{sample:05d}.", 3.0))
        phrase.append(await _until_queued(queue, registry, _call(target, trigger, 2 * sample + 2)))
        angry = (*trigger, *(_line(TurnRole.CUSTOMER, f"{text} ref-{sample:05d}", 5.0 + n) for n, text in enumerate(ANGRY)))
        mood.append(await _until_queued(queue, registry, _call(target, angry, 2 * sample + 3), rule="sentiment"))
        for alert in engine.alerts_for(f"call-{target}"):
            engine.acknowledge(alert.id, "bench")
        registry.merge([_call(target, base, 2 * sample + 4)])
        start = time.perf_counter()
        engine.tick()
        ticks.append((time.perf_counter() - start) * 1000)
        # The next sample's target is a fresh call, so it can be raised again.
    queue.close()
    wall.close()
    await engine.stop()
    return phrase, mood, ticks


async def _until_queued(queue, registry: CallRegistry, call: Call, rule: str = "phrases") -> float:  # noqa: ANN001
    start = time.perf_counter()
    registry.merge([call])
    while not any((a := queue.alert_at(r)) is not None and a.call_id == call.id and a.rule == rule
                  for r in range(queue.rowCount())):
        await asyncio.sleep(0.0005)
        if time.perf_counter() - start > 5:
            raise RuntimeError(f"{NAME}: no {rule} alert for {call.id} after 5 s")
    return (time.perf_counter() - start) * 1000


def measure(sizes: Sizes = FULL, work: Path = WORK) -> list[Result]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    phrase, mood, ticks = asyncio.run(_measure(sizes))
    calls = sizes.live_calls
    return [
        within_budget(f"{NAME} phrase, p95 ({calls} live calls)", "ms", percentile(phrase, 0.95), P95_BUDGET_MS),
        within_budget(f"{NAME} mood drop, p95 ({calls} live calls)", "ms", percentile(mood, 0.95), P95_BUDGET_MS),
        within_budget(f"{NAME} rules tick ({calls} live calls), p95", "ms",
                      percentile(ticks, 0.95), TICK_BUDGET_MS),
    ]
