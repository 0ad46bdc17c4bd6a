"""Saving CSV files from the history panels: the write off the Qt thread (the path comes from
app/ui/save_dialog.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from app.store.database import Database


async def export_csv_file(db: Database, path: Path | str, rows: Callable[[sqlite3.Connection, TextIO], int],
                          what: str) -> tuple[int, str]:
    """Write a CSV on a reader thread: (rows written, a sentence saying so or why it failed)."""
    def export(conn: sqlite3.Connection) -> int:
        with open(path, "w", encoding="utf-8", newline="") as stream:
            return rows(conn, stream)

    try:
        count = await db.read(export)
    except OSError as error:
        return 0, f"Could not write {path}: {error.strerror or error}"
    return count, f"Exported {count} {what}{'s' if count != 1 else ''} to {path}."
