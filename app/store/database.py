"""The local history database: one SQLite file per user, WAL mode, forward-only migrations.

Writes go through one writer connection on one thread; reads use a small pool of reader
connections (WAL lets them run while a write is in progress). `Database.read/write` run a
function `fn(conn)` on those threads, so callers on the Qt/asyncio thread never block on disk.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from app import paths
from app.store.schema import MIGRATIONS, SCHEMA_VERSION

T = TypeVar("T")

FILE_NAME = "history.sqlite3"


class StoreError(Exception):
    """The one error the store raises: `str()` is a sentence fit to show the user. Every write is
    one transaction, so a failed one changed nothing and what was saved before stays saved."""


class SchemaTooNewError(StoreError):
    """The file was written by a newer Switchboard; opening it could corrupt its data."""


# SQLite's primary result codes, in the user's words (error names are e.g. SQLITE_IOERR_WRITE).
_REASONS = {
    "SQLITE_FULL": "the disk holding it is full",
    "SQLITE_IOERR": "the disk could not be read or written",
    "SQLITE_BUSY": "another Switchboard is using it",
    "SQLITE_LOCKED": "another Switchboard is using it",
    "SQLITE_READONLY": "the file or its folder is read-only",
    "SQLITE_PERM": "the file or its folder is read-only",
    "SQLITE_CANTOPEN": "the file cannot be opened",
    "SQLITE_CORRUPT": "the file is damaged",
    "SQLITE_NOTADB": "the file is not a Switchboard history",
}


def store_error(error: sqlite3.Error, doing: str, after: str = "") -> StoreError:
    """`error` as a plain sentence: what failed, why, and what it means."""
    name = getattr(error, "sqlite_errorname", "") or ""
    reason = next((words for code, words in _REASONS.items() if name == code or name.startswith(code + "_")),
                  f"SQLite said: {error}")
    return StoreError(f"The local history {doing}: {reason}.{after}")


def default_path() -> Path:
    return paths.data_dir() / FILE_NAME


def connect(path: Path | str | None = None) -> sqlite3.Connection:
    """A configured connection with the schema brought up to date. Autocommit mode:
    every write happens inside an explicit `transaction(conn)`."""
    conn = sqlite3.connect(str(path or default_path()), isolation_level=None, check_same_thread=False,
                           timeout=30.0)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    # FULL: a committed review survives power loss too, not just a killed process.
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA temp_store=MEMORY")
    conn.execute("PRAGMA cache_size=-32000")
    migrate(conn)
    return conn


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection) -> int:
    """Apply every migration newer than the file's version, each in its own transaction."""
    current = schema_version(conn)
    if current > SCHEMA_VERSION:
        raise SchemaTooNewError(
            f"The history database is from a newer Switchboard (schema {current}, this version "
            f"knows up to {SCHEMA_VERSION}). Update Switchboard to open it."
        )
    for version in range(current + 1, SCHEMA_VERSION + 1):
        with transaction(conn):
            MIGRATIONS[version](conn)
            conn.execute(f"PRAGMA user_version={version}")
    return schema_version(conn)


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any error: a write lands whole or not at all."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:  # SQLite has already rolled back after some errors (a full disk)
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


class Database:
    """The history file with its writer thread and reader threads."""

    def __init__(self, path: Path | str | None = None, *, readers: int = 2):
        self.path = Path(path) if path else default_path()
        try:
            self._writer_conn = connect(self.path)
        except sqlite3.Error as error:
            raise store_error(error, f"({self.path}) could not be opened") from error
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="history-writer")
        self._readers = ThreadPoolExecutor(readers, thread_name_prefix="history-reader")
        self._local = threading.local()
        self._reader_conns: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False

    def _reader_conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False,
                                   timeout=30.0)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA query_only=ON")
            conn.execute("PRAGMA temp_store=MEMORY")
            conn.execute("PRAGMA cache_size=-32000")
            self._local.conn = conn
            with self._lock:
                self._reader_conns.append(conn)
        return conn

    def submit_read(self, fn: Callable[[sqlite3.Connection], T]) -> Future[T]:
        return self._readers.submit(lambda: _guarded(fn, "could not be read")(self._reader_conn()))

    def submit_write(self, fn: Callable[[sqlite3.Connection], T]) -> Future[T]:
        return self._writer.submit(_guarded(fn, "could not save this change", WRITE_FAILED_NOTE), self._writer_conn)

    async def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        return await asyncio.wrap_future(self.submit_read(fn))

    async def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        return await asyncio.wrap_future(self.submit_write(fn))

    def close(self) -> None:
        """Finish queued writes (they may be reviews), then close every connection."""
        if self._closed:
            return
        self._closed = True
        self._readers.shutdown(wait=True, cancel_futures=True)
        self._writer.shutdown(wait=True)
        with self._lock:
            for conn in self._reader_conns:
                conn.close()
            self._reader_conns.clear()
        self._writer_conn.close()


WRITE_FAILED_NOTE = " This change was not saved; everything saved before it is kept. Try again once that is fixed."


def _guarded(fn: Callable[[sqlite3.Connection], T], doing: str, after: str = "") -> Callable[[sqlite3.Connection], T]:
    """`fn` raising StoreError instead of sqlite3's errors (the original kept as the cause, for the log)."""
    def run(conn: sqlite3.Connection) -> T:
        try:
            return fn(conn)
        except sqlite3.Error as error:
            raise store_error(error, doing, after) from error

    return run
