"""search_100k_calls: 20 varied transcript queries over 100 000 cached calls — ours vs `grep -ril`.

Ours: TranscriptSearch (FTS5) as the Search panel runs it (newest first, 200 hits) on a reader
thread of the history Database. Peer: `grep -rilF` over the same transcripts, one file per call.
Each figure is the median over the 20 queries of that query's median latency. Budget rows: opening
the cache (Database + the first list page and its count) and scrolling it (a 200-row window read
at offsets spread over the whole list).
"""

from __future__ import annotations

import statistics
import subprocess
from dataclasses import dataclass
from pathlib import Path

from app.store.calls import CallCache
from app.store.database import Database
from app.store.search import TranscriptSearch
from benchmarks.history import ACCOUNT_ID, cached_history
from benchmarks.runner import WORK, Result, median_seconds, within_budget

NAME = "search_100k_calls"
PEER = "grep -rilF (one file per call)"
RESULT_LIMIT = 200  # what the Search panel asks for
WINDOW = 200  # rows per read when the cached list scrolls
OPEN_BUDGET_S = 0.25
SCROLL_BUDGET_MS = 16.0  # one frame at 60 Hz
# Our syntax first, then the fixed string grep gets: words, phrases, prefixes, rare and absent words.
QUERIES = (
    ("refund", "refund"), ('"table for four"', "table for four"), ('"tracking number"', "tracking number"),
    ("parcel", "parcel"), ("Morgan", "morgan"), ("meter", "meter"), ('"garden chairs"', "garden chairs"),
    ("deliver*", "deliver"), ("appointment", "appointment"), ("cancel*", "cancel"), ('"call back"', "call back"),
    ("hear", "hear"), ("estimated", "estimated"), ("FRIDAY", "friday"), ('"billing specialist"', "billing specialist"),
    ("frustrating", "frustrating"), ("colleague", "colleague"), ("depot", "depot"), ("lighthouse", "lighthouse"),
    ('"order system"', "order system"),
)


@dataclass(frozen=True)
class Sizes:
    calls: int
    runs: int  # per query, ours
    peer_runs: int  # per query, grep
    scroll_reads: int


FULL = Sizes(calls=100_000, runs=3, peer_runs=1, scroll_reads=25)
SMOKE = Sizes(calls=300, runs=1, peer_runs=1, scroll_reads=3)


def grep(folder: Path, text: str) -> int:
    """Files whose transcript holds `text` (any case)."""
    done = subprocess.run(["grep", "-rilF", "-e", text, str(folder)], capture_output=True, check=False, timeout=300)
    if done.returncode > 1:
        raise RuntimeError(f"grep failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout.count(b"\n")


def measure(sizes: Sizes = FULL, work: Path = WORK) -> list[Result]:
    history = cached_history(work, sizes.calls)
    grep(history.transcripts, QUERIES[0][1])  # warm-up: the transcripts in the page cache
    open_seconds = median_seconds(lambda: _open_and_list(history.database), runs=sizes.runs)
    db = Database(history.database)
    try:
        ours, peer = [], []
        for query, fixed in QUERIES:
            def ours_once(query: str = query) -> int:
                found = db.submit_read(lambda conn: TranscriptSearch(conn).search(query, limit=RESULT_LIMIT)).result()
                return len(found.hits)

            matched_files = grep(history.transcripts, fixed)
            if (ours_once() > 0) != (matched_files > 0):
                raise RuntimeError(f"{NAME}: ours and grep disagree on whether {query} occurs")
            ours.append(median_seconds(ours_once, runs=sizes.runs, warmups=0))
            peer.append(median_seconds(lambda fixed=fixed: grep(history.transcripts, fixed), runs=sizes.peer_runs,
                                       warmups=0))
        scroll = _scroll_seconds(db, sizes)
    finally:
        db.close()
    return [
        Result(NAME, "s", statistics.median(ours), statistics.median(peer), PEER),
        within_budget(f"{NAME}_cache_open", "s", open_seconds, OPEN_BUDGET_S),
        within_budget(f"{NAME}_list_scroll", "ms per 200-row window", scroll * 1000, SCROLL_BUDGET_MS),
    ]


def _open_and_list(path: Path) -> None:
    """What showing the cached list first costs: open the file, count the calls, read the top window."""
    db = Database(path)
    try:
        count = db.submit_read(lambda conn: CallCache(conn).count(ACCOUNT_ID)).result()
        rows = db.submit_read(lambda conn: CallCache(conn).page(ACCOUNT_ID, None, 0, WINDOW)).result()
        if not rows or count < len(rows):
            raise RuntimeError(f"{NAME}: the cache lists no calls")
    finally:
        db.close()


def _scroll_seconds(db: Database, sizes: Sizes) -> float:
    """Median time to read one window (each the median of its runs), at offsets from the top to the bottom."""
    last = max(0, sizes.calls - WINDOW)
    offsets = [last * i // max(1, sizes.scroll_reads - 1) for i in range(sizes.scroll_reads)]
    times = []
    for offset in offsets:
        def read(offset: int = offset) -> None:
            rows = db.submit_read(lambda conn: CallCache(conn).page(ACCOUNT_ID, None, offset, WINDOW)).result()
            if not rows:
                raise RuntimeError(f"{NAME}: no rows at offset {offset}")

        times.append(median_seconds(read, runs=sizes.runs))
    return statistics.median(times)
