"""The guard every Qt test runs under: a timer or thread left running is reported."""

from __future__ import annotations

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
