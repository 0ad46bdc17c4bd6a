"""VoiceBot Studio live calls followed against the real sandbox (aiohttp over loopback, no mocks):
a call appears, goes live and ends in the registry, and never leaves it on the way."""

from __future__ import annotations

import asyncio

from app.domain import Provider
from app.live.poller import CallPoller, PollPlan
from app.live.registry import CallRegistry
from app.providers import make_client
from app.providers.http import RetryPolicy
from tests.fixtures.sandbox import SANDBOX_KEY

FAST = PollPlan(live_interval=0.1, list_interval=0.3, max_backoff=0.5)


async def test_a_voicebot_call_is_followed_to_its_end_without_flicker(sandbox_factory):
    """The sandbox as the real platform documents it: GET /calls/{id} is not there (405)."""
    fast_sandbox = sandbox_factory(speed=20.0, analysis_delay=2.0)
    client = make_client(Provider.VOICEBOT, fast_sandbox.base_url(Provider.VOICEBOT), SANDBOX_KEY,
                         retry=RetryPolicy(max_retries=0))
    registry = CallRegistry()
    removed: list[tuple[str, ...]] = []
    registry.events.removed.connect(lambda rows: removed.append(rows.ids))
    poller = CallPoller(client, registry, FAST)
    connections: list[str] = []
    poller.events.state.connect(lambda state: connections.append(state.connection.value))
    poller.start()
    try:
        call_id = await asyncio.to_thread(fast_sandbox.start_call, Provider.VOICEBOT)
        poller.watch(call_id)
        statuses: list[str] = []
        async with asyncio.timeout(30):
            while (call := registry.get(call_id)) is None or call.status != "ended":
                if call is not None and (not statuses or statuses[-1] != call.status):
                    statuses.append(call.status)
                await asyncio.sleep(0.05)
    finally:
        await poller.stop()
        await client.aclose()
    assert removed == []
    assert "failing" not in connections  # the missing single-call read is not an error either
    assert any(status != "ended" for status in statuses)  # it was seen live before it ended
