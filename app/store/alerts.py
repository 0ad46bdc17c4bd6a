"""Alerts in the history: every alert raised and who took it, searchable later.

`AlertLog(conn)` runs on the history's threads (`Database.write/read`): the window and
`switchboard watch` save every change the alert engine reports; reviewers search by severity,
rule, call, user or words ("calls that had a critical alert").
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from app.domain.alert import Alert, Severity
from app.store.database import transaction
from app.store.moments import from_epoch, to_epoch
from app.store.review_queue import ReviewQueue

SEARCH_LIMIT = 500


@dataclass(frozen=True)
class AlertQuery:
    severity: Severity | None = None  # this severity or worse
    rule: str | None = None
    account_id: str | None = None
    call_id: str | None = None
    acknowledged_by: str | None = None
    words: str = ""  # in the message or the triggering text
    since: datetime | None = None
    limit: int = SEARCH_LIMIT


@dataclass(frozen=True)
class Acknowledgement:
    alert_id: str
    user: str
    at: datetime


class AlertLog:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def save(self, alerts: Iterable[Alert]) -> None:
        """Insert or update alerts (raised, cleared, acknowledged, snoozed) in one transaction."""
        rows = list(alerts)
        if not rows:
            return
        with transaction(self.conn):
            for alert in rows:
                self.conn.execute(
                    """INSERT INTO alerts (id, account_id, call_id, provider, rule, severity, message, text,
                           raised_at, call_seconds, turn_index, cleared_at, acknowledged_by, acknowledged_at,
                           snoozed_until)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                       ON CONFLICT (id) DO UPDATE SET cleared_at = excluded.cleared_at,
                           acknowledged_by = excluded.acknowledged_by, acknowledged_at = excluded.acknowledged_at,
                           snoozed_until = excluded.snoozed_until""",
                    (alert.id, alert.account_id, alert.call_id, alert.provider, alert.rule, alert.severity.value,
                     alert.message, alert.text, to_epoch(alert.raised_at), alert.call_seconds, alert.turn,
                     to_epoch(alert.cleared_at), alert.acknowledged_by, to_epoch(alert.acknowledged_at),
                     to_epoch(alert.snoozed_until)),
                )
                if alert.acknowledged_by and alert.acknowledged_at:
                    self.conn.execute(
                        "INSERT OR IGNORE INTO alert_acknowledgements (alert_id, user, at) VALUES (?, ?, ?)",
                        (alert.id, alert.acknowledged_by, to_epoch(alert.acknowledged_at)))
            # A call cached before its critical alert was saved joins the review queue now.
            ReviewQueue(self.conn).reconsider(
                (a.account_id, a.call_id) for a in rows if a.severity is Severity.CRITICAL)

    def search(self, query: AlertQuery = AlertQuery()) -> list[Alert]:  # noqa: B008 - frozen, never mutated
        """Newest first."""
        where: list[str] = ["1"]
        args: list[object] = []
        if query.severity is not None:
            wanted = [s.value for s in Severity if s.rank >= query.severity.rank]
            where.append(f"severity IN ({', '.join('?' * len(wanted))})")
            args += wanted
        for column, value in (("rule", query.rule), ("account_id", query.account_id), ("call_id", query.call_id),
                              ("acknowledged_by", query.acknowledged_by)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        if query.words.strip():
            where.append("(message || ' ' || text) LIKE ? ESCAPE '\\'")
            args.append("%" + query.words.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
        if query.since is not None:
            where.append("raised_at >= ?")
            args.append(to_epoch(query.since))
        rows = self.conn.execute(
            f"SELECT * FROM alerts WHERE {' AND '.join(where)} ORDER BY raised_at DESC LIMIT ?",
            (*args, query.limit)).fetchall()
        return [_alert(row) for row in rows]

    def acknowledgements(self, alert_id: str) -> list[Acknowledgement]:
        rows = self.conn.execute("SELECT alert_id, user, at FROM alert_acknowledgements WHERE alert_id = ? "
                                 "ORDER BY at", (alert_id,)).fetchall()
        return [Acknowledgement(r["alert_id"], r["user"], from_epoch(r["at"]) or datetime.min) for r in rows]


def _alert(row: sqlite3.Row) -> Alert:
    return Alert(
        id=row["id"], rule=row["rule"], severity=Severity(row["severity"]), account_id=row["account_id"],
        call_id=row["call_id"], provider=row["provider"], message=row["message"], text=row["text"],
        raised_at=from_epoch(row["raised_at"]) or datetime.min, call_seconds=row["call_seconds"],
        turn=row["turn_index"], cleared_at=from_epoch(row["cleared_at"]), acknowledged_by=row["acknowledged_by"],
        acknowledged_at=from_epoch(row["acknowledged_at"]), snoozed_until=from_epoch(row["snoozed_until"]),
    )
