"""What every request handler shares: the world, the key, the faults and the rate limits."""

from __future__ import annotations

import time
import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aiohttp import web

from app.sandbox.call_facts import RECORDING_TTL_SECONDS, Links
from app.sandbox.faults import FaultPlan
from app.sandbox.world import World

if TYPE_CHECKING:
    from app.sandbox.webhooks import WebhookSender

HMS_REQUESTS_PER_MINUTE = 100
HMS_COMMANDS_PER_MINUTE = 10


@dataclass
class RateWindow:
    """Fixed one-minute windows per key (HMS style: X-RateLimit-Reset is the window's end)."""

    limit: int
    _window: int = -1
    _counts: dict[str, int] = field(default_factory=dict)

    def hit(self, key: str, now: float) -> tuple[bool, int, int]:
        """Counts a request; returns (allowed, remaining, reset unix seconds)."""
        window = int(now // 60)
        if window != self._window:
            self._window, self._counts = window, {}
        self._counts[key] = self._counts.get(key, 0) + 1
        used = self._counts[key]
        return used <= self.limit, max(0, self.limit - used), (window + 1) * 60


@dataclass
class CommandWindow:
    """Sliding one-minute window of control commands per call."""

    limit: int
    _times: dict[str, deque[float]] = field(default_factory=dict)

    def retry_after(self, call_id: str, now: float) -> int:
        """0 when the command may go (and counts it), else seconds until it may."""
        times = self._times.setdefault(call_id, deque())
        while times and now - times[0] >= 60:
            times.popleft()
        if len(times) >= self.limit:
            return max(1, int(60 - (now - times[0])) + 1)
        times.append(now)
        return 0


@dataclass
class SandboxState:
    world: World
    api_key: str
    faults: FaultPlan
    hms_requests: RateWindow = field(default_factory=lambda: RateWindow(HMS_REQUESTS_PER_MINUTE))
    hms_commands: CommandWindow = field(default_factory=lambda: CommandWindow(HMS_COMMANDS_PER_MINUTE))
    # Called on the sandbox loop with (call id, frame number) just before each listen frame is sent;
    # benchmarks/listen.py times frames from here to the output callback. None in normal use.
    on_listen_frame: Callable[[str, int], None] | None = None
    listeners: weakref.WeakSet[web.WebSocketResponse] = field(default_factory=weakref.WeakSet)
    webhooks: WebhookSender | None = None  # posts the live calls' events to a hub (--webhook-url)

    def links(self, request: web.Request) -> Links:
        expires = int(self.wall()) + RECORDING_TTL_SECONDS
        return Links(f"{request.scheme}://{request.host}", self.api_key, self.world.now_ms(), expires)

    @staticmethod
    def wall() -> float:
        """The wall clock (not the sandbox's sped-up one): rate limits and signed-link expiry follow it."""
        return time.time()


STATE = web.AppKey("state", SandboxState)
