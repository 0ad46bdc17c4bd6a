from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

from app.domain import Provider
from app.live.poller import CallPoller, Connection, PollPlan, PollState
from app.live.registry import CallRegistry
from app.providers import HmsClient, VapiClient
from app.providers.base import ChangeMark
from app.providers.errors import (
    APIConnectionError,
    AuthenticationError,
    RateLimitError,
    ServerError,
)
from app.providers.http import RetryPolicy
from tests.live.calls import T0, make_call
from tests.live.fake_platform import FakePlatform

FAST = PollPlan(live_interval=0.02, list_interval=0.05, max_backoff=0.2)


async def wait_for(condition, timeout: float = 3.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.01)


def setup(provider: Provider = Provider.VAPI, plan: PollPlan = FAST, delay: float = 0.0):
    platform = FakePlatform(provider, delay=delay)
    registry = CallRegistry()
    poller = CallPoller(platform, registry, plan)
    states: list[PollState] = []
    poller.events.state.connect(states.append)
    return platform, registry, poller, states


async def test_list_then_live_refresh_merges_into_registry():
    platform, registry, poller, states = setup()
    platform.calls = {"a": make_call("a"), "b": make_call("b", status="ended")}
    poller.start()
    try:
        await wait_for(lambda: len(registry) == 2)
        platform.calls["a"] = make_call("a", updated=5, status="ended")
        await wait_for(lambda: registry.get("a").status == "ended")
        assert states[-1].connection is Connection.ONLINE
        assert states[-1].loaded and states[-1].last_update is not None
    finally:
        await poller.stop()


async def test_vapi_polls_changes_with_updated_since_after_the_first_list():
    platform, registry, poller, _ = setup()
    platform.calls = {"a": make_call("a", updated=3)}
    poller.start()
    try:
        await wait_for(lambda: len(platform.list_queries) >= 2)
    finally:
        await poller.stop()
    assert "since" in platform.list_queries[0]
    # The provider's rule, not a copy of it: overlap and all.
    [changes] = VapiClient.changes_since(ChangeMark(newest=make_call("a", updated=3).updated_at), T0)
    assert platform.list_queries[1] == {"updated_since": changes.updated_since}


async def test_hms_asks_for_new_calls_and_calls_in_progress():
    platform, _, poller, _ = setup(Provider.HMS)
    later = T0 + timedelta(minutes=5)
    platform.calls = {"old": make_call("old", status="ended"), "live": make_call("live", created_at=later)}
    poller.start()
    try:
        await wait_for(lambda: len(platform.list_queries) >= 3)
    finally:
        await poller.stop()
    # The provider's rule: back to the oldest live call or the newest creation less the look-back.
    mark = ChangeMark(newest=later, oldest_live=later)
    since, in_progress = HmsClient.changes_since(mark, T0)
    assert platform.list_queries[1] == {"since": since.since}
    assert platform.list_queries[2] == {"status": "in-progress"} == {"status": in_progress.status}


async def test_never_two_requests_for_the_same_call_in_flight():
    platform, registry, poller, _ = setup(delay=0.1)
    platform.calls = {"a": make_call("a")}
    registry.merge([make_call("a")])
    results = await asyncio.gather(*(poller.refresh("a") for _ in range(5)))
    assert platform.requests["a"] == 1
    assert platform.max_in_flight["a"] == 1
    assert all(r is not None and r.id == "a" for r in results)
    poller.start()
    try:
        await asyncio.sleep(0.4)
    finally:
        await poller.stop()
    assert platform.max_in_flight["a"] == 1
    assert platform.max_in_flight["list"] == 1


async def test_rate_limit_pauses_every_request_for_retry_after():
    platform, registry, poller, states = setup()
    platform.calls = {"a": make_call("a")}
    platform.failures.append(RateLimitError("Too many requests", retry_after=0.3, status_code=429))
    loop = asyncio.get_running_loop()
    poller.start()
    try:
        await wait_for(lambda: any(s.connection is Connection.RATE_LIMITED for s in states))
        limited_at = loop.time()
        limited = next(s for s in states if s.connection is Connection.RATE_LIMITED)
        assert limited.retry_in == 0.3
        count = sum(platform.requests.values())
        await asyncio.sleep(0.2)
        assert sum(platform.requests.values()) == count  # nothing sent while waiting
        await wait_for(lambda: poller.state.connection is Connection.ONLINE)
        assert loop.time() - limited_at >= 0.25
    finally:
        await poller.stop()


async def test_a_huge_retry_after_is_capped_by_the_shared_policy():
    platform, registry, poller, states = setup()
    platform.failures.append(RateLimitError("Too many requests", retry_after=3600, status_code=429))
    poller.start()
    try:
        await wait_for(lambda: any(s.connection is Connection.RATE_LIMITED for s in states))
        limited = next(s for s in states if s.connection is Connection.RATE_LIMITED)
        assert limited.retry_in == RetryPolicy().max_retry_after == 60
        assert "waiting 60 s" in limited.message
    finally:
        await poller.stop()


