"""Tasks a window part starts on the asyncio loop: kept until they end, their errors surfaced.

asyncio keeps only a weak reference to a task, so a dropped `ensure_future` result can vanish
mid-flight, and its exception is only ever logged at garbage collection. An owner keeps them here;
a failure goes to sys.excepthook like any failing slot (the app's ErrorReporter: logged and shown).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class OwnedTasks:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def __len__(self) -> int:
        return len(self._tasks)

    def start(self, work: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._ended)
        return task

    def _ended(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            sys.excepthook(type(error), error, error.__traceback__)

    async def aclose(self) -> None:
        """Cancel what still runs and wait until it has stopped."""
        running = list(self._tasks)
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
