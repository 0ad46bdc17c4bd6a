"""The whole path: sandbox -> signed webhooks -> two hub processes sharing Redis -> a console on each.

Both consoles see every event exactly once and in order per call, even though webhooks land on
either hub, one hub is killed and restarted mid-stream, and its console resumes from its last id.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict

import pytest
import redis.asyncio

from app.hub.redis_log import STREAM
from app.live.hub_client import HubState, HubStream
from app.providers.http import RetryPolicy
from tests.fixtures.qt import until
from tests.fixtures.servers import free_port
from tests.hub.hub_process import HubProcess, add_user
from tests.hub.sandbox_hooks import webhook_sandbox
from tests.hub.test_stream import Collected

pytestmark = pytest.mark.slow
FAST = RetryPolicy(initial_delay=0.05, max_delay=0.3)
ORDER = ["queued", "ringing", "in-progress", "forwarding", "ended"]


def reports(seen: Collected) -> int:
    return sum(1 for _, event in seen.events if event["change"] == "end-of-call-report")


async def test_two_hubs_on_redis_deliver_every_event_once_in_order_across_a_restart(redis_url, postgres_url, tmp_path):
    engines = ("--redis", redis_url, "--database", postgres_url)
    token = await add_user("ann", "supervisor", "--database", postgres_url)
    first = await HubProcess(free_port(), *engines, "--data", str(tmp_path / "a.sqlite3")).start()
    second = await HubProcess(free_port(), *engines, "--data", str(tmp_path / "b.sqlite3")).start()
    on_first, on_second = Collected(), Collected()
    streams = [HubStream(first.url, token, on_first, retry=FAST), HubStream(second.url, token, on_second, retry=FAST)]
    try:
        for stream in streams:
            stream.start()
        await until(lambda: all(s.state is HubState.STREAMING for s in streams))
        async with webhook_sandbox([f"{first.url}/webhooks", f"{second.url}/webhooks"], live=2) as sandbox:
            await until(lambda: len(on_first.events) >= 15, timeout=60, what="events before the restart")
            await first.stop()
            await until(lambda: streams[0].state is HubState.OFFLINE)
            missed_from = len(on_first.events)
            await until(lambda: len(on_second.events) >= missed_from + 10, timeout=60, what="events while down")
            await first.start()
            await until(lambda: reports(on_second) >= 4, timeout=90, what="four calls reported")
            assert sandbox.state.webhooks is not None
        stored = await _caught_up(redis_url, streams, on_first, on_second)
    finally:
        for stream in streams:
            await stream.stop()
        await first.stop()
        await second.stop()
    assert [i for i, _ in on_first.events] == [i for i, _ in on_second.events] == stored  # once each, same order
    assert on_first.resets == on_second.resets == 0
    _assert_each_call_told_in_order(on_second)


async def _caught_up(redis_url: str, streams: list[HubStream], *seen: Collected, timeout: float = 30.0) -> list[str]:
    """The stream's ids once both consoles hold as many events as it does, twice in a row (a webhook the
    sandbox had on its way when it stopped may still be appended after the first look)."""
    client = redis.asyncio.Redis.from_url(redis_url, decode_responses=True)
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        before: list[str] | None = None
        while True:
            stored = [entry_id for entry_id, _ in await client.xrange(STREAM)]
            if stored == before and all(len(s.events) == len(stored) for s in seen):
                return stored
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"the consoles did not catch up in {timeout:.0f} s: the stream holds "
                                     f"{len(stored)} events, the consoles {[len(s.events) for s in seen]}, "
                                     f"resets {[s.resets for s in seen]}, streams {[s.state.value for s in streams]}")
            before = stored
            await asyncio.sleep(0.2)
    finally:
        await client.aclose()


def _assert_each_call_told_in_order(seen: Collected) -> None:
    stories: dict[str, list[dict]] = defaultdict(list)
    for _, event in seen.events:
        stories[event["call_id"]].append(event)
    reported = [story for story in stories.values() if story[-1]["change"] == "end-of-call-report"]
    assert len(reported) >= 4
    for story in reported:
        statuses = [e["call"]["status"] for e in story if e["change"] == "status-update"]
        ranks = [ORDER.index(s) if s in ORDER else ORDER.index("ended") for s in statuses]
        assert ranks == sorted(ranks) and len(set(statuses)) == len(statuses), statuses  # each status once, in order
        finals = [e["turn"]["text"] for e in story if e["kind"] == "turn" and not e["partial"]]
        ended = story[-1]["call"]
        if ended["provider"] == "vapi":
            spoken = [t["text"] for t in ended["turns"] if t["role"] in ("customer", "assistant")]
            assert finals == spoken  # every line once, in the order it was said
