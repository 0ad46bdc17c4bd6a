"""The rules' per-line caches: a live call's lines come again on every poll, so the work done on each
(normalising it, searching it for a phrase list, reading a tool result) is kept — for lines of ordinary
length only, so platform text of any size never fills memory through them."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

CACHED_CHARS = 1_000  # a longer line is worked on each time it comes

R = TypeVar("R")


def per_line(maxsize: int) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Keep `work(..., line)` for up to `maxsize` lines of at most CACHED_CHARS; the line is its last argument."""

    def keep(work: Callable[..., R]) -> Callable[..., R]:
        kept = functools.lru_cache(maxsize=maxsize)(work)

        @functools.wraps(work)
        def run(*args: Any) -> R:
            line = args[-1]
            return kept(*args) if line is None or len(line) <= CACHED_CHARS else work(*args)

        return run

    return keep
