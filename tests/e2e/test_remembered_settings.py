"""Layout, filters and playback speed survive however the app is closed: restored by a new window, and
written when the process gets SIGTERM (the window closes as if the user had closed it)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtCore import QSettings

from app.paths import config_dir
from app.ui.call_list_model import Scope
from tests.fixtures.window import open_window


def test_filters_and_speed_come_back_in_a_new_window(qtbot, qloop, tmp_path):
    first = open_window(qtbot, qloop, tmp_path)
    first.call_list.scope.setCurrentText(Scope.LIVE.value)
    first.call_list.status.setCurrentText("in-progress")
    first.call_list.live_first.setChecked(False)
    first.audio_area.transport.speed.setCurrentIndex(first.audio_area.transport.speed.findText("1.5×"))
    # No close: the values reach the disk as soon as the event loop turns (a crash keeps them too).
    def on_disk() -> bool:
        stored = QSettings(str(config_dir() / "console.ini"), QSettings.Format.IniFormat)
        return stored.value("callList/scope") == Scope.LIVE.value and stored.value("audio/speed", type=float) == 1.5

    qtbot.waitUntil(on_disk, timeout=2000)
    second = open_window(qtbot, qloop, tmp_path / "second")
    assert second.call_list.scope.currentText() == Scope.LIVE.value
    assert second.call_list.status.value() == "in-progress"
    assert not second.call_list.live_first.isChecked() and not second.call_list.proxy.live_first
    assert second.audio_area.transport.speed.currentData() == 1.5


def test_sigterm_closes_the_window_and_saves_the_layout(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    ini = Path(tmp_path / "config" / "Switchboard" / "console.ini")
    process = subprocess.Popen([sys.executable, "-m", "app", "--demo"], env=env, cwd=Path(__file__).parents[2],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        data = tmp_path / "data"
        while time.monotonic() < deadline and not any(data.rglob("history.sqlite3")):
            time.sleep(0.2)  # the window is up once its History dock has opened the history database
        time.sleep(2.0)
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        assert "geometry" not in (ini.read_text() if ini.exists() else "")
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, output
    text = ini.read_text()
    assert "geometry=" in text and "state=" in text and "header=" in text, text
