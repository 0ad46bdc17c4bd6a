"""Work started at once on its own thread; its result (or error) waits for whoever asks for it later."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

T = TypeVar("T")


def started(work: Callable[[], T], name: str) -> Future[T]:
    done: Future[T] = Future()
    done.set_running_or_notify_cancel()  # whoever waits may give up waiting; the work itself is not cancelled

    def run() -> None:
        try:
            done.set_result(work())
        except BaseException as error:  # handed to whoever asks for the result
            done.set_exception(error)

    threading.Thread(target=run, name=name, daemon=True).start()
    return done
