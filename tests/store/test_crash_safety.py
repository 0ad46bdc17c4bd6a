"""A process killed mid-write leaves a consistent database holding every committed review."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from app.store.database import connect
from app.store.reviews import ReviewBook
from app.store.search import TranscriptSearch

ROOT = Path(__file__).resolve().parents[2]


def test_sigkill_mid_write_loses_nothing_committed(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    child = subprocess.Popen([sys.executable, "-m", "tests.store.crash_writer", str(path)], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    committed: list[int] = []
    bulks = 0
    assert child.stdout is not None
    for line in child.stdout:
        word, *rest = line.split()
        if word == "review":
            committed.append(int(rest[0]))
        elif word == "bulk":
            bulks += 1
            if bulks == 4:  # three reviews are in; the fourth bulk write has just begun
                child.send_signal(signal.SIGKILL)
                break
    child.wait(timeout=30)
    child.stdout.close()
    assert child.returncode == -signal.SIGKILL and len(committed) == 3

    conn = connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("INSERT INTO turn_index(turn_index) VALUES ('integrity-check')") is not None
    book = ReviewBook(conn)
    for review_id in committed:
        review = book.by_id(review_id)
        assert review.submitted and review.overall.percent == 80.0 and len(review.comments) == 1
    # The killed bulk write is either wholly there or wholly absent: whole calls, each with its turns.
    calls = conn.execute("SELECT count(*) FROM calls").fetchone()[0]
    assert calls % 300 == 0 and calls >= 900
    assert conn.execute("SELECT count(*) FROM turns").fetchone()[0] == 2 * calls
    assert len(TranscriptSearch(conn).search("refund", limit=10_000).hits) == calls
