"""What the console would show changing, as a stream of small facts: a call appeared, its status
changed, a line was added to its transcript (partial or final), it ended.

Built on the registry's change events, so the window's sources (polling, the listen socket) feed it
the same way. A line the platform rewords later (polling after the socket) is not told twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from app.domain import Call, Turn, TurnRole
from app.live.registry import CallRegistry, RegistryChange
from app.live.transcript_events import matches


@dataclass(frozen=True)
class CallChange:
    """One fact about one call. `type` is what happened; `fields` its details (plain JSON values)."""

    type: str  # call-appeared | status-changed | turn | call-ended (more kinds come: "alert")
    call: Call
    fields: dict[str, Any] = field(default_factory=dict)
    at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def as_json(self) -> dict[str, Any]:
        """One JSON line: the same envelope for every type, so new types only add fields."""
        return {"type": self.type, "at": self.at.isoformat(timespec="milliseconds"),
                "provider": self.call.provider.value, "call_id": self.call.id, **self.fields}


@dataclass
class _Seen:
    status: str
    told_turns: list[Turn] = field(default_factory=list)  # final lines already told, in order
    partials: dict[TurnRole, str] = field(default_factory=dict)  # the in-progress line told per speaker
    ended: bool = False


class CallChangeFeed:
    """Subscribes to a registry and tells `sink` each change, optionally for one call only. A call that
    was already over when it appeared is told as appeared (and ended), without its whole transcript."""

    def __init__(self, registry: CallRegistry, sink: Callable[[CallChange], None], *, call_id: str | None = None):
        self._registry = registry
        self._sink = sink
        self._call_id = call_id
        self._seen: dict[str, _Seen] = {}
        self._unsubscribe = registry.events.changed.connect(self._changed)
        for known in registry.ids():
            self._look_at(known)

    def close(self) -> None:
        self._unsubscribe()

    def _changed(self, change: RegistryChange) -> None:
        for call_id in (*change.inserted, *change.changed):
            self._look_at(call_id)

    def _look_at(self, call_id: str) -> None:
        if self._call_id is not None and call_id != self._call_id:
            return
        call = self._registry.get(call_id)
        if call is None:
            return
        seen = self._seen.get(call_id)
        if seen is None:
            seen = self._seen[call_id] = _Seen(call.status)
            self._tell("call-appeared", call, status=call.status, name=call.name,
                       customer=call.customer_number or call.customer_name, assistant=call.assistant_name)
            if not call.is_live:
                seen.told_turns = [turn for turn in call.turns if not turn.partial]  # history, not news
        elif call.status != seen.status:
            seen.status = call.status
            if call.is_live:
                self._tell("status-changed", call, status=call.status)
        self._tell_turns(call, seen)
        if not call.is_live and not seen.ended and call.status not in ("unknown", "scheduled"):
            seen.ended = True
            self._tell("call-ended", call, status=call.status, ended_reason=call.ended_reason)

    def _tell_turns(self, call: Call, seen: _Seen) -> None:
        finals = [turn for turn in call.turns if not turn.partial]
        told = matches(seen.told_turns, [(turn.role, turn.text) for turn in finals])
        for turn, match in zip(finals, told, strict=True):
            if match is None:
                self._tell_turn(call, turn)
                seen.partials.pop(turn.role, None)
        # Lines told stay told: a poll behind the socket briefly drops lines the socket then puts back.
        kept = matches(finals, [(turn.role, turn.text) for turn in seen.told_turns])
        seen.told_turns = finals + [turn for turn, match in zip(seen.told_turns, kept, strict=True) if match is None]
        for turn in (turn for turn in call.turns if turn.partial):
            if seen.partials.get(turn.role) != turn.text:
                seen.partials[turn.role] = turn.text
                self._tell_turn(call, turn)

    def _tell_turn(self, call: Call, turn: Turn) -> None:
        self._tell("turn", call, role=turn.role.value, text=turn.text, final=not turn.partial, start=turn.start,
                   **({"tool": turn.tool_name} if turn.tool_name else {}))

    def _tell(self, kind: str, call: Call, **fields: Any) -> None:
        self._sink(CallChange(kind, call, fields))
