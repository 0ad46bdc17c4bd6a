"""Tasks a window part starts on the asyncio loop: the live layer's KeptTasks, with a failure going
to sys.excepthook like any failing slot (the app's ErrorReporter: logged and shown)."""

from __future__ import annotations

import sys

from app.live.tasks import KeptTasks


def _report(error: BaseException) -> None:
    sys.excepthook(type(error), error, error.__traceback__)


class OwnedTasks(KeptTasks):
    def __init__(self) -> None:
        super().__init__("window", on_error=_report)

    start = KeptTasks.spawn


class Newest:
    """Numbers a view's reads so an answer older than one already shown is dropped: reads go to two reader
    threads, so an older one can answer after a newer one. (An older answer arriving first is shown, then
    replaced: whoever awaits a read finds the view at least that new.)"""

    def __init__(self) -> None:
        self._asked = 0
        self._shown = 0

    def ask(self) -> int:
        self._asked += 1
        return self._asked

    def show(self, ticket: int) -> bool:
        """Whether this read's answer is to be shown (nothing newer is on screen); it then is."""
        if ticket < self._shown:
            return False
        self._shown = ticket
        return True
