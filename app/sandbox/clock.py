"""The sandbox's own time: wall-clock time, optionally sped up so tests need not wait for a whole call."""

from __future__ import annotations

import asyncio
import time


class SandboxClock:
    """Virtual epoch seconds that run `speed` times faster than the wall clock from the moment it starts."""

    def __init__(self, speed: float = 1.0) -> None:
        self.speed = speed  # above 0: TrafficSettings checks it
        self._wall0 = time.time()
        self._mono0 = time.monotonic()

    def now(self) -> float:
        return self._wall0 + (time.monotonic() - self._mono0) * self.speed

    def wall_seconds(self, virtual_seconds: float) -> float:
        return virtual_seconds / self.speed

    async def sleep(self, virtual_seconds: float) -> None:
        await asyncio.sleep(max(0.0, virtual_seconds) / self.speed)
