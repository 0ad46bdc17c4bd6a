"""Simulated traffic: live calls are replaced as they end; 100 000 history calls page by index."""

from __future__ import annotations

import time

import httpx
import pytest

from app.domain import Provider
from app.sandbox.callbook import CallBook, TimeRange
from app.sandbox.embedded import EmbeddedSandbox
from app.sandbox.history import history_calls
from app.sandbox.server import build_state
from app.sandbox.world import TrafficSettings
from tests.sandbox.helpers import client


def test_live_calls_are_kept_up(sandbox_factory) -> None:
    sandbox = sandbox_factory(live=2, history=0, speed=25.0, analysis_delay=1.0)
    live_counts = []
    with client(sandbox, Provider.VAPI) as api:
        deadline = time.monotonic() + 4
        while time.monotonic() < deadline:
            calls = api.get("/call").json()
            live_counts.append(sum(c["status"] != "ended" for c in calls))
            time.sleep(0.05)
    assert len(calls) > 2 and any(c["status"] == "ended" for c in calls)  # some ended, new ones started
    assert max(live_counts) == 2 and live_counts.count(2) > len(live_counts) / 2


def test_a_hundred_thousand_history_calls_page_by_index() -> None:
    world = build_state(api_key="k", traffic=TrafficSettings(history=0, live=0), faults_spec=None).world
    book, hms_book = CallBook(), CallBook()
    for platform, into in ((Provider.VAPI, book), (Provider.HMS, hms_book)):
        into.load_sorted(history_calls(world.factory, platform, 100_000, world.now_ms(), ((0.5, 1.5), (1.5, 3.5)), 4.0))
    assert len(book) == len({c.created_ms for c in book.calls.values()}) == 100_000
    cutoff, seen = None, 0
    for _ in range(3):
        page = []
        for call in book.newest_first(TimeRange(lt=cutoff), TimeRange()):
            page.append(call)
            if len(page) == 1000:
                break
        created = [c.created_ms for c in page]
        assert created == sorted(created, reverse=True) and (cutoff is None or created[0] < cutoff)
        cutoff, seen = created[-1], seen + len(page)
    assert seen == 3000
    hms_page, total = hms_book.page(TimeRange(), 99_500, 1000)
    assert total == 100_000 and len(hms_page) == 500


def test_a_busy_port_is_a_clear_error(sandbox) -> None:
    with pytest.raises(OSError):
        EmbeddedSandbox(port=sandbox.port).start()
    assert httpx.get(f"{sandbox.base_url(Provider.VAPI)}/call", headers={"Authorization": "Bearer x"}).status_code == 401
