"""The embedded sandbox starts on a free port, serves all three platforms, and stops cleanly."""

from __future__ import annotations

import asyncio
import threading

import httpx
import pytest

from app.domain import Provider
from app.sandbox.embedded import EmbeddedSandbox
from tests.fixtures.sandbox import SANDBOX_KEY


def test_serves_every_platform_on_its_base_url(sandbox: EmbeddedSandbox) -> None:
    vapi = httpx.get(f"{sandbox.base_url(Provider.VAPI)}/call", headers={"Authorization": f"Bearer {SANDBOX_KEY}"})
    hms = httpx.get(f"{sandbox.base_url(Provider.HMS)}/calls", headers={"Authorization": f"Bearer {SANDBOX_KEY}"})
    bot = httpx.get(f"{sandbox.base_url(Provider.VOICEBOT)}/calls", headers={"X-API-Key": SANDBOX_KEY})
    assert [r.status_code for r in (vapi, hms, bot)] == [200, 200, 200]
    assert len(vapi.json()) == 32  # 30 history + 2 live
    assert hms.json()["pagination"]["total"] == 32
    assert len(bot.json()) == 32


def test_stop_is_idempotent_and_joins_the_thread() -> None:
    sandbox = EmbeddedSandbox(history=5, live=1).start()
    port = sandbox.port
    sandbox.stop()
    sandbox.stop()
    assert not any(t.name == "sandbox" for t in threading.enumerate())
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/vapi/call", timeout=1)


def test_context_manager_and_start_call() -> None:
    with EmbeddedSandbox(history=0, live=0, api_key="k") as sandbox:
        call_id = sandbox.start_call(Provider.VAPI, "booking", owner="transient")
        got = httpx.get(f"{sandbox.base_url(Provider.VAPI)}/call/{call_id}", headers={"Authorization": "Bearer k"})
        assert got.json()["status"] == "queued"
        assert got.json()["assistant"]["name"] == "Riley - Bookings"


def _vapi_calls(box: EmbeddedSandbox) -> list[dict]:
    return httpx.get(f"{box.base_url(Provider.VAPI)}/call", headers={"Authorization": f"Bearer {SANDBOX_KEY}"}).json()


def _facts(box: EmbeddedSandbox) -> list[tuple]:
    """Everything about the calls but their ids (and dates, which follow the start)."""
    return [(c["customer"]["number"], c.get("assistantId"), c.get("squadId"), c.get("workflowId"), c.get("endedReason"),
             c.get("artifact", {}).get("transcript")) for c in _vapi_calls(box)]


def test_same_seed_same_calls(sandbox_factory) -> None:
    first = sandbox_factory(seed=7, live=0, history=20, id_salt=5)
    second = sandbox_factory(seed=7, live=0, history=20, id_salt=5)
    other = sandbox_factory(seed=8, live=0, history=20, id_salt=5)

    def ids(box: EmbeddedSandbox) -> list[str]:
        return [c["id"] for c in _vapi_calls(box)]

    assert ids(first) == ids(second) and _facts(first) == _facts(second)
    assert ids(first) != ids(other) and _facts(first) != _facts(other)


@pytest.mark.parametrize("provider", list(Provider))
def test_each_run_has_its_own_call_ids(sandbox_factory, provider: Provider) -> None:
    """Issue 13 item 10: a restarted demo (same seed) must not reuse ids, or an old review lands on a new call."""
    first = sandbox_factory(seed=7, live=1, history=20)
    second = sandbox_factory(seed=7, live=1, history=20)

    def ids(box: EmbeddedSandbox) -> set[str]:
        return {c.id for c in box.server.state.world.books[provider].calls.values()}

    assert len(ids(first)) == len(ids(second)) == 21
    assert not ids(first) & ids(second)
    assert _facts(first) == _facts(second)  # the seed still decides everything else


@pytest.mark.parametrize("bad", [{"faults": "latency=soon"}, {"live": -1}, {"speed": 0}])
def test_bad_settings_fail_in_the_callers_thread(bad) -> None:
    with pytest.raises(ValueError):
        EmbeddedSandbox(**bad)


def test_the_root_says_where_each_platform_is(sandbox: EmbeddedSandbox) -> None:
    index = httpx.get(f"http://127.0.0.1:{sandbox.port}/").json()
    assert index["baseUrls"] == {p.value: sandbox.base_url(p) for p in Provider}
    assert (index["monitorOrigins"], index["storageOrigin"]) == (list(sandbox.origins("monitor")),
                                                                 sandbox.origins("storage")[0])
    assert "booking" in index["scenarios"]


async def test_a_restarted_demo_never_reuses_a_call_id() -> None:
    """Issue 13 item 10, as the console meets it: the demo always starts with seed 1."""
    from app.live.demo import DemoPlatform

    seen = []
    for _ in range(2):
        demo = DemoPlatform(live=0, history=10)
        await demo.start()
        world = demo.sandbox.server.state.world
        seen.append({c.id for book in world.books.values() for c in book.calls.values()})
        await demo.stop()
    assert len(seen[0]) == len(seen[1]) == 30 and not seen[0] & seen[1]


async def test_a_demo_started_early_is_the_one_the_window_opens_and_stops() -> None:
    """`switchboard --demo` starts the sandbox while the window's modules load; the window's start waits
    for that one (no second sandbox), and a stop during the start stops it once it is up."""
    from app.live.demo import DemoPlatform

    demo = DemoPlatform(live=0, history=5)
    demo.start_soon()
    demo.start_soon()
    first = await demo.start()
    sandbox = demo.sandbox
    assert await demo.start() == first and demo.sandbox is sandbox
    await demo.stop()
    assert not _sandbox_running()

    demo.start_soon()
    await demo.stop()  # while it is still starting
    with pytest.raises(RuntimeError, match="not running"):
        _ = demo.sandbox
    assert not _sandbox_running()


def _sandbox_running() -> bool:
    return any(thread.name == "sandbox" and thread.is_alive() for thread in threading.enumerate())


async def test_a_stop_while_the_window_waits_for_the_start_leaves_nothing_running() -> None:
    from app.live.demo import DemoPlatform

    demo = DemoPlatform(live=0, history=5)
    starting = asyncio.ensure_future(demo.start())
    await asyncio.sleep(0)  # the window is waiting for the start
    await demo.stop()
    with pytest.raises(RuntimeError, match="stopped while it started"):
        await starting
    with pytest.raises(RuntimeError, match="not running"):
        _ = demo.sandbox
    assert not _sandbox_running()


async def test_giving_up_waiting_for_the_start_does_not_cancel_it() -> None:
    from app.live.demo import DemoPlatform

    demo = DemoPlatform(live=0, history=5)
    waiting = asyncio.ensure_future(demo.start())
    await asyncio.sleep(0)
    waiting.cancel()  # e.g. the window closed while the demo started
    with pytest.raises(asyncio.CancelledError):
        await waiting
    account = await demo.start()  # the start under way is still the one
    assert account.base_url.startswith("http://127.0.0.1:")
    await demo.stop()
    assert not _sandbox_running()
