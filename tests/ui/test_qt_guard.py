"""The guard every Qt test runs under: a timer or thread left running is reported; and the loop the tests
run coroutines on."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QObject, QThread, QTimer

from tests.fixtures.qt import QtWorkRecorder


def test_a_running_timer_is_a_leak_and_gets_stopped(qapp, monkeypatch):
    recorder = QtWorkRecorder()
    recorder.install(monkeypatch)
    owner = QObject()
    timer = QTimer(owner)
    timer.start(1000)
    assert recorder.leaks() == ["QTimer (parent QObject) still running"]
    assert not timer.isActive()


def test_deleted_or_stopped_timers_are_not_leaks(qapp, monkeypatch):
    recorder = QtWorkRecorder()
    recorder.install(monkeypatch)
    stopped, deleted = QTimer(), QTimer()
    stopped.start(1000)
    stopped.stop()
    deleted.start(1000)
    deleted.deleteLater()
    assert recorder.leaks() == []


def test_a_running_thread_is_a_leak(qapp, monkeypatch):
    recorder = QtWorkRecorder()
    recorder.install(monkeypatch)
    thread = QThread(objectName="decoder")
    thread.start()
    try:
        assert recorder.leaks() == ["QThread decoder still running"]
    finally:
        thread.quit()
        thread.wait()
    assert recorder.leaks() == []


def test_what_is_pending_when_a_scenario_ends_runs_with_the_loop_running(qloop, run_async):
    """qasync handled pending Qt events once more after run_until_complete's loop had stopped: work done
    there found no running loop (a recording load opening its device once failed so). It now waits for
    the loop's next run, as in the app, whose loop runs until it quits."""
    seen: list[object] = []

    def post() -> None:  # runs just before the loop is told to stop: its event is handled after
        QTimer.singleShot(0, lambda: seen.append(asyncio.events._get_running_loop()))

    async def scenario() -> None:
        asyncio.get_running_loop().call_soon(post)

    run_async(scenario())
    run_async(asyncio.sleep(0.05))
    assert seen == [qloop]
