"""Background tasks that are kept and whose failures are heard: no fire-and-forget.

asyncio keeps only a weak reference to a task, so a dropped `ensure_future` result can vanish
mid-flight, and its exception is only ever logged at garbage collection. An owner keeps its tasks
here; a failure is logged, or handed to the owner's `on_error` (the window shows it).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

log = logging.getLogger(__name__)

Result = TypeVar("Result")


class KeptTasks:
    """Holds a reference to every task it starts until it ends, and reports the error of any that fails."""

    def __init__(self, owner: str, on_error: Callable[[BaseException], None] | None = None) -> None:
        self._owner = owner
        self._on_error = on_error
        self._tasks: set[asyncio.Task[Any]] = set()

    def __len__(self) -> int:
        return len(self._tasks)

    def spawn(self, coro: Coroutine[Any, Any, Result]) -> asyncio.Task[Result]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    async def aclose(self) -> None:
        """Cancel what still runs and wait until it has stopped."""
        running = list(self._tasks)
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled() or (error := task.exception()) is None:
            return
        if self._on_error is not None:
            self._on_error(error)
        else:
            log.error("%s: a background task failed", self._owner, exc_info=error)
