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


def test_a_task_stepped_in_the_loops_last_pass_finds_the_loop(qloop, run_async):
    """qasync handles pending events once more after run_until_complete's loop stopped: a task stepped
    there must still find a running loop (a recording load opening its device once failed there)."""
    seen: list[object] = []

    async def later() -> None:
        await asyncio.sleep(0)
        try:
            seen.append(asyncio.get_running_loop())
        except RuntimeError as error:
            seen.append(error)

    async def scenario() -> None:
        asyncio.get_running_loop().create_task(later())  # steps after the scenario ends

    run_async(scenario())
    assert seen == [qloop]
