"""review_queue_100k_calls: building today's review queue over 100 000 cached calls, in seconds.

Every call of the day goes through the queue rules (5 % sampled, failed success evaluations,
transfers, critical alerts, short calls); the picked ones are written to the queue. The budget is
one second; the queue is emptied before each run. The day looks like a busy contact centre's: one
call in ten transferred, one in seven judged unsuccessful, one in a hundred under ten seconds.
"""

from __future__ import annotations

import random
import sqlite3
import statistics
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.qa.queue_rules import QueueRules
from app.store.database import connect, transaction
from app.store.review_queue import ReviewQueue
from benchmarks.runner import WORK, Result, stopwatch, within_budget

NAME = "review_queue_100k_calls"
BUDGET_SECONDS = 1.0
DAY = datetime(2026, 11, 30, tzinfo=UTC)
ENDINGS = ("customer-ended-call", "assistant-ended-call", "assistant-forwarded-call")
VERDICTS = ("true", "false", "8", "3", None)


@dataclass(frozen=True)
class Sizes:
    calls: int
    runs: int


FULL = Sizes(calls=100_000, runs=5)
SMOKE = Sizes(calls=500, runs=1)


def cached_day(path: Path, calls: int) -> sqlite3.Connection:
    """A history whose cache holds `calls` ended calls created over one day (a few with critical alerts)."""
    path.unlink(missing_ok=True)
    conn = connect(path)
    rng = random.Random(16)
    start = DAY.timestamp()
    rows = []
    for n in range(calls):
        created = start + n * 86_400 / calls
        rows.append((f"acct-{n % 3}", f"call-{n:06d}", "vapi", "ended",
                     rng.choices(ENDINGS, (6, 3, 1))[0], f"assistant-{n % 7}", created, created + 300,
                     rng.uniform(5, 600), rng.choices(VERDICTS, (12, 2, 4, 1, 1))[0], "x", created))
    with transaction(conn):
        conn.executemany(
            "INSERT INTO calls (account_id, id, provider, status, ended_reason, assistant_id, created_at, updated_at,"
            " duration_seconds, success_evaluation, fingerprint, cached_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows)
        conn.executemany(
            "INSERT INTO alerts (id, account_id, call_id, provider, rule, severity, message, text, raised_at)"
            " VALUES (?, ?, ?, 'vapi', 'hang', 'critical', 'm', 't', ?)",
            [(f"a{n}", f"acct-{n % 3}", f"call-{n:06d}", start) for n in range(0, calls, 97)])
    ReviewQueue(conn).save_rules(QueueRules())
    return conn


def build_today(conn: sqlite3.Connection) -> float:
    """Seconds to build the day's queue from an empty one (the emptying is not timed)."""
    with transaction(conn):
        conn.execute("DELETE FROM review_queue")
    return stopwatch(lambda: ReviewQueue(conn).build(DAY, DAY + timedelta(days=1)))


def measure(sizes: Sizes = FULL, work: Path = WORK) -> list[Result]:
    work.mkdir(parents=True, exist_ok=True)
    conn = cached_day(work / "review_queue.db", sizes.calls)
    try:
        build_today(conn)  # warm-up: the day's rows in the page cache
        seconds = statistics.median(build_today(conn) for _ in range(sizes.runs))
    finally:
        conn.close()
    return [within_budget(NAME, "s", seconds, BUDGET_SECONDS)]
