"""The QApplication, its one asyncio loop (qasync, on the Qt thread) and the last-resort error hook."""

from __future__ import annotations

import asyncio
import logging
import sys
import traceback
from types import TracebackType
from typing import TypeVar

import qasync
from PySide6.QtCore import QCoreApplication, QSettings
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
