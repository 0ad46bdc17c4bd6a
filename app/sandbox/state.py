"""What every request handler shares: the world, the key, the faults and the rate limits."""

from __future__ import annotations

import time
import weakref
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aiohttp import web

from app.sandbox.call_facts import RECORDING_TTL_SECONDS, Links
from app.sandbox.faults import FaultPlan
from app.sandbox.world import World

if TYPE_CHECKING:
    from app.sandbox.access import Received
    from app.sandbox.webhooks import WebhookSender

HMS_REQUESTS_PER_MINUTE = 100
HMS_COMMANDS_PER_MINUTE = 10
RECEIVED_KEPT = 20_000  # requests remembered for tests' "which key went where" checks
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


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


@dataclass(frozen=True)
class Access:
    """The sandbox's keys and links beyond the private key (`--public-key`, `--monitor-auth`, `--recording-ttl`)."""

    public_key: str = "sandbox-public-key"  # what monitor URLs take when monitor_auth is on
    monitor_auth: bool = False  # off: the monitor URL itself is the capability (Vapi's default)
    recording_ttl: float = RECORDING_TTL_SECONDS  # how long signed recording links work

    def __post_init__(self) -> None:
        if not self.public_key or self.recording_ttl <= 0:
            raise ValueError("the public key must not be empty and the recording TTL must be above 0")


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
    access: Access = field(default_factory=Access)
    ports: dict[str, tuple[int, ...]] = field(default_factory=dict)  # api, monitor, storage: set once listening
    received: deque[Received] = field(default_factory=lambda: deque(maxlen=RECEIVED_KEPT))
    webhooks: WebhookSender | None = None  # posts the live calls' events to a hub (--webhook-url)

    def links(self, request: web.Request) -> Links:
        return self.links_on(request.scheme, request.url.host or "127.0.0.1", request.host)

    def links_on(self, scheme: str, host: str, api_host: str) -> Links:
        """The URLs calls point at when seen through `api_host` (the monitor and storage sites on `host`)."""
        expires = int(self.wall() + self.access.recording_ttl)

        def origins(site: str) -> tuple[str, ...]:
            return tuple(f"{scheme}://{host}:{port}" for port in self.ports.get(site, ()))

        return Links(f"{scheme}://{api_host}", self.api_key, self.world.now_ms(), expires,
                     monitor=origins("monitor"), storage=next(iter(origins("storage")), ""))

    @staticmethod
    def wall() -> float:
        """The wall clock (not the sandbox's sped-up one): rate limits and signed-link expiry follow it."""
        return time.time()


STATE = web.AppKey("state", SandboxState)
