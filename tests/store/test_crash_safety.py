"""A process killed mid-write leaves a consistent database holding every committed review."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.store.database import connect
from app.store.reviews import ReviewBook
from app.store.search import TranscriptSearch
from tests.store.crash_writer import BATCH

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("delay", [0.2, 0.35])  # a 2000-call upsert spends ~0.1 s preparing, then writes
def test_sigkill_mid_write_loses_nothing_committed(tmp_path: Path, delay: float) -> None:
    path = tmp_path / "history.sqlite3"
    child = subprocess.Popen([sys.executable, "-m", "tests.store.crash_writer", str(path)], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    committed: list[int] = []  # a review is reported only once its transaction has committed
    bulks = 0
    assert child.stdout is not None
    for line in child.stdout:
        if line.startswith("review"):
            committed.append(int(line.split()[1]))
        elif line.startswith("bulk"):
            bulks += 1
            if bulks == 4:  # three reviews are in; the fourth bulk write is under way
                break
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    committed += [int(line.split()[1]) for line in child.stdout.read().splitlines() if line.startswith("review")]
    child.stdout.close()
    assert child.returncode == -signal.SIGKILL and len(committed) >= 3

    conn = connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("INSERT INTO turn_index(turn_index) VALUES ('integrity-check')") is not None
    book = ReviewBook(conn)
    for review_id in committed:
        review = book.by_id(review_id)
        assert review.submitted and review.overall.percent == 80.0 and len(review.comments) == 1
    # The killed bulk write is either wholly there or wholly absent: whole calls, each with its turns.
    calls = conn.execute("SELECT count(*) FROM calls").fetchone()[0]
    assert calls % BATCH == 0 and len(committed) * BATCH <= calls <= (len(committed) + 1) * BATCH
    assert conn.execute("SELECT count(*) FROM turns").fetchone()[0] == 2 * calls
    assert len(TranscriptSearch(conn).search("refund", limit=10 * BATCH).hits) == calls
