"""The live event stream a hub keeps: append once per delivery, read after an id, resume or be told of a gap.

Two engines behind one protocol: `SqliteEventLog` (one process, the embedded default) and
`app.hub.redis_log.RedisEventLog` (several processes sharing a Redis Stream). Ids are opaque
strings to consoles; each engine compares its own.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from typing import Protocol

from app.hub.events import Event

RETENTION_SECONDS = 24 * 3600
READ_BATCH = 500
TRIM_EVERY = 1000  # deliveries between age trims


class HistoryGap(Exception):
    """Events after the console's last id were dropped (older than the retention): re-read the platform."""


class EventLog(Protocol):
    async def append(self, delivery: str, events: list[Event]) -> list[str] | None:
        """Store a delivery's events atomically; None when the delivery was seen before (nothing stored)."""
        ...

    async def last_id(self) -> str:
        """The id of the newest event ("0" style when empty): where a new console starts."""
        ...

    async def check_resume(self, after: str) -> None:
        """Raise HistoryGap when events after `after` are no longer kept, or `after` is not from this log."""
        ...

    async def read(self, after: str, limit: int = READ_BATCH, block: float = 1.0) -> list[tuple[str, str]]:
        """(id, event JSON) after `after`, oldest first; waits up to `block` seconds when there are none yet.

        The JSON is passed on as stored: each console's frames are built without parsing it again."""
        ...

    async def close(self) -> None: ...


EVENTS_SCHEMA = """
CREATE TABLE IF NOT EXISTS hub_events (id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS hub_deliveries (digest TEXT PRIMARY KEY, at REAL NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS hub_trimmed (one INTEGER PRIMARY KEY CHECK (one = 1), through INTEGER NOT NULL);
"""


class SqliteEventLog:
    """Events in the hub's SQLite file; consoles of this process are woken in-process.

    The statements are small and the file is in WAL mode, so they run on the loop: one hub process
    per file, and a commit per delivery so a restart loses nothing that was answered 200.
    """

    def __init__(self, conn: sqlite3.Connection, retention: float = RETENTION_SECONDS) -> None:
        self._conn = conn
        self._retention = retention
        self._new = asyncio.Event()
        self._appends = 0
        self._pending: list[tuple[str, list[Event], asyncio.Future[list[str] | None]]] = []
        conn.executescript(EVENTS_SCHEMA)

    async def append(self, delivery: str, events: list[Event]) -> list[str] | None:
        # Group commit: deliveries that arrive in the same loop turn share one transaction, and
        # each is answered only after it is committed.
        stored: asyncio.Future[list[str] | None] = asyncio.get_running_loop().create_future()
        self._pending.append((delivery, events, stored))
        if len(self._pending) == 1:
            asyncio.get_running_loop().call_soon(self._commit)
        return await stored

    def _commit(self) -> None:
        batch, self._pending = self._pending, []
        now = time.time()
        results: list[list[str] | None] = []
        try:
            with self._conn:
                for delivery, events, _ in batch:
                    seen = self._conn.execute("INSERT OR IGNORE INTO hub_deliveries VALUES (?, ?)", (delivery, now))
                    results.append(None if seen.rowcount == 0 else [
                        str(self._conn.execute("INSERT INTO hub_events (at, body) VALUES (?, ?)",
                                               (now, json.dumps(event))).lastrowid) for event in events])
        except sqlite3.Error as error:
            for _, _, stored in batch:
                stored.set_exception(error)
            return
        for (_, _, stored), ids in zip(batch, results, strict=True):
            if not stored.done():
                stored.set_result(ids)
        self._appends += len(batch)
        if self._appends >= TRIM_EVERY:
            self._appends = 0
            self.trim(now)
        self._new.set()
        self._new = asyncio.Event()

    def trim(self, now: float) -> None:
        cutoff = now - self._retention
        with self._conn:
            row = self._conn.execute("SELECT max(id) FROM hub_events WHERE at < ?", (cutoff,)).fetchone()
            if row[0] is not None:
                self._conn.execute("DELETE FROM hub_events WHERE id <= ?", (row[0],))
                self._conn.execute("INSERT INTO hub_trimmed VALUES (1, ?) ON CONFLICT (one) DO UPDATE SET "
                                   "through = max(through, excluded.through)", (row[0],))
            self._conn.execute("DELETE FROM hub_deliveries WHERE at < ?", (cutoff,))

    async def last_id(self) -> str:
        row = self._conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'hub_events'").fetchone()
        return str(row[0] if row else 0)

    async def check_resume(self, after: str) -> None:
        position = _number(after)
        row = self._conn.execute("SELECT through FROM hub_trimmed").fetchone()
        if (row is not None and position < row[0]) or position > _number(await self.last_id()):
            raise HistoryGap(after)  # trimmed, or an id this store never gave (it was replaced)

    async def read(self, after: str, limit: int = READ_BATCH, block: float = 1.0) -> list[tuple[str, str]]:
        new = self._new
        rows = self._rows(after, limit)
        if rows or block <= 0:
            return rows
        try:
            await asyncio.wait_for(new.wait(), block)
        except TimeoutError:
            return []
        return self._rows(after, limit)

    def _rows(self, after: str, limit: int) -> list[tuple[str, str]]:
        cursor = self._conn.execute("SELECT id, body FROM hub_events WHERE id > ? ORDER BY id LIMIT ?",
                                    (_number(after), limit))
        return [(str(row[0]), row[1]) for row in cursor]

    async def close(self) -> None:
        self._new.set()


def _number(event_id: str) -> int:
    try:
        return int(event_id)
    except ValueError:
        raise HistoryGap(event_id) from None  # an id from another engine: nothing to resume from
