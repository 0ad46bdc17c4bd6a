"""The real window against a hostile platform: huge texts are bounded before they reach a layout, and
slow answers never freeze the window (issue 11, item 2)."""

from __future__ import annotations

import asyncio
import struct
import time
from pathlib import Path

from app.ui.app import settings
from tests.fixtures.qt import until
from tests.fixtures.window import open_window
from tests.hostile.window_platform import KEY, hostile, vapi_call  # noqa: F401 - fixture


class StallWatch:
    """The longest the event loop went without running a 10 ms ticker: how long the window froze."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            self.longest = max(self.longest, now - last)
            last = now

    def __enter__(self) -> StallWatch:
        self._task = asyncio.ensure_future(self._tick())
        return self

    def __exit__(self, *_exc: object) -> None:
        assert self._task is not None
        self._task.cancel()


def test_a_200_000_character_name_neither_grows_nor_is_remembered_in_the_window(
        qtbot, qloop: asyncio.AbstractEventLoop, tmp_path: Path, run_async, hostile):  # noqa: F811
    window = open_window(qtbot, qloop, tmp_path)
    width = window.width()
    huge = "N" * 200_000
    hostile.serve_calls([vapi_call("ended-1", hostile.base_url, live=False, name=huge, text=huge)])

    async def scenario() -> None:
        await window.open_session(hostile.account(), KEY)
        await until(lambda: "ended-1" in window.call_list.visible_call_ids(), what="the call")
        assert window.call_list.select_call("ended-1")
        await until(lambda: window.call_title.text().startswith("NNN"), what="the header")
        await asyncio.sleep(0.2)
        await window.close_session()

    run_async(scenario())
    assert window.width() == width and window.minimumSizeHint().width() < width
    window.save_layout()
    assert saved_width() <= width + 40, "the geometry remembered is the one the user had (plus its frame)"


def saved_width() -> int:
    """The frame width in the saved geometry (QWidget::saveGeometry: magic, version, then the frame
    rectangle as left, top, right, bottom), read directly: restoring would clamp it to the screen."""
    saved = bytes(settings().value("window/geometry").data())
    left, _top, right, _bottom = struct.unpack(">iiii", saved[8:24])
    return right - left + 1


def test_a_2_mb_summary_is_shown_without_freezing_the_window(qtbot, qloop: asyncio.AbstractEventLoop,
                                                            tmp_path: Path, run_async, hostile):  # noqa: F811
    window = open_window(qtbot, qloop, tmp_path)
    summary = "The caller explained the problem again. " * 52_000  # about 2 MB
    hostile.serve_calls([vapi_call("ended-1", hostile.base_url, live=False, text="Maria", summary=summary)])

    async def scenario() -> float:
        await window.open_session(hostile.account(), KEY)
        await until(lambda: "ended-1" in window.call_list.visible_call_ids(), what="the call")
        with StallWatch() as watch:
            assert window.call_list.select_call("ended-1")
            await until(lambda: window.analysis.summary.text() == summary, what="the summary")
            await asyncio.sleep(0.3)
        await window.close_session()
        return watch.longest

    longest = run_async(scenario())
    assert longest < 1.0, f"the window froze {longest:.1f} s"
    assert window.analysis.summary.show_all.isVisible()
    assert len(window.analysis.summary.label.text()) < 10_000


def test_slow_answers_never_freeze_the_window(qtbot, qloop: asyncio.AbstractEventLoop, tmp_path: Path,
                                              run_async, hostile):  # noqa: F811
    window = open_window(qtbot, qloop, tmp_path)
    hostile.delay = 2.5
    hostile.serve_calls([vapi_call("ended-1", hostile.base_url, live=False, text="Maria")])

    async def scenario() -> float:
        with StallWatch() as watch:
            await window.open_session(hostile.account(), KEY)
            await asyncio.sleep(1.0)
            assert not window.status.state.loaded  # still waiting for the platform…
            refresh = window._refresh_now()  # …and the window still takes orders (F5: an asyncSlot, a task)
            await until(lambda: "ended-1" in window.call_list.visible_call_ids(), timeout=15, what="the call")
            await asyncio.wait_for(refresh, 10)
        await window.close_session()
        return watch.longest

    assert run_async(scenario()) < 0.5
