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
