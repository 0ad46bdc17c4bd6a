"""The review queue in the history: the rules in force, the calls they picked (with every reason),
who each is assigned to, and where each call stands (to review / in review / reviewed).

Calls are considered as they are cached (`CallCache.upsert` calls `consider` in its transaction);
`build` runs the same rules over a day of cached calls at once (rules changed, or a first run).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from itertools import cycle
from typing import Any

from app.domain import Call
from app.qa.queue_rules import CallFacts, QueueRules, reasons
from app.store.database import transaction
from app.store.moments import from_epoch, to_epoch

REASON_SEPARATOR = ", "
# What the rules read of a cached call (`calls c`), in the order `_picked` takes them.
_FACTS = "c.account_id, c.id, c.status, c.success_evaluation, c.ended_reason, c.duration_seconds, c.created_at"
_CHUNK = 500


class ReviewState(StrEnum):
    TO_REVIEW = "to review"
    IN_REVIEW = "in review"
    REVIEWED = "reviewed"


# Where a row of `calls` stands: reviewed (a review was submitted), in review (a draft), to review
# (queued, untouched), else NULL. The one definition: the call list pages read it too.
STATE_SQL = (
    "CASE WHEN EXISTS (SELECT 1 FROM reviews r WHERE r.account_id = calls.account_id AND r.call_id = calls.id"
    f" AND r.status = 'submitted') THEN '{ReviewState.REVIEWED}'"
    " WHEN EXISTS (SELECT 1 FROM reviews r WHERE r.account_id = calls.account_id AND r.call_id = calls.id)"
    f" THEN '{ReviewState.IN_REVIEW}'"
    " WHEN EXISTS (SELECT 1 FROM review_queue q WHERE q.account_id = calls.account_id AND q.call_id = calls.id)"
    f" THEN '{ReviewState.TO_REVIEW}' END"
)


@dataclass(frozen=True)
class QueuedCall:
    account_id: str
    call_id: str
    reasons: tuple[str, ...]
    assigned_to: str | None
    created_at: datetime | None


class ReviewQueue:
    """Reads and writes the queue on one connection (use the Database's threads)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    # -- rules --------------------------------------------------------------------------------

    def rules(self) -> QueueRules:
        row = self.conn.execute("SELECT rules_json FROM review_queue_rules WHERE id = 1").fetchone()
        return QueueRules.from_json(row[0]) if row else QueueRules()

    def save_rules(self, rules: QueueRules) -> None:
        with transaction(self.conn):
            self.conn.execute(
                "INSERT INTO review_queue_rules (id, rules_json, updated_at) VALUES (1, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET rules_json = excluded.rules_json, updated_at = excluded.updated_at",
                (rules.to_json(), time.time()),
            )

    # -- picking ------------------------------------------------------------------------------

    def consider(self, account_id: str, calls: Sequence[Call]) -> None:
        """Queue (or re-reason) freshly cached calls; runs inside the caller's transaction."""
        if not calls:
            return
        critical = self._critical(account_id, [call.id for call in calls])
        rules = self.rules()
        self._write(
            (account_id, call.id, to_epoch(call.created_at),
             reasons(CallFacts(call.id, call.status, call.success_evaluation, call.ended_reason,
                               call.duration_seconds, call.id in critical), rules))
            for call in calls
        )

    def build(self, since: datetime, until: datetime) -> int:
        """Run the rules over every call cached for [since, until); returns how many it queued."""
        rules = self.rules()
        start, end = to_epoch(since), to_epoch(until)
        critical = {tuple(row) for row in self.conn.execute(
            "SELECT DISTINCT account_id, call_id FROM alerts WHERE severity = 'critical' AND raised_at >= ?",
            (start,))}  # alerts are raised during their call, so not before the day's first call began
        cursor = self.conn.cursor()
        cursor.row_factory = None  # plain tuples: 100 000 rows a day
        rows = cursor.execute(
            f"SELECT {_FACTS} FROM calls c WHERE c.created_at >= ? AND c.created_at < ?", (start, end)).fetchall()
        queued = {(row[0], row[1]): row[2] for row in cursor.execute(
            "SELECT account_id, call_id, reasons FROM review_queue WHERE created_at >= ? AND created_at < ?",
            (start, end))}
        with transaction(self.conn):
            return self._write(
                (_picked(row, (row[0], row[1]) in critical, rules) for row in rows),
                queued,
            )

    def reconsider(self, keys: Iterable[tuple[str, str]]) -> None:
        """Run the rules again over these cached calls (one just had a critical alert); calls not
        cached yet are picked when they are. Runs inside the caller's transaction."""
        wanted = list(dict.fromkeys(keys))
        rules = self.rules()
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start:start + _CHUNK]
            pairs = " OR ".join("(c.account_id = ? AND c.id = ?)" for _ in chunk)
            params = [value for key in chunk for value in key]
            rows = self.conn.execute(
                f"SELECT {_FACTS}, EXISTS (SELECT 1 FROM alerts a WHERE a.account_id = c.account_id"
                f" AND a.call_id = c.id AND a.severity = 'critical') FROM calls c WHERE {pairs}", params).fetchall()
            self._write(_picked(row, bool(row[7]), rules) for row in rows)

    def _write(self, picked: Iterable[tuple[str, str, float | None, tuple[str, ...]]],
               known: dict[tuple[str, str], str] | None = None) -> int:
        """Queue the picked calls once each with all their reasons; a call no rule picks any more
        leaves the queue unless someone has started reviewing it. `known`: what the queue already
        holds of these calls (then unchanged rows are not rewritten); returns how many are queued."""
        now = time.time()
        queued, dropped, picked_count = [], [], 0
        for account_id, call_id, created_at, why in picked:
            key = (account_id, call_id)
            if why:
                picked_count += 1
                listed = REASON_SEPARATOR.join(why)
                if known is None or known.get(key) != listed:
                    queued.append((account_id, call_id, listed, created_at, now))
            elif known is None or key in known:
                dropped.append(key)
        self.conn.executemany(
            "INSERT INTO review_queue (account_id, call_id, reasons, created_at, queued_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (account_id, call_id) DO UPDATE SET reasons = excluded.reasons,"
            " created_at = excluded.created_at WHERE reasons != excluded.reasons"
            " OR created_at IS NOT excluded.created_at",
            queued,
        )
        self.conn.executemany(
            "DELETE FROM review_queue WHERE account_id = ? AND call_id = ? AND NOT EXISTS (SELECT 1 FROM reviews r"
            " WHERE r.account_id = review_queue.account_id AND r.call_id = review_queue.call_id)",
            dropped,
        )
        return picked_count

    # -- assigning and taking -----------------------------------------------------------------

    def assign(self, account_id: str, call_id: str, reviewer: str | None) -> None:
        with transaction(self.conn):
            self.conn.execute("UPDATE review_queue SET assigned_to = ? WHERE account_id = ? AND call_id = ?",
                              (reviewer, account_id, call_id))

    def share_out(self, reviewers: Sequence[str]) -> list[QueuedCall]:
        """Assign every unassigned call still to review to the reviewers in turn; returns the calls as assigned."""
        if not reviewers:
            raise ValueError("Name at least one reviewer.")
        open_calls = self.conn.execute(
            "SELECT q.account_id, q.call_id, q.reasons, q.assigned_to, q.created_at FROM review_queue q"
            " WHERE q.assigned_to IS NULL AND NOT EXISTS"
            " (SELECT 1 FROM reviews r WHERE r.account_id = q.account_id AND r.call_id = q.call_id)"
            " ORDER BY q.created_at, q.account_id, q.call_id").fetchall()
        assigned = [replace(_queued(row), assigned_to=reviewer)
                    for row, reviewer in zip(open_calls, cycle(reviewers), strict=False)]
        with transaction(self.conn):
            self.conn.executemany(
                "UPDATE review_queue SET assigned_to = ? WHERE account_id = ? AND call_id = ?",
                [(entry.assigned_to, entry.account_id, entry.call_id) for entry in assigned])
        return assigned

    def apply_assignments(self, assigned: Iterable[QueuedCall]) -> None:
        """Colleagues' assignments (through the hub): the call is queued here too if this console has
        not picked it yet (same rules, same picks, once it is cached); applying one twice changes nothing."""
        now = time.time()
        with transaction(self.conn):
            self.conn.executemany(
                "INSERT INTO review_queue (account_id, call_id, reasons, assigned_to, created_at, queued_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, call_id) DO UPDATE"
                " SET assigned_to = excluded.assigned_to WHERE assigned_to IS NOT excluded.assigned_to",
                [(e.account_id, e.call_id, REASON_SEPARATOR.join(e.reasons), e.assigned_to,
                  to_epoch(e.created_at), now) for e in assigned])

    def entries(self, limit: int = 1000) -> list[QueuedCall]:
        """The queued calls, newest first."""
        rows = self.conn.execute(
            "SELECT account_id, call_id, reasons, assigned_to, created_at FROM review_queue"
            " ORDER BY created_at DESC LIMIT ?", (limit,))
        return [_queued(row) for row in rows]

    def next_for(self, reviewer: str, *, skip: tuple[str, str] | None = None) -> QueuedCall | None:
        """The oldest queued call this reviewer should take: assigned to them or to nobody, and not
        yet reviewed by anyone nor being reviewed by someone else."""
        row = self.conn.execute(
            "SELECT q.account_id, q.call_id, q.reasons, q.assigned_to, q.created_at FROM review_queue q"
            " WHERE (q.assigned_to IS NULL OR q.assigned_to = ?) AND NOT (q.account_id = ? AND q.call_id = ?)"
            " AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.account_id = q.account_id AND r.call_id = q.call_id"
            " AND (r.status = 'submitted' OR r.reviewer != ?))"
            " ORDER BY q.assigned_to IS NULL, q.created_at, q.account_id, q.call_id LIMIT 1",
            (reviewer, *(skip or ("", "")), reviewer)).fetchone()
        return _queued(row) if row else None

    def states(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], ReviewState]:
        """Where each cached call stands; calls nobody queued or reviewed are left out."""
        found: dict[tuple[str, str], ReviewState] = {}
        wanted = list(keys)
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start:start + _CHUNK]
            pairs = " OR ".join("(calls.account_id = ? AND calls.id = ?)" for _ in chunk)
            rows = self.conn.execute(f"SELECT account_id, id, {STATE_SQL} FROM calls WHERE {pairs}",
                                     [value for key in chunk for value in key])
            found.update({(row[0], row[1]): ReviewState(row[2]) for row in rows if row[2]})
        return found

    def _critical(self, account_id: str, call_ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(call_ids), _CHUNK):
            chunk = call_ids[start:start + _CHUNK]
            found.update(row[0] for row in self.conn.execute(
                f"SELECT DISTINCT call_id FROM alerts WHERE account_id = ? AND severity = 'critical'"
                f" AND call_id IN ({','.join('?' * len(chunk))})", [account_id, *chunk]))
        return found


def _picked(row: Sequence[Any], critical: bool, rules: QueueRules) -> tuple[str, str, float | None, tuple[str, ...]]:
    """A row of _FACTS → (account id, call id, created at, the reasons it is picked)."""
    return row[0], row[1], row[6], reasons(CallFacts(row[1], row[2], row[3], row[4], row[5], critical), rules)


def _queued(row: sqlite3.Row | tuple[object, ...]) -> QueuedCall:
    return QueuedCall(str(row[0]), str(row[1]), tuple(str(row[2]).split(REASON_SEPARATOR)),
                      None if row[3] is None else str(row[3]), from_epoch(row[4]))  # type: ignore[arg-type]
