"""Names resolved from ids (assistants, squads, workflows), kept per account across sessions."""

from __future__ import annotations

import sqlite3
import time

from app.providers.base import OwnerKind
from app.store.database import Database, transaction

Key = tuple[OwnerKind, str]
KINDS: tuple[OwnerKind, ...] = ("assistant", "squad", "workflow")


class StoredNames:
    """The history store as a NameBook's archive (`platform_names`, migration 5)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def load(self, account_id: str) -> dict[Key, str]:
        return await self.db.read(lambda conn: read_names(conn, account_id))

    async def save(self, account_id: str, names: dict[Key, str]) -> None:
        await self.db.write(lambda conn: write_names(conn, account_id, names))


def read_names(conn: sqlite3.Connection, account_id: str) -> dict[Key, str]:
    rows = conn.execute("SELECT kind, id, name FROM platform_names WHERE account_id = ?", (account_id,))
    return {(kind, owner_id): name for kind, owner_id, name in rows if kind in KINDS}


def write_names(conn: sqlite3.Connection, account_id: str, names: dict[Key, str]) -> None:
    now = time.time()
    with transaction(conn):
        conn.executemany(
            "INSERT INTO platform_names (account_id, kind, id, name, resolved_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (account_id, kind, id) DO UPDATE SET name = excluded.name, resolved_at = excluded.resolved_at",
            [(account_id, kind, owner_id, name, now) for (kind, owner_id), name in names.items()],
        )
