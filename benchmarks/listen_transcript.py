"""listen_transcript_latency: from the sandbox emitting a final transcript event on a listen socket to
that line being a turn of the call in the console's call registry.

The console's own CallListener (socket reader, event parser, LiveTranscript merge) hears a live sandbox
call with a registry attached, as the window does. The sandbox's socket events are stamped as they are
handed to the socket (`SocketEvents.due`, wrapped here); the registry's change events are stamped as
each final line appears. The call plays sped up so a session yields many lines.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

from app.domain import Provider
from app.live.listen import CallListener
from app.live.registry import CallRegistry, RegistryChange
from app.providers import make_client
from app.sandbox.embedded import EmbeddedSandbox
from app.sandbox.socket_events import SocketEvents
from benchmarks.runner import WORK, Result, percentile, within_budget

NAME = "listen_transcript_latency"
BUDGET_MS = 100.0  # p95
SCENARIO = "booking"


@dataclass(frozen=True)
class Sizes:
    sessions: int
    seconds: float
    speed: float


FULL = Sizes(sessions=3, seconds=12.0, speed=4.0)
SMOKE = Sizes(sessions=1, seconds=4.0, speed=8.0)


@dataclass
class LineTimes:
    emitted: dict[str, float] = field(default_factory=dict)  # final line text -> when the sandbox sent it
    shown: dict[str, float] = field(default_factory=dict)  # -> when the registry's call had it

    def latencies_ms(self) -> list[float]:
        return [(self.shown[text] - at) * 1000 for text, at in self.emitted.items() if text in self.shown]


def stamping(times: LineTimes) -> Any:
    real_due = SocketEvents.due

    def due(self: SocketEvents, seconds: float | None) -> list[dict[str, Any]]:
        events = real_due(self, seconds)
        for event in events:
            if event.get("type") == "transcript" and event.get("transcriptType") == "final":
                times.emitted.setdefault(event["transcript"], time.monotonic())
        return events

    return mock.patch.object(SocketEvents, "due", due)


async def listen_once(sandbox: EmbeddedSandbox, sizes: Sizes) -> list[float]:
    times = LineTimes()
    client = make_client(Provider.VAPI, sandbox.base_url(Provider.VAPI), sandbox.api_key)
    registry = CallRegistry()
    try:
        call = await client.get_call(sandbox.start_call(Provider.VAPI, SCENARIO))
        registry.merge([call])

        def changed(change: RegistryChange) -> None:
            now = time.monotonic()
            current = registry.get(call.id)
            for turn in current.turns if current is not None else ():
                if not turn.partial:
                    times.shown.setdefault(turn.text, now)

        registry.events.changed.connect(changed)
        source = client.listen_source(call)
        if source is None:
            raise RuntimeError(f"{NAME}: the sandbox call has no listen URL")
        with stamping(times):
            listener = CallListener(call, source, play_audio=False, registry=registry)
            listener.start()
            await asyncio.sleep(sizes.seconds)
            await listener.stop()
    finally:
        await client.aclose()
    latencies = times.latencies_ms()
    if not latencies:
        raise RuntimeError(f"{NAME}: no final line reached the registry ({len(times.emitted)} sent)")
    return latencies


def measure(sizes: Sizes = FULL, work: Path = WORK) -> list[Result]:
    p50, p95 = [], []
    with EmbeddedSandbox(live=0, history=0, seed=8, speed=sizes.speed) as sandbox:
        for _ in range(sizes.sessions):
            latencies = asyncio.run(listen_once(sandbox, sizes))
            p50.append(percentile(latencies, 0.50))
            p95.append(percentile(latencies, 0.95))
    return [
        within_budget(f"{NAME}_p50", "ms", statistics.median(p50), BUDGET_MS),
        within_budget(f"{NAME}_p95", "ms", statistics.median(p95), BUDGET_MS),
    ]
