"""The calls the console knows about right now: merged by id, newest `updated_at` wins, evented."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from app.domain import Call

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RegistryChange:
    """What one merge did. Ids in registry order; `changed` only lists calls whose data differs."""

    inserted: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.inserted or self.changed or self.removed)


Listener = Callable[[RegistryChange], None]


@dataclass
class _Listeners:
    items: list[Listener] = field(default_factory=list)

    def emit(self, change: RegistryChange) -> None:
        for listener in list(self.items):
            try:
                listener(change)
            except Exception:  # one broken view must not stop the others from updating
                log.exception("call registry listener failed")


class CallRegistry:
    """Pure-Python evented state: views subscribe and get told which ids were inserted/changed/removed.

    Order is stable: new calls are appended, so a row index never moves under a view.
    """

    def __init__(self) -> None:
        self._calls: dict[str, Call] = {}  # insertion order is registry order
        self._listeners = _Listeners()

    # --- reading -------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._calls)

    def __contains__(self, call_id: object) -> bool:
        return call_id in self._calls

    def get(self, call_id: str) -> Call | None:
        return self._calls.get(call_id)

    def ids(self) -> list[str]:
        return list(self._calls)

    def calls(self) -> list[Call]:
        return list(self._calls.values())

    def live_ids(self) -> list[str]:
        return [call_id for call_id, call in self._calls.items() if call.is_live]

    # --- events --------------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener` after every merge/removal that changed something; returns an unsubscribe."""
        self._listeners.items.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners.items:
                self._listeners.items.remove(listener)

        return unsubscribe

    # --- writing -------------------------------------------------------------------------
    def merge(self, calls: Iterable[Call]) -> RegistryChange:
        """Insert unknown calls, replace known ones unless the incoming copy is older."""
        inserted: dict[str, None] = {}  # dicts as ordered sets: a batch may repeat an id
        changed: dict[str, None] = {}
        for call in calls:
            known = self._calls.get(call.id)
            if known is None:
                self._calls[call.id] = call
                inserted[call.id] = None
            elif _is_newer(call, known) and call != known:
                self._calls[call.id] = call
                if call.id not in inserted:
                    changed[call.id] = None
        change = RegistryChange(inserted=tuple(inserted), changed=tuple(changed))
        if change:
            self._listeners.emit(change)
        return change

    def remove(self, call_ids: Iterable[str]) -> RegistryChange:
        wanted = set(call_ids)
        gone = [call_id for call_id in self._calls if call_id in wanted]
        if not gone:
            return RegistryChange()
        for call_id in gone:
            del self._calls[call_id]
        change = RegistryChange(removed=tuple(gone))
        self._listeners.emit(change)
        return change


def _is_newer(incoming: Call, known: Call) -> bool:
    """Equal or missing timestamps count as newer: a platform without updated_at still updates."""
    if incoming.updated_at is None or known.updated_at is None:
        return True
    try:
        return incoming.updated_at >= known.updated_at
    except TypeError:  # naive vs aware datetimes from a sloppy payload: trust the newcomer
        return True
