"""The Redact switch for screen sharing: while on, every view that shows a caller or what was said
(the transcript, the analysis, call labels everywhere, the call list, the wall, the alerts and their
notifications, search results) shows phone numbers, e-mail addresses, card numbers and spelled-out numbers as
"[phone number]"… Exports redact on their own (see app/qa/redacted_call.py), switch or not."""

from __future__ import annotations

from typing import TYPE_CHECKING, overload

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication

from app.domain import Call
from app.live.events import Event
from app.qa.redacted_call import redacted_call
from app.qa.redaction import Kind, redact, redact_parts

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

REDACT_KEYS = "Ctrl+Shift+R"


class ScreenRedaction:
    """Whether the screen hides what it would redact; one for the process (there is one screen)."""

    def __init__(self) -> None:
        self.on = False
        self.changed: Event[bool] = Event("screen redaction changed")

    def set_on(self, on: bool) -> None:
        if on != self.on:
            self.on = on
            self.changed.emit(on)

    @overload
    def call(self, call: Call) -> Call: ...
    @overload
    def call(self, call: None) -> None: ...
    def call(self, call: Call | None) -> Call | None:
        return redacted_call(call) if self.on and call is not None else call

    def number(self, number: str | None) -> str | None:
        return f"[{Kind.PHONE}]" if self.on and number else number

    def text(self, text: str) -> str:
        """Anything a caller or the platform wrote (a name, a line said, an alert's words)."""
        return redact(text) if self.on and text else text

    def parts(self, parts: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
        """A text in flagged pieces (a search snippet and its highlighted matches)."""
        return redact_parts(parts) if self.on else parts


SCREEN = ScreenRedaction()


def add_redact_switch(window: MainWindow) -> QAction:
    """A checkable "Redact" action on the window's account toolbar; toggling it redraws the call shown."""
    action = QAction("Redact", window, objectName="redactSwitch", checkable=True, checked=SCREEN.on)
    action.setShortcut(QKeySequence(REDACT_KEYS))
    action.setToolTip(f"Hide phone numbers, e-mail addresses and card numbers on screen, for screen sharing "
                      f"({REDACT_KEYS})")
    action.toggled.connect(SCREEN.set_on)

    def redraw(_on: bool) -> None:
        action.setChecked(SCREEN.on)
        window.redraw_call()
        for widget in QApplication.topLevelWidgets():  # every view (and floating dock) paints its text again
            widget.update()

    SCREEN.changed.connect(redraw)
    window.addAction(action)
    return action
