"""Single keys that act on a list's current item (Enter opens, L listens, A acknowledges…), for the
triage queue and the wall alike."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget


class ViewKeys(QObject):
    """Watches `view`'s key presses: a bound key without modifiers (the keypad's Enter counts) runs its
    action once; a held key's auto-repeat is swallowed, so holding A cannot acknowledge a whole queue."""

    def __init__(self, view: QWidget, actions: Mapping[Qt.Key, Callable[[], object]]) -> None:
        super().__init__(view)
        self._actions = dict(actions)
        view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress \
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            action = self._actions.get(Qt.Key(event.key()))
            if action is not None:
                if not event.isAutoRepeat():
                    action()
                return True
        return super().eventFilter(watched, event)
