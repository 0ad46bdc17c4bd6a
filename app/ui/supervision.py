"""What the supervisor did to a call, as our audit rows tell it: the lines they made the assistant say
and whether they ended it. Pure (no Qt): the transcript and the list only ask it questions."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.domain import CommandKind, Outcome, Turn, TurnRole
from app.store.audit import AuditFilters, AuditLog
from app.store.calls import CallCache

ENDED_BY_SUPERVISOR = "Ended by supervisor"
# Commands that may have reached the call: accepted, or sent without a reliable answer.
_REACHED = frozenset({Outcome.ACCEPTED.value, Outcome.UNKNOWN.value})
_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class Supervision:
    said: tuple[str, ...] = ()  # texts of Say commands, oldest first
    ended_by: str | None = None  # the user whose End (or Say … and end) the platform accepted

    def merged(self, other: Supervision) -> Supervision:
        said = self.said + tuple(text for text in other.said if text not in self.said)
        return Supervision(said, self.ended_by or other.ended_by)


def from_commands(rows: Iterable[tuple[str, dict[str, object], str, str]]) -> Supervision:
    """From (kind, command fields, outcome, user) rows, e.g. the audit log's for one call."""
    said: list[str] = []
    ended_by: str | None = None
    for kind, fields, outcome, user in rows:
        if outcome not in _REACHED:
            continue
        if kind == CommandKind.SAY and isinstance(fields.get("text"), str):
            said.append(str(fields["text"]))
        ends = kind == CommandKind.END or (kind == CommandKind.SAY and bool(fields.get("end_after")))
        if ends and outcome == Outcome.ACCEPTED.value:
            ended_by = user
    return Supervision(tuple(said), ended_by)


def audited(conn: sqlite3.Connection, account_id: str | None, call_id: str) -> Supervision:
    """What the audit log says supervisors did to one call (a reader-thread function)."""
    entries = AuditLog(conn).entries(AuditFilters(account_id=account_id, call_id=call_id), limit=200)
    return from_commands((e.command_kind, e.command, e.outcome, e.user) for e in reversed(entries))


def audited_lines(conn: sqlite3.Connection, calls: Iterable[tuple[str, str]]) -> set[tuple[str, str, int]]:
    """(account id, call id, turn index) of every cached assistant turn that spoke a supervisor's line,
    for the given calls (a reader-thread function, e.g. for search hits)."""
    found: set[tuple[str, str, int]] = set()
    for account_id, call_id in set(calls):
        said = audited(conn, account_id, call_id).said
        call = CallCache(conn).get(account_id, call_id) if said else None
        if call is not None:
            found.update((account_id, call_id, row) for row in supervisor_rows(call.turns, said))
    return found


def _words(text: str) -> str:
    return " ".join(_WORDS.findall(text.casefold()))


def supervisor_rows(turns: Sequence[Turn], said: Sequence[str]) -> set[int]:
    """Assistant turns that speak a supervisor's line (each line marks one turn, the first that matches;
    punctuation and case aside, since the platform transcribes what the assistant said)."""
    rows: set[int] = set()
    for line in filter(None, map(_words, said)):
        for row, turn in enumerate(turns):
            spoken = _words(turn.text) if turn.role == TurnRole.ASSISTANT and row not in rows else ""
            if spoken and (line in spoken or (spoken in line and 2 * len(spoken) >= len(line))):
                rows.add(row)
                break
    return rows
