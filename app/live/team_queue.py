"""The review queue as the team's, through its hub (Qt-free).

Every console runs the same queue rules, which sample by call id, so consoles with the same rules
queue the same calls; what they share is who has which call (`queue-assignment` rows) and the rules
when someone edits them (`queue-rules` rows). Offline-first like the other team rows: the local
queue is written first, then the row is queued for the hub. Colleagues' rows are applied to the
local queue in the hub's order (the last assignment of a call wins, the newest rules win), except
what this console wrote itself and has not delivered yet: its own row is the newer one.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

from app.domain.team_record import RecordKind
from app.live.team_board import TeamBoard, TeamRow
from app.qa.queue_rules import QueueRules
from app.store.database import Database
from app.store.moments import from_epoch, to_epoch
from app.store.review_queue import QueuedCall, ReviewQueue

log = logging.getLogger(__name__)

RULES_CALL = "*"  # a rules row belongs to no call
MAX_NAME = 200
MAX_REASONS = 10


def share_assignments(board: TeamBoard, account_id: str, assigned: Iterable[QueuedCall]) -> int:
    """Queue for the hub the assignments of this account's calls (the local queue has them); returns how many."""
    shared = 0
    for entry in assigned:
        if entry.account_id == account_id:
            board.share(RecordKind.QUEUE_ASSIGNMENT, entry.call_id, {
                "assigned_to": entry.assigned_to, "reasons": list(entry.reasons),
                "created_at": to_epoch(entry.created_at)})
            shared += 1
    return shared


def share_rules(board: TeamBoard, rules: QueueRules) -> None:
    board.share(RecordKind.QUEUE_RULES, RULES_CALL, {"rules": json.loads(rules.to_json())})


def assignments_in(rows: Iterable[TeamRow], account_id: str, waiting: set[str]) -> list[QueuedCall]:
    """The assignments these rows make to this (local) account's calls, oldest first; `waiting`: calls
    whose assignment by this console has not reached the hub yet. A malformed row is skipped."""
    found: list[QueuedCall] = []
    for row in rows:
        if row.kind != RecordKind.QUEUE_ASSIGNMENT or row.call_id in waiting:
            continue
        who, reasons, created = row.body.get("assigned_to"), row.body.get("reasons"), row.body.get("created_at")
        if (who is not None and not (isinstance(who, str) and 0 < len(who) <= MAX_NAME)) or not (
                isinstance(reasons, list) and 0 < len(reasons) <= MAX_REASONS
                and all(isinstance(r, str) and 0 < len(r) <= MAX_NAME for r in reasons)) or not (
                created is None or (isinstance(created, int | float) and not isinstance(created, bool))):
            log.warning("a queue assignment row was skipped: %s", row.id)
            continue
        found.append(QueuedCall(account_id, row.call_id, tuple(reasons), who, from_epoch(created)))
    return found


def rules_in(rows: Iterable[TeamRow]) -> QueueRules | None:
    """The newest well-formed rules these rows set, if any."""
    newest: QueueRules | None = None
    for row in rows:
        if row.kind == RecordKind.QUEUE_RULES:
            newest = _rules(row.body.get("rules")) or newest
    return newest


def _rules(data: Any) -> QueueRules | None:
    if not isinstance(data, dict):
        return None
    try:
        rules = QueueRules.from_json(json.dumps(data))
    except (TypeError, ValueError):
        return None
    numbers_ok = all(isinstance(v, int | float) and not isinstance(v, bool)
                     for v in (rules.sample_percent, rules.shorter_than_seconds or 0))
    flags_ok = all(isinstance(v, bool) for v in (rules.not_successful, rules.transferred, rules.critical_alert))
    return rules if numbers_ok and flags_ok and 0 <= rules.sample_percent <= 100 else None


async def apply_rows(db: Database, board: TeamBoard, account_id: str, rows: list[TeamRow]) -> bool:
    """Apply the team's queue rows to the local queue; True when they changed its rules (then rebuild it)."""
    pending = await board.client.pending()
    waiting = {row["call_id"] for row in pending if row.get("kind") == RecordKind.QUEUE_ASSIGNMENT}
    mine = [row for row in rows if row.account_id == board.account_id]
    assigned = assignments_in(mine, account_id, waiting)
    # Rules this console saved and has not delivered yet are newer than any the hub sends now.
    rules = None if any(row.get("kind") == RecordKind.QUEUE_RULES for row in pending) else rules_in(mine)

    def write(conn: Any) -> bool:
        queue = ReviewQueue(conn)
        if assigned:
            queue.apply_assignments(assigned)
        if rules is None or rules == queue.rules():
            return False
        queue.save_rules(rules)
        return True

    return await db.write(write) if assigned or rules is not None else False
