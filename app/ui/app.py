"""The QApplication, its one asyncio loop (qasync, on the Qt thread) and the last-resort error hook."""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
import sys
import traceback
from types import TracebackType
from typing import TypeVar

import qasync
from PySide6.QtCore import QCoreApplication, QObject, QSettings, QSocketNotifier
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.paths import APP_NAME, ORGANIZATION, config_dir
from app.providers.errors import ProviderError
from app.store.database import StoreError
from app.ui.plain import block, message_box
from app.ui.theme import apply_theme

log = logging.getLogger(__name__)
T = TypeVar("T")


def create_application(argv: list[str] | None = None) -> tuple[QApplication, qasync.QEventLoop]:
    """Names are set once, before any QSettings is read."""
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APP_NAME)
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationDisplayName(APP_NAME)
    app.setQuitOnLastWindowClosed(False)  # the loop must outlive the window to close clients cleanly
    apply_theme(app)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    return app, loop


def settings() -> QSettings:
    """Window layout and preferences (never secrets), in Switchboard's own config folder."""
    return QSettings(str(config_dir() / "console.ini"), QSettings.Format.IniFormat)


def setting(key: str, default: T, store: QSettings | None = None) -> T:
    """A stored preference, of the default's type (QSettings.value is typed `object`); the default
    when missing or of another type."""
    value = (store or settings()).value(key, default, type=type(default))
    return value if isinstance(value, type(default)) else default


def readable(error: BaseException) -> str:
    """A message a supervisor can act on; details stay in the log."""
    if isinstance(error, ProviderError | StoreError):
        return str(error)
    if isinstance(error, OSError):
        return f"A system error occurred: {error.strerror or error}"
    return f"Something went wrong ({type(error).__name__}: {error}). The details are in the log."


class ErrorReporter:
    """sys.excepthook for asyncSlot tasks and Qt slots: log, then show a non-blocking message."""

    def __init__(self, parent: QWidget | None = None):
        self.parent = parent
        self.last_message: str | None = None
        self._box: QMessageBox | None = None

    def __call__(self, kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        log.error("unhandled error:\n%s", "".join(traceback.format_exception(kind, error, tb)))
        self.last_message = readable(error)
        if QApplication.instance() is None:
            return
        if self._box is None:
            self._box = message_box(
                QMessageBox(QMessageBox.Icon.Warning, APP_NAME, "", QMessageBox.StandardButton.Ok, self.parent))
            self._box.setObjectName("errorMessage")
        self._box.setText(block(self.last_message))
        self._box.open()  # never exec(): the asyncio loop keeps running

    def install(self) -> None:
        sys.excepthook = self


class CloseOnSigterm(QObject):
    """SIGTERM (a logout, `kill`, a service manager) closes the window as the user would, so its layout
    and preferences are saved. The signal only writes a byte to a socket; Qt's loop wakes on it and closes."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self._reader, self._writer = socket.socketpair()
        for end in (self._reader, self._writer):
            end.setblocking(False)
        signal.set_wakeup_fd(self._writer.fileno())
        signal.signal(signal.SIGTERM, lambda *_args: None)  # a Python handler, so the wakeup byte is written
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._woken)

    def _woken(self) -> None:
        if signal.SIGTERM.to_bytes(1, "little") in self._reader.recv(64):
            log.info("SIGTERM: closing the window")
            self.window.close()