async def test_offline_then_recovers_on_its_own():
    platform, registry, poller, states = setup()
    platform.calls = {"a": make_call("a")}
    platform.failures.extend([APIConnectionError("Connection refused")] * 3)
    poller.start()
    try:
        await wait_for(lambda: any(s.connection is Connection.OFFLINE for s in states))
        await wait_for(lambda: poller.state.connection is Connection.ONLINE and len(registry) == 1)
    finally:
        await poller.stop()
    offline = next(s for s in states if s.connection is Connection.OFFLINE)
    assert "Cannot reach the platform" in offline.message and offline.retry_in


async def test_server_errors_back_off_and_recover():
    platform, registry, poller, states = setup()
    platform.calls = {"a": make_call("a")}
    platform.failures.extend([ServerError("Internal error", status_code=500)] * 2)
    poller.start()
    try:
        await wait_for(lambda: poller.state.connection is Connection.ONLINE and len(registry) == 1)
    finally:
        await poller.stop()
    assert any(s.connection is Connection.FAILING for s in states)


async def test_unauthorized_stops_polling_until_resumed():
    platform, registry, poller, states = setup()
    platform.calls = {"a": make_call("a")}
    platform.failures.append(AuthenticationError("The API key was refused", status_code=401))
    poller.start()
    try:
        await wait_for(lambda: poller.state.connection is Connection.UNAUTHORIZED)
        count = sum(platform.requests.values())
        await asyncio.sleep(0.2)
        assert sum(platform.requests.values()) == count
        poller.resume()
        await wait_for(lambda: len(registry) == 1)
    finally:
        await poller.stop()


async def test_call_gone_from_platform_leaves_the_registry():
    platform, registry, poller, _ = setup()
    registry.merge([make_call("gone")])
    assert await poller.refresh("gone") is None
    assert "gone" not in registry


async def test_watched_call_goes_first_and_budget_is_respected():
    plan = PollPlan(live_interval=0.05, list_interval=10, calls_per_tick=1, max_backoff=0.2)
    platform, registry, poller, _ = setup(Provider.HMS, plan)
    platform.calls = {i: make_call(i) for i in "abc"}
    registry.merge(platform.calls.values())
    poller.watch("c")
    poller.start()
    try:
        await wait_for(lambda: platform.requests["c"] >= 3)
    finally:
        await poller.stop()
    assert platform.requests["c"] >= platform.requests["a"] + 2


async def test_a_stopped_poller_makes_no_more_requests():
    platform, registry, poller, _ = setup()
    registry.merge([make_call("a")])
    poller.start()
    await poller.stop()
    before = sum(platform.requests.values())
    assert (await poller.refresh("a")).id == "a"
    await poller.refresh_list()
    assert sum(platform.requests.values()) == before


async def test_a_failing_list_backs_off_while_live_calls_refresh_fine():
    """Each loop keeps its own backoff: the call loop's successes do not reset the list loop's."""
    platform, registry, poller, states = setup()
    platform.calls = {"a": make_call("a")}
    registry.merge([make_call("a")])
    platform.list_failure = ServerError("Internal error", status_code=500)
    poller.start()
    try:
        await wait_for(lambda: platform.requests["list"] >= 6)
    finally:
        await poller.stop()
    assert platform.requests["a"] > platform.requests["list"]  # the live loop kept succeeding
    waits = [s.retry_in for s in states if s.connection is Connection.FAILING and s.retry_in]
    assert max(waits) >= 0.75 * FAST.max_backoff  # grew to the cap instead of staying at the first step
    assert states[-1].connection is Connection.FAILING  # a live refresh does not paper over the failing list


async def test_only_the_first_list_is_cut_short_every_change_after_it_is_read():
    """More changed calls than the first list's page budget: none may be lost (a thousand live calls
    changing every second filled the budget with the newest, and the older ones were never listed)."""
    platform, registry, poller, _ = setup(plan=replace(FAST, max_pages=1))
    platform.page = 2
    platform.calls = {i: make_call(i) for i in "abc"}
    poller.start()
    try:
        await wait_for(lambda: len(registry) == 2)  # the first list: one page, the rest is the history's
        platform.calls = {i: make_call(i, updated=5) for i in "abcdefg"}
        await wait_for(lambda: len(registry) == 7)
    finally:
        await poller.stop()


async def test_with_more_live_calls_than_single_reads_can_keep_up_with_only_the_watched_one_is_read_alone():
    """The list brings every live call each list_interval; eight single reads a second among a thousand
    live calls would refresh each one every two minutes, costing requests and the window's time for nothing."""
    plan = PollPlan(live_interval=0.02, list_interval=0.1, calls_per_tick=2, max_backoff=0.2)  # 10 calls' worth
    platform, registry, poller, _ = setup(Provider.VAPI, plan)
    platform.calls = {f"c{i}": make_call(f"c{i}") for i in range(11)}
    registry.merge(platform.calls.values())
    poller.watch("c3")
    poller.start()
    try:
        await wait_for(lambda: platform.requests["c3"] >= 3 and platform.requests["list"] >= 3)
        assert sum(platform.requests[f"c{i}"] for i in range(11) if i != 3) == 0
        platform.calls = {f"c{i}": make_call(f"c{i}", updated=1, status="ended" if i else "in-progress")
                          for i in range(11)}
        await wait_for(lambda: platform.requests["c0"] >= 2)  # one live call left: read alone again
    finally:
        await poller.stop()
