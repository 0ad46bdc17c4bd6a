"""Store errors reach the user as one exception type with a plain sentence, and lose nothing saved."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.store.database import Database, StoreError
from app.store.reviews import Mark, ReviewBook


def fill_the_disk(conn: sqlite3.Connection) -> None:
    """The file may not grow past what it holds now (a full disk, as SQLite sees one)."""
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")


async def test_a_full_disk_while_starting_a_review_is_a_plain_sentence_and_keeps_what_was_saved(tmp_path: Path):
    db = Database(tmp_path / "history.sqlite3")
    try:
        saved = await db.write(lambda conn: ReviewBook(conn).start("acc", "call-1", "ria"))
        await db.write(lambda conn: ReviewBook(conn).set_mark(saved.id, "greeting", Mark(4)))
        await db.write(fill_the_disk)
        big = "x" * 200_000
        with pytest.raises(StoreError) as raised:
            await db.write(lambda conn: ReviewBook(conn).start("acc", "call-2-" + big, "ria"))
        said = str(raised.value)
        assert said.startswith("The local history could not save this change: the disk holding it is full.")
        assert "not saved" in said and "SQLITE" not in said and "OperationalError" not in said
        assert isinstance(raised.value.__cause__, sqlite3.OperationalError)  # the detail stays for the log
        kept = await db.read(lambda conn: ReviewBook(conn).for_call("acc", "call-1"))
        assert [r.marks for r in kept] == [{"greeting": Mark(4)}]
        assert await db.read(lambda conn: ReviewBook(conn).for_call("acc", "call-2-" + big)) == []
    finally:
        db.close()
    assert sqlite3.connect(tmp_path / "history.sqlite3").execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_file_that_is_no_database_is_a_store_error_on_opening(tmp_path: Path):
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError, match="history"):
        Database(path)
