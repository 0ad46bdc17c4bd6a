"""One platform's calls, indexed by createdAt and updatedAt so filtered pages cost O(log n + page)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from app.sandbox.simcall import SimCall

LOW, HIGH = "", "\U0010ffff"  # sort before / after every id


@dataclass(frozen=True)
class TimeRange:
    """Bounds in epoch ms; each bound is exclusive (Gt/Lt) or inclusive (Ge/Le)."""

    gt: int | None = None
    ge: int | None = None
    lt: int | None = None
    le: int | None = None

    @property
    def unbounded(self) -> bool:
        return self.gt is None and self.ge is None and self.lt is None and self.le is None

    def contains(self, value: int) -> bool:
        return not (
            (self.gt is not None and value <= self.gt)
            or (self.ge is not None and value < self.ge)
            or (self.lt is not None and value >= self.lt)
            or (self.le is not None and value > self.le)
        )

    def slice(self, keys: list[tuple[int, str]]) -> tuple[int, int]:
        lo, hi = 0, len(keys)
        if self.gt is not None:
            lo = max(lo, bisect_right(keys, (self.gt, HIGH)))
        if self.ge is not None:
            lo = max(lo, bisect_left(keys, (self.ge, LOW)))
        if self.lt is not None:
            hi = min(hi, bisect_left(keys, (self.lt, LOW)))
        if self.le is not None:
            hi = min(hi, bisect_right(keys, (self.le, HIGH)))
        return lo, max(lo, hi)


class CallBook:
    def __init__(self) -> None:
        self.calls: dict[str, SimCall] = {}
        self._by_created: list[tuple[int, str]] = []
        self._by_updated: list[tuple[int, str]] = []

    def __len__(self) -> int:
        return len(self.calls)

    def get(self, call_id: str) -> SimCall | None:
        return self.calls.get(call_id)

    def add(self, call: SimCall) -> None:
        # Distinct creation times keep createdAt-window paging exact.
        while self._by_created and self._created_taken(call.created_ms):
            call.created_ms += 1
        self.calls[call.id] = call
        insort(self._by_created, (call.created_ms, call.id))
        insort(self._by_updated, (call.updated_ms, call.id))

    def load_sorted(self, calls: list[SimCall]) -> None:
        """Bulk add for history: calls in ascending, distinct createdAt order, into an empty book."""
        for call in calls:
            self.calls[call.id] = call
        self._by_created = [(c.created_ms, c.id) for c in calls]
        self._by_updated = sorted((c.updated_ms, c.id) for c in calls)

    def _created_taken(self, created_ms: int) -> bool:
        index = bisect_left(self._by_created, (created_ms, LOW))
        return index < len(self._by_created) and self._by_created[index][0] == created_ms

    def touch(self, call: SimCall, updated_ms: int) -> None:
        if self.calls.get(call.id) is not call:
            return  # deleted meanwhile (a late analysis update)
        old = (call.updated_ms, call.id)
        index = bisect_left(self._by_updated, old)
        if index < len(self._by_updated) and self._by_updated[index] == old:
            del self._by_updated[index]
        call.updated_ms = max(updated_ms, call.updated_ms)
        insort(self._by_updated, (call.updated_ms, call.id))

    def remove(self, call: SimCall) -> None:
        for keys, key in ((self._by_created, (call.created_ms, call.id)), (self._by_updated, (call.updated_ms, call.id))):
            index = bisect_left(keys, key)
            if index < len(keys) and keys[index] == key:
                del keys[index]
        self.calls.pop(call.id, None)

    def newest_first(
        self,
        created: TimeRange,
        updated: TimeRange,
        keep: Callable[[SimCall], bool] = lambda call: True,
    ) -> Iterator[SimCall]:
        """Matching calls, newest createdAt first, walking whichever index narrows the search more."""
        c_lo, c_hi = created.slice(self._by_created)
        u_lo, u_hi = updated.slice(self._by_updated)
        if c_hi - c_lo <= u_hi - u_lo or updated.unbounded:
            for index in range(c_hi - 1, c_lo - 1, -1):
                call = self.calls[self._by_created[index][1]]
                if updated.contains(call.updated_ms) and keep(call):
                    yield call
            return
        matches = (self.calls[self._by_updated[i][1]] for i in range(u_lo, u_hi))
        found = [c for c in matches if created.contains(c.created_ms) and keep(c)]
        yield from sorted(found, key=lambda c: (c.created_ms, c.id), reverse=True)

    def page(self, created: TimeRange, offset: int, limit: int, keep: Callable[[SimCall], bool] | None = None) -> tuple[list[SimCall], int]:
        """An offset page, newest first, and the total count (HMS-style)."""
        lo, hi = created.slice(self._by_created)
        if keep is None:
            top = hi - offset
            ids = [self._by_created[i][1] for i in range(top - 1, max(lo, top - limit) - 1, -1)]
            return [self.calls[i] for i in ids], hi - lo
        found = [c for c in (self.calls[self._by_created[i][1]] for i in range(hi - 1, lo - 1, -1)) if keep(c)]
        return found[offset : offset + limit], len(found)
