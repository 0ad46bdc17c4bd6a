"""VoiceBot Studio has no documented single-call read: live calls are followed through GET /calls,
and a 404/405 on GET /calls/{id} means "not available", never "the call is gone" (no flicker)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from app.domain import Provider
from app.live.poller import CallPoller, PollPlan
from app.live.registry import CallRegistry
from app.providers import make_client
from app.providers.http import RetryPolicy

FAST = PollPlan(live_interval=0.05, list_interval=0.3, max_backoff=0.2)


class VoiceBotWithoutSingleRead:
    """GET /calls only; GET /calls/{id} answers 404 or 405 like a platform that never documented it."""

    def __init__(self, single_read_status: int) -> None:
        self.status = "in-progress"
        self.single_read_status = single_read_status
        self.single_reads = 0
        self.list_reads = 0

    def call(self) -> dict[str, Any]:
        ended = self.status == "ended"
        return {"id": "vb-1", "type": "inboundPhoneCall", "status": self.status,
                "createdAt": "2026-11-21T12:00:00Z", "startedAt": "2026-11-21T12:00:01Z",
                "updatedAt": "2026-11-21T12:05:00Z" if ended else "2026-11-21T12:00:01Z",
                "endedAt": "2026-11-21T12:05:00Z" if ended else None}

    async def list_calls(self, request: web.Request) -> web.Response:
        self.list_reads += 1
        return web.json_response([self.call()])

    async def one_call(self, request: web.Request) -> web.Response:
        self.single_reads += 1
        return web.json_response({"message": "Not available"}, status=self.single_read_status)


@pytest.fixture(params=[404, 405])
async def voicebot(request) -> AsyncIterator[tuple[VoiceBotWithoutSingleRead, str]]:
    platform = VoiceBotWithoutSingleRead(request.param)
    app = web.Application()
    app.router.add_get("/calls", platform.list_calls)
    app.router.add_get("/calls/{id}", platform.one_call)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield platform, f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def test_live_calls_are_followed_through_the_list_without_flicker(voicebot):
    platform, base_url = voicebot
    client = make_client(Provider.VOICEBOT, base_url, "vb-key", retry=RetryPolicy(max_retries=0))
    registry = CallRegistry()
    removed: list[tuple[str, ...]] = []
    registry.events.removed.connect(lambda rows: removed.append(rows.ids))
    poller = CallPoller(client, registry, FAST)
    poller.watch("vb-1")
    poller.start()
    try:
        async with asyncio.timeout(5):
            while "vb-1" not in registry or platform.single_reads == 0:
                await asyncio.sleep(0.02)
        assert await poller.refresh("vb-1") is not None  # "not available" keeps the call we have
        reads_before = platform.list_reads
        platform.status = "ended"
        async with asyncio.timeout(2):  # faster than the 0.3 s list interval alone would be…
            while registry.get("vb-1").status != "ended":
                await asyncio.sleep(0.02)
        assert platform.list_reads > reads_before
    finally:
        await poller.stop()
        await client.aclose()
    assert removed == []  # never "the call is gone"
    assert platform.single_reads <= 2  # learnt once (plus the explicit refresh), not asked every tick
    assert poller.state.connection.value == "online"
