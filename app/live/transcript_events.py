"""A listened call's transcript as its listen socket tells it, merged into the call the poller keeps.

The socket is seconds ahead of polling; polling is the record (times, tool calls, the platform's
final wording). So the registry's call always shows the polled turns, plus the socket's final lines
polling has not brought yet (placed after the polled line they followed), plus at most one
in-progress partial line per speaker at the end. A socket line counts as already polled when a
polled line of the same speaker, in order, says nearly the same words.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher

from app.domain import Turn, TurnRole
from app.live.listen_events import ConversationUpdate, ListenEvent, TranscriptEvent
from app.live.registry import CallRegistry, RegistryChange

SAME_WORDS = 0.8  # similarity above which two lines are the same line transcribed twice
SPOKEN = (TurnRole.CUSTOMER, TurnRole.ASSISTANT)
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class SocketLine:
    """One line from the socket: `at` is epoch seconds (the platform's timestamp, else when it came)."""

    role: TurnRole
    text: str
    at: float
    final: bool = True


def same_line(a: str, b: str) -> bool:
    """Nearly the same words (case, punctuation and small transcription differences ignored)."""
    x, y = _words(a), _words(b)
    if not x or not y:
        return x == y
    return x == y or SequenceMatcher(None, x, y, autojunk=False).ratio() >= SAME_WORDS


def _words(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _part_of(polled: str, line: str) -> bool:
    """`line` is a strictly shorter piece of `polled` (the platform logged two socket lines as one)."""
    part, whole = _words(line), _words(polled)
    return bool(part) and len(part) < len(whole) and f" {part} " in f" {whole} "


def matches(known: Sequence[Turn], lines: Sequence[tuple[TurnRole, str]]) -> list[int | None]:
    """For each (role, text) in order, the index of the known turn that says it, None when none does:
    the same speaker, nearly the same words, in order (a strictly shorter piece of the known line
    counts too, as the platform may log two transcribed lines as one)."""
    found: list[int | None] = []
    cursor = 0  # known turns before this are matched or passed
    for role, text in lines:
        match = next((i for i in range(max(cursor - 1, 0), len(known)) if known[i].role == role
                      and (_part_of(known[i].text, text) or (i >= cursor and same_line(known[i].text, text)))), None)
        if match is not None:
            cursor = match + 1
        found.append(match)
    return found


def merge_turns(polled: Sequence[Turn], lines: Sequence[SocketLine], started_at: datetime | None = None) -> tuple[Turn, ...]:
    """The polled turns with the socket's unpolled final lines slotted in order, partial lines last.
    An unpolled line goes just before the polled line the next socket line matched (it was said
    before that one), else after every polled line. Idempotent for the same lines."""
    base = [turn for turn in polled if not turn.partial]
    finals = [line for line in lines if line.final]
    before: dict[int, list[Turn]] = {}  # unpolled lines to place before the polled turn at this index
    waiting: list[Turn] = []  # unpolled lines not yet followed by a matched one
    for line, match in zip(finals, matches(base, [(line.role, line.text) for line in finals]), strict=True):
        if match is None:
            waiting.append(_turn(line, started_at))
        else:
            before.setdefault(match, []).extend(waiting)
            waiting = []
    merged: list[Turn] = []
    for index, turn in enumerate(base):
        merged.extend(before.get(index, ()))
        merged.append(turn)
    merged.extend(waiting)
    merged.extend(_turn(line, started_at) for line in lines if not line.final)
    return tuple(merged)


def _turn(line: SocketLine, started_at: datetime | None) -> Turn:
    start = max(0.0, line.at - started_at.timestamp()) if started_at is not None else None
    return Turn(role=line.role, text=line.text, start=start, partial=not line.final)


class LiveTranscript:
    """Feeds one call's transcript events into the registry and keeps them there across polls."""

    def __init__(self, registry: CallRegistry, call_id: str, *, clock: Callable[[], float] = time.time) -> None:
        self.registry = registry
        self.call_id = call_id
        self.finals: list[SocketLine] = []
        self.partials: dict[TurnRole, SocketLine] = {}  # the line each side is still saying
        self._from_updates: list[SocketLine] = []  # lines a conversation update told before their transcript
        self._clock = clock
        self._publishing = False
        self._unsubscribe: Callable[[], None] | None = registry.events.changed.connect(self._registry_changed)

    def apply(self, event: ListenEvent) -> None:
        if isinstance(event, ConversationUpdate):
            self._take_conversation(event, self._moment(event.timestamp))
            return
        if not isinstance(event, TranscriptEvent) or event.role not in SPOKEN:
            return
        line = SocketLine(event.role, event.text, self._moment(event.timestamp), event.final)
        if event.final:
            self.partials.pop(event.role, None)
            told = next((i for i, known in enumerate(self._from_updates)
                         if known.role == line.role and same_line(known.text, line.text)), None)
            if told is not None:  # a conversation update told this line already
                del self._from_updates[told]
            elif line.text.strip():
                self.finals.append(line)
        else:
            self.partials[event.role] = line
        self._publish()

    def _moment(self, timestamp: float | None) -> float:
        """Epoch seconds of an event: the platform's timestamp (ms) when it gives one, else now."""
        return timestamp / 1000 if timestamp else self._clock()

    def _take_conversation(self, update: ConversationUpdate, at: float) -> None:
        """The conversation so far, in its order: lines the socket's transcripts have not told yet become final
        lines where the update places them (a platform may send these updates and no transcript events)."""
        told = [Turn(role=line.role, text=line.text) for line in self.finals]
        found = matches(told, update.lines)
        new = [SocketLine(role, text, at) for (role, text), match in zip(update.lines, found, strict=True)
               if match is None and text.strip()]
        if not new:
            return
        fresh = iter(new)
        ordered = [self.finals[match] if match is not None else next(fresh)
                   for (_, text), match in zip(update.lines, found, strict=True) if match is not None or text.strip()]
        used = {match for match in found if match is not None}
        self.finals = ordered + [line for index, line in enumerate(self.finals) if index not in used]
        self._from_updates.extend(new)
        self._publish()

    def close(self) -> None:
        """Listening stopped: in-progress lines go (nobody will finish them), final lines stay."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.partials.clear()
        self._publish()

    def _lines(self) -> list[SocketLine]:
        return [*self.finals, *sorted(self.partials.values(), key=lambda line: line.at)]

    def _publish(self) -> None:
        call = self.registry.get(self.call_id)
        if call is None:
            return
        lines = self._lines() if call.is_live else self.finals  # nobody finishes a line once the call is over
        turns = merge_turns(call.turns, lines, call.started_at)
        if turns != call.turns:
            self._publishing = True
            try:
                self.registry.merge([call.model_copy(update={"turns": turns})])
            finally:
                self._publishing = False

    def _registry_changed(self, change: RegistryChange) -> None:
        # A poll replaced the call with the platform's copy: put back the lines it does not have yet.
        if not self._publishing and self.call_id in (*change.changed, *change.inserted):
            self._publish()

