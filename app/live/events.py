"""The one observer mechanism of the live layer (no Qt): evented state that views and tools follow.

An `Event[T]` is one kind of notification. Owners expose theirs under `.events` (napari's
pattern: `registry.events.changed.connect(callback)`), emit a value, and every callback gets it in
the order it connected. A callback that raises is logged and the others still run: one broken
view must not starve the rest. `connect` returns the function that disconnects it again.
Qt adapters connect plain methods and turn events into their own signals.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
Callback = Callable[[T], object]


class Event(Generic[T]):
    """Callbacks for one kind of change, each told every value emitted after it connected."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._callbacks: list[Callback[T]] = []

    def __len__(self) -> int:
        return len(self._callbacks)

    def connect(self, callback: Callback[T]) -> Callable[[], None]:
        """Call `callback(value)` on every emit from now on (once, however often connected)."""
        if callback not in self._callbacks:
            self._callbacks.append(callback)
        return lambda: self.disconnect(callback)

    def disconnect(self, callback: Callback[T]) -> None:
        """Stop calling `callback`; disconnecting one that is not connected is harmless."""
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def emit(self, value: T) -> None:
        # A copy: a callback may connect or disconnect while being told.
        for callback in list(self._callbacks):
            try:
                callback(value)
            except Exception:
                log.exception("a %s callback failed", self.name)
