"""The calls the console knows about right now: merged by id, newest `updated_at` wins, evented."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from app.domain import Call
from app.live.events import Event


@dataclass(frozen=True)
class RegistryChange:
    """What one merge did. Ids in registry order; `changed` only lists calls whose data differs."""

    inserted: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.inserted or self.changed or self.removed)


@dataclass(frozen=True)
class Rows:
    """A contiguous run of rows, first..last inclusive, and the ids in them."""

    first: int
    last: int
    ids: tuple[str, ...]


@dataclass(frozen=True)
class RegistryEvents:
    """Row events come in before/after pairs, so a view can adapt (Qt's begin…/end…Rows);
    `changed` sums up each merge or removal once it is complete."""

    inserting: Event[Rows] = field(default_factory=lambda: Event("calls inserting"))
    inserted: Event[Rows] = field(default_factory=lambda: Event("calls inserted"))
    removing: Event[Rows] = field(default_factory=lambda: Event("calls removing"))
    removed: Event[Rows] = field(default_factory=lambda: Event("calls removed"))
    changed: Event[RegistryChange] = field(default_factory=lambda: Event("calls changed"))


class CallRegistry:
    """Pure-Python evented state: views follow `events` to learn which rows and ids moved.

    Order is stable: new calls are appended, so a row index only moves when calls above it are removed.
    """

    def __init__(self) -> None:
        self._calls: dict[str, Call] = {}
        self._order: list[str] = []  # row -> id
        self._rows: dict[str, int] = {}  # id -> row
        self._live: set[str] = set()  # ids of live calls, kept as calls change: counted every second
        self.events = RegistryEvents()

    # --- reading -------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._order)

    def __contains__(self, call_id: object) -> bool:
        return call_id in self._calls

    def get(self, call_id: str) -> Call | None:
        return self._calls.get(call_id)

    def at(self, row: int) -> Call | None:
        return self._calls[self._order[row]] if 0 <= row < len(self._order) else None

    def row_of(self, call_id: str) -> int | None:
        return self._rows.get(call_id)

    def ids(self) -> list[str]:
        return list(self._order)

    def calls(self) -> list[Call]:
        return [self._calls[call_id] for call_id in self._order]

    def live_ids(self) -> list[str]:
        """Live calls, in row order."""
        return [call_id for call_id in self._order if call_id in self._live]

    def live_count(self) -> int:
        return len(self._live)

    def _keep(self, call: Call) -> None:
        self._calls[call.id] = call
        if call.is_live:
            self._live.add(call.id)
        else:
            self._live.discard(call.id)

    # --- writing -------------------------------------------------------------------------
    def merge(self, calls: Iterable[Call]) -> RegistryChange:
        """Insert unknown calls, replace known ones unless the incoming copy is older."""
        new: dict[str, Call] = {}  # dicts as ordered sets: a batch may repeat an id
        changed: dict[str, None] = {}
        for call in calls:
            known = self._calls.get(call.id)
            if known is None:
                earlier = new.get(call.id)
                if earlier is None or _is_newer(call, earlier):
                    new[call.id] = call
            elif _is_newer(call, known) and call != known:
                self._keep(call)
                changed[call.id] = None
        if new:
            first = len(self._order)
            rows = Rows(first, first + len(new) - 1, tuple(new))
            self.events.inserting.emit(rows)
            for call_id, call in new.items():
                self._keep(call)
                self._rows[call_id] = len(self._order)
                self._order.append(call_id)
            self.events.inserted.emit(rows)
        change = RegistryChange(inserted=tuple(new), changed=tuple(changed))
        if change:
            self.events.changed.emit(change)
        return change

    def remove(self, call_ids: Iterable[str]) -> RegistryChange:
        """Remove calls, one contiguous run of rows at a time, the highest run first (so the
        rows of the runs still to come do not move)."""
        rows = sorted({row for call_id in call_ids if (row := self._rows.get(call_id)) is not None})
        if not rows:
            return RegistryChange()
        gone = tuple(self._order[row] for row in rows)
        for first, last in reversed(runs(rows)):
            run = Rows(first, last, tuple(self._order[first:last + 1]))
            self.events.removing.emit(run)
            del self._order[first:last + 1]
            for call_id in run.ids:
                del self._calls[call_id]
                del self._rows[call_id]
                self._live.discard(call_id)
            for row in range(first, len(self._order)):
                self._rows[self._order[row]] = row
            self.events.removed.emit(run)
        change = RegistryChange(removed=gone)
        self.events.changed.emit(change)
        return change


def runs(rows: list[int]) -> list[tuple[int, int]]:
    """Ascending rows as (first, last) runs of consecutive numbers."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


def _is_newer(incoming: Call, known: Call) -> bool:
    """Equal or missing timestamps count as newer: a platform without updated_at still updates."""
    if incoming.updated_at is None or known.updated_at is None:
        return True
    try:
        return incoming.updated_at >= known.updated_at
    except TypeError:  # naive vs aware datetimes from a sloppy payload: trust the newcomer
        return True
