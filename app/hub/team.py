"""The team record: users with roles and hashed tokens, and append-only rows every console shares.

Rows are audit rows, submitted reviews, comments, alert acknowledgements, review-queue
assignments and review-queue rules. Each carries the
id its console made for it, so a queue replayed after an outage adds nothing twice; the same id
with different content is a conflict, never an edit. Engines: SQLite here, PostgreSQL in team_pg.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any, Protocol

from app.domain.team_record import RecordKind
from app.store.schema import statements


class Role(StrEnum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"  # may send commands, so may write audit rows
    REVIEWER = "reviewer"


# Audit rows record commands sent and alert acknowledgements act on live calls: supervisors' work.
# Reviewers take and share out queued calls among themselves; the rules (the team's workload) are
# set by supervisors and admins.
ALLOWED: dict[Role, frozenset[RecordKind]] = {
    Role.ADMIN: frozenset(RecordKind),
    Role.SUPERVISOR: frozenset(RecordKind),
    Role.REVIEWER: frozenset({RecordKind.REVIEW, RecordKind.COMMENT, RecordKind.QUEUE_ASSIGNMENT}),
}
MAX_BODY_BYTES = 64 * 1024


class Conflict(Exception):
    """A row with this client id exists with other content: rows are never changed."""


@dataclass(frozen=True)
class User:
    name: str
    role: Role


@dataclass(frozen=True)
class RowDraft:
    """What a console sends: its own id for the row, where it belongs, and the content."""

    kind: RecordKind
    client_id: str
    account_id: str
    call_id: str
    body: dict[str, Any]

    @classmethod
    def from_json(cls, data: Any) -> RowDraft:
        """Raises ValueError for anything but a well-formed, bounded row."""
        if not isinstance(data, dict):
            raise ValueError("a row is a JSON object")
        texts = {key: data.get(key) for key in ("client_id", "account_id", "call_id")}
        if not all(isinstance(value, str) and 0 < len(value) <= 200 for value in texts.values()):
            raise ValueError("client_id, account_id and call_id are texts of 1 to 200 characters")
        body = data.get("body")
        if not isinstance(body, dict) or len(json.dumps(body)) > MAX_BODY_BYTES:
            raise ValueError(f"body is a JSON object of at most {MAX_BODY_BYTES} bytes")
        return cls(kind=RecordKind(data.get("kind")), body=body, **texts)  # type: ignore[arg-type]

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "kind": self.kind.value}


@dataclass(frozen=True)
class Row:
    id: int
    author: str
    created_at: float
    draft: RowDraft

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "author": self.author, "created_at": self.created_at, **self.draft.to_json()}


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Tokens are 256 random bits: a plain SHA-256 is enough to keep them unusable if the file leaks."""
    return hashlib.sha256(token.encode()).hexdigest()


class TeamRecord(Protocol):
    async def add_user(self, name: str, role: Role, hashed: str) -> None: ...

    async def user_for(self, hashed: str) -> User | None: ...

    async def append(self, author: str, draft: RowDraft) -> tuple[Row, bool]:
        """The stored row and whether it is new; raises Conflict for a changed replay."""
        ...

    async def rows(self, after: int, kind: RecordKind | None, limit: int) -> list[Row]: ...

    async def close(self) -> None: ...


def same_row(existing: Row, draft: RowDraft) -> Row:
    if existing.draft != draft:
        raise Conflict(f"row {draft.client_id} exists with other content")
    return existing


def row_of(values: tuple[Any, ...]) -> Row:
    """(id, author, created_at, kind, client_id, account_id, call_id, body json)"""
    row_id, author, created_at, kind, client_id, account_id, call_id, body = values
    draft = RowDraft(RecordKind(kind), client_id, account_id, call_id, json.loads(body) if isinstance(body, str) else body)
    return Row(int(row_id), author, float(created_at), draft)


ROW_COLUMNS = "id, author, created_at, kind, client_id, account_id, call_id, body"

SQLITE_MIGRATIONS: dict[int, str] = {
    1: """
CREATE TABLE hub_users (name TEXT PRIMARY KEY, role TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, created_at REAL NOT NULL);
CREATE TABLE hub_rows (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    author TEXT NOT NULL,
    created_at REAL NOT NULL,
    kind TEXT NOT NULL,
    client_id TEXT NOT NULL UNIQUE,
    account_id TEXT NOT NULL,
    call_id TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE TRIGGER hub_rows_append_only BEFORE UPDATE ON hub_rows BEGIN SELECT RAISE(ABORT, 'rows are append-only'); END;
CREATE TRIGGER hub_rows_kept BEFORE DELETE ON hub_rows BEGIN SELECT RAISE(ABORT, 'rows are append-only'); END;
""",
}


def migrate_sqlite(conn: sqlite3.Connection) -> None:
    """Forward-only, like the console's store; the hub's version lives in its own table (the file may be shared)."""
    conn.execute("CREATE TABLE IF NOT EXISTS hub_schema (version INTEGER NOT NULL)")
    row = conn.execute("SELECT max(version) FROM hub_schema").fetchone()
    current = row[0] or 0
    for version in sorted(v for v in SQLITE_MIGRATIONS if v > current):
        with conn:
            for statement in statements(SQLITE_MIGRATIONS[version]):
                conn.execute(statement)
            conn.execute("INSERT INTO hub_schema VALUES (?)", (version,))


class SqliteTeamRecord:
    def __init__(self, conn: sqlite3.Connection, clock: Callable[[], float] = time.time) -> None:
        self._conn = conn
        self._clock = clock
        migrate_sqlite(conn)

    async def add_user(self, name: str, role: Role, hashed: str) -> None:
        with self._conn:
            self._conn.execute(
                "INSERT INTO hub_users VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
                "role = excluded.role, token_hash = excluded.token_hash", (name, role.value, hashed, self._clock()))

    async def user_for(self, hashed: str) -> User | None:
        row = self._conn.execute("SELECT name, role FROM hub_users WHERE token_hash = ?", (hashed,)).fetchone()
        return User(row[0], Role(row[1])) if row else None

    async def append(self, author: str, draft: RowDraft) -> tuple[Row, bool]:
        with self._conn:
            cursor = self._conn.execute(
                "INSERT INTO hub_rows (author, created_at, kind, client_id, account_id, call_id, body) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (client_id) DO NOTHING",
                (author, self._clock(), draft.kind.value, draft.client_id, draft.account_id, draft.call_id,
                 json.dumps(draft.body)))
            new = cursor.rowcount == 1
            stored = self._conn.execute(f"SELECT {ROW_COLUMNS} FROM hub_rows WHERE client_id = ?",
                                        (draft.client_id,)).fetchone()
        row = row_of(stored)
        return (row, True) if new else (same_row(row, draft), False)

    async def rows(self, after: int, kind: RecordKind | None, limit: int) -> list[Row]:
        query = f"SELECT {ROW_COLUMNS} FROM hub_rows WHERE id > ?"
        params: list[Any] = [after]
        if kind is not None:
            query += " AND kind = ?"
            params.append(kind.value)
        cursor = self._conn.execute(query + " ORDER BY id LIMIT ?", (*params, limit))
        return [row_of(values) for values in cursor]

    async def close(self) -> None:
        pass
