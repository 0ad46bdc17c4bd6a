"""Child process for startup and ui_live_500: the real console (`switchboard` = app.ui.launch.run), watched.

    python -m benchmarks.window_probe startup CACHED_CALLS -- [switchboard arguments]
    python -m benchmarks.window_probe live WARMUP SECONDS WINDOWS LIVE_CALLS -- [switchboard arguments]

The only change to the console is a watcher started with its QApplication (a 10 ms QTimer that
looks at the window through its widgets' object names); it prints JSON lines on stdout:
- startup: `calls_shown` (time.monotonic(), comparable with the parent's: one system clock) when the
  call list first shows rows, then `cached_listed` with the resident memory once the History dock's
  cached-calls table counts CACHED_CALLS rows and shows the first ones; then the window closes.
- live: WARMUP seconds after the call list shows LIVE_CALLS rows, a 5 ms heartbeat QTimer runs for
  WINDOWS back-to-back windows of SECONDS; prints `live` with each window's p99 and max stall (heartbeat
  gap beyond 5 ms) and CPU % of one core (this process: the console).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QTableView, QWidget

from app.ui import app as ui_app
from app.ui import launch
from benchmarks.runner import percentile

WATCH_MS = 10
HEARTBEAT_MS = 5
GIVE_UP_SECONDS = 60


def emit(event: str, **fields: Any) -> None:
    print(json.dumps({"event": event, "monotonic": time.monotonic(), **fields}), flush=True)


def resident_mib() -> float:
    found = re.search(r"^VmRSS:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.MULTILINE)
    return int(found.group(1)) / 1024 if found else 0.0


class Watcher(QObject):
    """Polls the window's widgets; `step` is the current expectation, replaced as each one is met."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.app = app
        self.started = time.monotonic()
        self.step: Callable[[QMainWindow], bool] = lambda window: False
        self._window: QMainWindow | None = None
        self.waiting_for = "the main window"  # said when giving up
        self._timer = QTimer(self, interval=WATCH_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def window(self) -> QMainWindow | None:
        if self._window is None:  # looked up once: topLevelWidgets() is not free at 100 Hz
            self._window = next((w for w in self.app.topLevelWidgets()
                                 if isinstance(w, QMainWindow) and w.objectName() == "mainWindow"), None)
        return self._window

    def _tick(self) -> None:
        if time.monotonic() - self.started > GIVE_UP_SECONDS:
            emit("gave_up", waiting_for=self.waiting_for)
            self.app.exit(3)
            return
        window = self.window()
        if window is not None and self.step(window):
            self._timer.stop()
            window.close()

    @staticmethod
    def table(window: QMainWindow, name: str) -> QTableView | None:
        return window.findChild(QTableView, name)


def calls_listed(window: QMainWindow, at_least: int) -> bool:
    table = Watcher.table(window, "callTable")
    return table is not None and table.isVisible() and table.model().rowCount() >= at_least


def watch_startup(watcher: Watcher, cached_calls: int) -> None:
    shown = False
    asked = False

    def step(window: QMainWindow) -> bool:
        nonlocal shown, asked
        if not shown:
            watcher.waiting_for = "calls in the call list"
            shown = calls_listed(window, 1)
            if shown:
                emit("calls_shown")
            return False
        table = Watcher.table(window, "cachedTable")
        if table is None:
            watcher.waiting_for = "the cached calls table"
            return False
        model: Any = table.model()
        watcher.waiting_for = f"{cached_calls} cached calls listed ({model.rowCount()} so far, asked: {asked})"
        if model.rowCount() < cached_calls and not asked:
            view = window.findChild(QWidget, "cachedCalls")
            if view is not None:  # what showing the Calls tab does, should nothing have listed them yet
                asked = True
                asyncio.ensure_future(view.reload())  # type: ignore[attr-defined]
            return False
        if model.rowCount() >= cached_calls and model.row_at(0) is not None:
            emit("cached_listed", rows=model.rowCount(), rss_mib=resident_mib())
            return True
        return False

    watcher.step = step


def show_the_wall(window: QMainWindow) -> None:
    """The wall of live calls open beside the list, as a supervisor watching many calls has it."""
    for dock in window.findChildren(QDockWidget):
        if dock.windowTitle() == "Wall":
            dock.show()


def watch_live(watcher: Watcher, warmup: float, seconds: float, windows: int, live_calls: int) -> None:
    """After `warmup` seconds with `live_calls` rows listed, `windows` back-to-back measurements of `seconds`."""
    beats: list[float] = []
    heartbeat = QTimer(watcher, interval=HEARTBEAT_MS)
    heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
    heartbeat.timeout.connect(lambda: beats.append(time.perf_counter()))
    listed_at: float | None = None
    cpu_start = 0.0
    measured: dict[str, list[float]] = {"p99_ms": [], "max_ms": [], "cpu_percent": []}

    def step(window: QMainWindow) -> bool:
        nonlocal listed_at, cpu_start
        if listed_at is None:
            watcher.waiting_for = f"{live_calls} calls in the call list"
            listed_at = time.perf_counter() if calls_listed(window, live_calls) else None
            if listed_at is not None and os.environ.get("SWITCHBOARD_BENCH_WALL", "1") == "1":
                show_the_wall(window)
            return False
        if not heartbeat.isActive():
            watcher.waiting_for = "the warm-up to pass"
            if time.perf_counter() - listed_at >= warmup:
                beats[:] = [time.perf_counter()]
                cpu_start = time.process_time()
                heartbeat.start()
            return False
        if beats[-1] - beats[0] < seconds:
            return False
        stalls = [max(0.0, (b - a) * 1000 - HEARTBEAT_MS) for a, b in zip(beats, beats[1:], strict=False)]
        measured["p99_ms"].append(percentile(stalls, 0.99))
        measured["max_ms"].append(max(stalls))
        measured["cpu_percent"].append((time.process_time() - cpu_start) / (beats[-1] - beats[0]) * 100)
        beats[:] = [beats[-1]]
        cpu_start = time.process_time()
        if len(measured["max_ms"]) < windows:
            return False
        heartbeat.stop()
        emit("live", rows=Watcher.table(window, "callTable").model().rowCount(), **measured)  # type: ignore[union-attr]
        return True

    watcher.step = step


def main(argv: list[str]) -> int:
    mode, *rest = argv
    ours, console_argv = rest[: rest.index("--")], rest[rest.index("--") + 1 :]
    parser = argparse.ArgumentParser(prog="switchboard")
    launch.add_arguments(parser)
    args = parser.parse_args(console_argv)
    create_application = ui_app.create_application

    def watched(*a: Any, **k: Any) -> Any:
        app, loop = create_application(*a, **k)
        watcher = Watcher(app)
        if mode == "startup":
            watch_startup(watcher, int(ours[0]))
        else:
            warmup, seconds, windows, live_calls = ours
            watch_live(watcher, float(warmup), float(seconds), int(windows), int(live_calls))
        return app, loop

    # Patched where the console takes it from, before the console's modules load: they load in
    # launch.run, as in `switchboard` (the demo starts meanwhile).
    with mock.patch.object(ui_app, "create_application", watched):
        return launch.run(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
