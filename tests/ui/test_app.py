"""Application set-up, the last-resort error hook, and the launcher's argument checks."""

from __future__ import annotations

import argparse
import asyncio
import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QMessageBox
from qasync import asyncSlot

from app.providers.errors import AuthenticationError
from app.store.database import StoreError
from app.ui.app import ErrorReporter, readable
from app.ui.launch import add_arguments, check


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(list(argv))


def test_arguments_are_checked_before_any_window(monkeypatch):
    assert check(parse("--demo")) is None
    assert "go together" in check(parse("--provider", "vapi"))
    assert "SWITCHBOARD_API_KEY" in check(parse("--provider", "vapi", "--base-url", "https://api.vapi.ai"))
    monkeypatch.setenv("SWITCHBOARD_API_KEY", "k")
    assert check(parse("--provider", "vapi", "--base-url", "https://api.vapi.ai")) is None
    assert "either" in check(parse("--demo", "--provider", "hms", "--base-url", "https://x"))


def test_readable_messages():
    assert readable(AuthenticationError("The API key was refused.")) == "The API key was refused."
    assert "ValueError" in readable(ValueError("bad"))
    full = StoreError("The local history could not save this change: the disk holding it is full.")
    assert readable(full) == str(full)  # an unexpected store error is still a plain sentence


def test_error_hook_logs_and_shows_a_message_without_blocking(qtbot, caplog):
    reporter = ErrorReporter()
    try:
        raise KeyError("call-42")
    except KeyError:
        reporter(*sys.exc_info())
    assert "KeyError" in reporter.last_message
    assert "unhandled error" in caplog.text
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.objectName() == "errorMessage"]
    assert boxes and boxes[0].isVisible()
    boxes[0].close()
    boxes[0].deleteLater()


def test_theme_follows_the_override_and_badges_stay_readable(qapp, monkeypatch):
    from app.ui.theme import THEME_ENV, apply_theme, status_color
    from app.ui.tones import is_dark

    before = qapp.palette()
    try:
        monkeypatch.setenv(THEME_ENV, "dark")
        apply_theme(qapp)
        assert is_dark(qapp.palette())
        dark_live = status_color("in-progress")
        monkeypatch.setenv(THEME_ENV, "light")
        apply_theme(qapp)
        assert not is_dark(qapp.palette())
        assert status_color("in-progress") != dark_live
        assert status_color("some-new-status").isValid()  # unknown statuses still get a badge
    finally:
        qapp.setPalette(before)


def test_an_async_slot_that_fails_reaches_the_hook_and_the_loop_goes_on(qtbot, run_async, monkeypatch):
    class Button(QObject):
        clicked = Signal()

        @asyncSlot()
        async def on_click(self) -> None:
            await asyncio.sleep(0)
            raise AuthenticationError("The API key was refused.")

    reporter = ErrorReporter()
    monkeypatch.setattr(sys, "excepthook", reporter)
    button = Button()
    button.clicked.connect(button.on_click)

    async def scenario() -> None:
        button.clicked.emit()
        for _ in range(50):
            if reporter.last_message:
                break
            await asyncio.sleep(0.01)

    run_async(scenario())
    assert reporter.last_message == "The API key was refused."
    for box in QApplication.topLevelWidgets():
        if box.objectName() == "errorMessage":
            box.close()
            box.deleteLater()
