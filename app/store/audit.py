"""The audit log: every control command is written before it is sent, then given its outcome.

`send_audited` is the only door to `client.send` in the console: the row is committed first
(if that fails nothing is sent), and whatever happens next — an answer, an error, a hang
that gets cancelled — the row ends with an outcome and a latency.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

from app.domain import Account, Call, Command, CommandResult, Outcome, describe
from app.providers.base import PlatformClient
from app.providers.errors import ProviderError, UnsupportedError, command_result_of
from app.store.csv_export import write_csv
from app.store.database import Database, transaction
from app.store.moments import from_epoch, to_epoch

PENDING = "pending"  # written, not answered yet (or the console stopped before the answer)
NOT_SENT = "not-sent"  # cancelled before it left the console

ABANDONED_MESSAGE = "The console stopped before the platform answered; the command may or may not have taken effect."
CANCELLED_MESSAGE = "Cancelled while waiting for the platform; the command may or may not have taken effect."


@dataclass(frozen=True)
class AuditEntry:
    id: int
    requested_at: datetime
    user: str
    account_id: str
    account_name: str
    provider: str
    call_id: str
    command_kind: str
    command: dict[str, object]
    description: str
    outcome: str  # an Outcome value, PENDING or NOT_SENT
    message: str
    status_code: int | None
    latency_ms: float | None
    answered_at: datetime | None


@dataclass(frozen=True)
class AuditFilters:
    account_id: str | None = None
    call_id: str | None = None
    user: str | None = None
    outcome: str | None = None
    command_kind: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def where(self) -> tuple[str, list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        for column, value in (("account_id", self.account_id), ("call_id", self.call_id), ("user", self.user),
                              ("outcome", self.outcome), ("command_kind", self.command_kind)):
            if value:
                clauses.append(f"{column} = ?")
                params.append(value)
        if self.since is not None:
            clauses.append("requested_at >= ?")
            params.append(to_epoch(self.since))
        if self.until is not None:
            clauses.append("requested_at < ?")
            params.append(to_epoch(self.until))
        return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


CSV_HEADER = ["time", "user", "account", "platform", "call", "command", "details", "outcome", "message",
              "status code", "latency ms", "answered at"]


class AuditLog:
    """Reads and writes audit rows on one connection (use the Database's threads)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def record_request(self, account: Account, call_id: str, command: Command, user: str) -> int:
        """Commit the row for a command about to be sent; returns its id."""
        with transaction(self.conn):
            cursor = self.conn.execute(
                "INSERT INTO audit_log (requested_at, user, account_id, account_name, provider, call_id,"
                " command_kind, command_json, description, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (time.time(), user, account.id, account.name, account.provider.value, call_id,
                 command.kind.value, command.model_dump_json(), describe(command), PENDING),
            )
        return int(cursor.lastrowid or 0)

    def record_outcome(self, entry_id: int, outcome: str, message: str = "", *, status_code: int | None = None,
                       latency_ms: float | None = None) -> None:
        with transaction(self.conn):
            self.conn.execute(
                "UPDATE audit_log SET outcome = ?, message = ?, status_code = ?, latency_ms = ?, answered_at = ?"
                " WHERE id = ?",
                (outcome, message, status_code, latency_ms, time.time(), entry_id),
            )

    def settle_abandoned(self) -> int:
        """Rows still pending when the console starts were cut off by a crash or a kill: unknown."""
        with transaction(self.conn):
            return self.conn.execute(
                "UPDATE audit_log SET outcome = ?, message = ? WHERE outcome = ?",
                (Outcome.UNKNOWN.value, ABANDONED_MESSAGE, PENDING),
            ).rowcount

    def entries(self, filters: AuditFilters | None = None, offset: int = 0, limit: int = 500) -> list[AuditEntry]:
        where, params = (filters or AuditFilters()).where()
        rows = self.conn.execute(
            f"SELECT * FROM audit_log {where} ORDER BY requested_at DESC, id DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [_entry(row) for row in rows]

    def count(self, filters: AuditFilters | None = None) -> int:
        where, params = (filters or AuditFilters()).where()
        return int(self.conn.execute(f"SELECT count(*) FROM audit_log {where}", params).fetchone()[0])

    def users(self) -> list[str]:
        return [row[0] for row in self.conn.execute("SELECT DISTINCT user FROM audit_log ORDER BY user")]

    def export_csv(self, stream: TextIO, filters: AuditFilters | None = None) -> int:
        where, params = (filters or AuditFilters()).where()
        rows = self.conn.execute(f"SELECT * FROM audit_log {where} ORDER BY requested_at, id", params)
        return write_csv(stream, CSV_HEADER, (_csv_row(_entry(row)) for row in rows))


def _entry(row: sqlite3.Row) -> AuditEntry:
    return AuditEntry(
        id=row["id"], requested_at=from_epoch(row["requested_at"]) or datetime.min, user=row["user"],
        account_id=row["account_id"], account_name=row["account_name"], provider=row["provider"],
        call_id=row["call_id"], command_kind=row["command_kind"], command=json.loads(row["command_json"]),
        description=row["description"], outcome=row["outcome"], message=row["message"],
        status_code=row["status_code"], latency_ms=row["latency_ms"], answered_at=from_epoch(row["answered_at"]),
    )


def _csv_row(entry: AuditEntry) -> list[object]:
    return [entry.requested_at, entry.user, entry.account_name, entry.provider, entry.call_id, entry.command_kind,
            entry.description, entry.outcome, entry.message, entry.status_code, entry.latency_ms,
            entry.answered_at]


async def send_audited(db: Database, client: PlatformClient, account: Account, call: Call, command: Command,
                       user: str) -> CommandResult:
    """Write the audit row, send the command once (never retried), record what came of it.

    Send errors become results (refused or unknown); `UnsupportedError` — the client turned the
    command down before any request — is recorded as not sent and raised, like the client does."""
    pending = db.submit_write(lambda conn: AuditLog(conn).record_request(account, call.id, command, user))
    try:
        entry_id = await asyncio.shield(asyncio.wrap_future(pending))
    except asyncio.CancelledError:
        pending.add_done_callback(lambda written: _mark_not_sent(db, written))
        raise
    started = time.monotonic()

    def elapsed_ms() -> float:
        return round((time.monotonic() - started) * 1000, 1)

    try:
        result = await client.send(call, command)
    except asyncio.CancelledError:
        await _settle(db, entry_id, Outcome.UNKNOWN, CANCELLED_MESSAGE, None, elapsed_ms())
        raise
    except UnsupportedError as err:  # the client turned it down before any request: nothing left
        await _settle(db, entry_id, NOT_SENT, str(err), None, elapsed_ms())
        raise
    except ProviderError as err:
        result = command_result_of(err)
    except Exception as err:
        await _settle(db, entry_id, Outcome.UNKNOWN, f"Sending failed: {err}", None, elapsed_ms())
        raise
    await _settle(db, entry_id, result.outcome.value, result.message, result.status_code, elapsed_ms())
    return result


def _mark_not_sent(db: Database, written: Future[int]) -> None:
    """Cancelled before sending: the row, if it got written, says nothing left the console."""
    if not written.cancelled() and written.exception() is None:
        db.submit_write(_outcome_writer(written.result(), NOT_SENT,
                                        "Cancelled before it was sent; nothing reached the platform."))


def _outcome_writer(entry_id: int, outcome: str, message: str, status_code: int | None = None,
                    latency_ms: float | None = None) -> Callable[[sqlite3.Connection], None]:
    return lambda conn: AuditLog(conn).record_outcome(entry_id, outcome, message, status_code=status_code,
                                                      latency_ms=latency_ms)


async def _settle(db: Database, entry_id: int, outcome: str, message: str, status_code: int | None,
                  latency_ms: float) -> None:
    # Submitted to the writer thread first, so a second cancellation cannot stop the write itself.
    written = db.submit_write(_outcome_writer(entry_id, outcome, message, status_code, latency_ms))
    await asyncio.shield(asyncio.wrap_future(written))


@dataclass(frozen=True)
class AuditTrail:
    """The audit log as a session sends through it: where rows go and who is sending."""

    db: Database
    user: str
    recorded: Callable[[], object] | None = None  # told once a command's row is complete

    async def send(self, client: PlatformClient, account: Account, call: Call, command: Command) -> CommandResult:
        try:
            return await send_audited(self.db, client, account, call, command, self.user)
        except UnsupportedError as error:  # nothing was sent: a refusal the window can show
            return CommandResult(outcome=Outcome.REFUSED, message=str(error))
        finally:
            if self.recorded is not None:
                self.recorded()


@dataclass(frozen=True)
class AuditUnavailable:
    """Stands in for the audit log when its file cannot be opened: nothing is sent unrecorded."""

    reason: str

    async def send(self, client: PlatformClient, account: Account, call: Call, command: Command) -> CommandResult:
        return CommandResult(outcome=Outcome.REFUSED,
                             message=f"Not sent: the audit log cannot be written ({self.reason}).")
