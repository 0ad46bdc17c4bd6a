"""The schema comes up from nothing and from an older file, keeping what was there."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.store.calls import CallCache
from app.store.database import SchemaTooNewError, connect, schema_version
from app.store.reviews import ReviewBook
from app.store.schema import SCHEMA_VERSION
from app.store.search import TranscriptSearch

V1_FIXTURE = Path(__file__).with_name("history_v1.sql")


def tables(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}


def test_empty_file_gets_the_whole_schema_in_wal_mode(tmp_path: Path) -> None:
    conn = connect(tmp_path / "h.sqlite3")
    assert schema_version(conn) == SCHEMA_VERSION == 7
    assert {"calls", "turns", "sync_state", "turn_index", "reviews", "review_scores", "review_comments",
            "scorecard_templates", "audit_log", "platform_names", "alerts", "alert_acknowledgements"} <= tables(conn)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_reopening_an_up_to_date_file_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    connect(path).close()
    conn = connect(path)
    assert schema_version(conn) == SCHEMA_VERSION
    assert conn.total_changes == 0


def test_a_version_1_file_is_migrated_and_its_calls_become_searchable(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(V1_FIXTURE.read_text(encoding="utf-8"))
    old.close()

    conn = connect(path)

    assert schema_version(conn) == SCHEMA_VERSION
    call = CallCache(conn).get("acc-hms", "call-_+31623731537_XqaQxRRgAzYc")
    assert call is not None and call.summary == "Asked about a crème brûlée order."
    assert [t.text for t in call.turns][1] == "Is de crème brûlée klaar voor vanmiddag?"
    assert call.raw == {"id": "call-_+31623731537_XqaQxRRgAzYc", "caller_phone": "+31623731537"}
    # The search index built by migration 2 covers turns cached before it existed.
    hits = TranscriptSearch(conn).search("creme brulee").hits
    assert [(h.call_id, h.turn_index) for h in hits] == [("call-_+31623731537_XqaQxRRgAzYc", 1)]
    assert CallCache(conn).watermark("acc-hms") is not None
    review = ReviewBook(conn).start("acc-hms", "call-_+31623731537_XqaQxRRgAzYc", "ria")
    assert review.status == "draft"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_file_from_a_newer_switchboard_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    newer = sqlite3.connect(path)
    newer.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    newer.close()
    with pytest.raises(SchemaTooNewError, match="newer Switchboard"):
        connect(path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1


def test_a_failing_migration_leaves_the_file_at_the_last_good_version(tmp_path: Path, monkeypatch) -> None:
    from app.store import schema

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x)")
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setitem(schema.MIGRATIONS, 3, broken)
    path = tmp_path / "h.sqlite3"
    with pytest.raises(sqlite3.OperationalError):
        connect(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
    assert "half_done" not in tables(conn)


def columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def test_migration_5_drops_the_unread_review_scores_and_keeps_every_review(tmp_path: Path, monkeypatch) -> None:
    from app.store import schema
    from app.store.reviews import DEFAULT_TEMPLATE, Mark

    path = tmp_path / "h.sqlite3"
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 4)
    monkeypatch.setattr("app.store.database.SCHEMA_VERSION", 4)
    old = connect(path)
    assert {"overall", "critical_failed"} <= columns(old, "reviews")
    old.execute("INSERT INTO reviews (account_id, call_id, reviewer, template_id, template_name, criteria_json,"
                " status, overall, critical_failed, created_at, updated_at, submitted_at)"
                " VALUES ('a', 'c1', 'ria', ?, ?, ?, 'submitted', 75.0, 0, 1, 2, 3)",
                (DEFAULT_TEMPLATE.id, DEFAULT_TEMPLATE.name, DEFAULT_TEMPLATE.to_json()))
    review_id = old.execute("SELECT id FROM reviews").fetchone()[0]
    old.execute("INSERT INTO review_scores (review_id, criterion_id, score) VALUES (?, ?, 4)",
                (review_id, DEFAULT_TEMPLATE.criteria[0].id))
    old.close()
    monkeypatch.undo()

    conn = connect(path)
    assert schema_version(conn) == SCHEMA_VERSION >= 5
    assert not {"overall", "critical_failed"} & columns(conn, "reviews")
    [review] = ReviewBook(conn).for_call("a", "c1")
    assert review.status == "submitted" and review.marks == {DEFAULT_TEMPLATE.criteria[0].id: Mark(score=4)}
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
