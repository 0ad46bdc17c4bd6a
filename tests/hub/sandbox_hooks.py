"""A sandbox on the test's loop that posts its webhooks to the given URLs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from app.sandbox.server import SandboxServer, build_state
from app.sandbox.webhooks import WebhookSender
from app.sandbox.world import TrafficSettings
from tests.hub.conftest import SECRET


@asynccontextmanager
async def webhook_sandbox(urls: list[str], *, live: int = 1, speed: float = 25.0) -> AsyncIterator[SandboxServer]:
    state = build_state(api_key="sandbox-key", faults_spec=None,
                        traffic=TrafficSettings(seed=7, live=live, history=0, speed=speed, analysis_delay=1.0))
    state.webhooks = WebhookSender(state.world, urls, SECRET)
    server = SandboxServer(state, "127.0.0.1", 0)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
