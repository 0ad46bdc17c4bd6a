"""The history schema as a list of forward migrations; `PRAGMA user_version` records the last applied.

Never edit a released migration: add the next one. Times are UTC epoch seconds (REAL).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

V1_CALL_CACHE = """
CREATE TABLE calls (
    account_id TEXT NOT NULL,
    id TEXT NOT NULL,
    provider TEXT NOT NULL,
    name TEXT,
    status TEXT NOT NULL,
    ended_reason TEXT,
    direction TEXT,
    call_type TEXT,
    customer_number TEXT,
    customer_name TEXT,
    assistant_name TEXT,
    assistant_id TEXT,
    created_at REAL,
    updated_at REAL,
    started_at REAL,
    ended_at REAL,
    duration_seconds REAL,
    cost REAL,
    success_evaluation TEXT,
    turn_count INTEGER NOT NULL DEFAULT 0,
    fingerprint TEXT NOT NULL,
    cached_at REAL NOT NULL,
    PRIMARY KEY (account_id, id)
) WITHOUT ROWID;
CREATE INDEX calls_by_account_time ON calls (account_id, created_at DESC);
CREATE INDEX calls_by_time ON calls (created_at DESC);

-- The big JSON lives apart from the narrow rows the list pages through.
CREATE TABLE call_documents (
    id INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL,
    call_id TEXT NOT NULL,
    detail_json TEXT NOT NULL,
    raw_json TEXT NOT NULL,
    UNIQUE (account_id, call_id)
);

-- Turn ids sort like the calls' creation times (see calls.TurnIds), so search can list
-- newest first by walking the index backwards and stop at its LIMIT.
CREATE TABLE turns (
    id INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL,
    call_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    role TEXT NOT NULL,
    text TEXT NOT NULL,
    start REAL,
    end REAL,
    tool_name TEXT
);
CREATE INDEX turns_by_call ON turns (account_id, call_id);

CREATE TABLE sync_state (
    account_id TEXT PRIMARY KEY,
    watermark REAL,
    synced_at REAL
);
"""

V2_TRANSCRIPT_SEARCH = """
CREATE VIRTUAL TABLE turn_index USING fts5(
    text, content='turns', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER turns_indexed AFTER INSERT ON turns BEGIN
    INSERT INTO turn_index (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER turns_unindexed AFTER DELETE ON turns BEGIN
    INSERT INTO turn_index (turn_index, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER turns_reindexed AFTER UPDATE OF text ON turns BEGIN
    INSERT INTO turn_index (turn_index, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO turn_index (rowid, text) VALUES (new.id, new.text);
END;
INSERT INTO turn_index (turn_index) VALUES ('rebuild');
CREATE INDEX calls_by_status ON calls (status, created_at DESC);
"""

V3_REVIEWS = """
CREATE TABLE scorecard_templates (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    criteria_json TEXT NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL,
    call_id TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    template_id TEXT NOT NULL,
    template_name TEXT NOT NULL,
    criteria_json TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
    overall REAL,
    critical_failed INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    submitted_at REAL,
    UNIQUE (account_id, call_id, reviewer)
);
CREATE INDEX reviews_by_time ON reviews (updated_at DESC);
CREATE TABLE review_scores (
    review_id INTEGER NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    criterion_id TEXT NOT NULL,
    score INTEGER,
    not_applicable INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (review_id, criterion_id)
);
CREATE TABLE review_comments (
    id INTEGER PRIMARY KEY,
    review_id INTEGER NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    at_seconds REAL,
    turn_index INTEGER,
    text TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE INDEX review_comments_by_review ON review_comments (review_id);
"""

V4_AUDIT_LOG = """
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    requested_at REAL NOT NULL,
    user TEXT NOT NULL,
    account_id TEXT NOT NULL,
    account_name TEXT NOT NULL,
    provider TEXT NOT NULL,
    call_id TEXT NOT NULL,
    command_kind TEXT NOT NULL,
    command_json TEXT NOT NULL,
    description TEXT NOT NULL,
    outcome TEXT NOT NULL DEFAULT 'pending',
    message TEXT NOT NULL DEFAULT '',
    status_code INTEGER,
    latency_ms REAL,
    answered_at REAL
);
CREATE INDEX audit_by_time ON audit_log (requested_at DESC);
CREATE INDEX audit_by_call ON audit_log (account_id, call_id);
"""

# Reviews' overall score and critical failure are computed from the scores whenever shown or
# exported, never read back: stored copies could only disagree. Names of assistants, squads and
# workflows that calls carry only as ids, per account, resolved from the platform.
V5_NAMES_AND_REVIEW_SCORES = """
ALTER TABLE reviews DROP COLUMN overall;
ALTER TABLE reviews DROP COLUMN critical_failed;
CREATE TABLE platform_names (
    account_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    resolved_at REAL NOT NULL,
    PRIMARY KEY (account_id, kind, id)
) WITHOUT ROWID;
"""

# Alerts raised on live calls and who took them ("I have it"), kept for review ("calls that had a
# critical alert"). The id names account, call, rule and episode, so re-saving an alert updates it.
V6_ALERTS = """
CREATE TABLE alerts (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    call_id TEXT NOT NULL,
    provider TEXT NOT NULL,
    rule TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
    message TEXT NOT NULL,
    text TEXT NOT NULL,
    raised_at REAL NOT NULL,
    call_seconds REAL,
    turn_index INTEGER,
    cleared_at REAL,
    acknowledged_by TEXT,
    acknowledged_at REAL,
    snoozed_until REAL
) WITHOUT ROWID;
CREATE INDEX alerts_by_time ON alerts (raised_at DESC);
CREATE INDEX alerts_by_call ON alerts (account_id, call_id);
CREATE INDEX alerts_by_severity ON alerts (severity, raised_at DESC);
CREATE TABLE alert_acknowledgements (
    id INTEGER PRIMARY KEY,
    alert_id TEXT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    user TEXT NOT NULL,
    at REAL NOT NULL,
    UNIQUE (alert_id, user, at)
);
CREATE INDEX alert_acknowledgements_by_user ON alert_acknowledgements (user, at DESC);
"""

# QA programme: the rules that pick calls for review and the queue they fill (one row per call, every
# reason it was picked, who it is assigned to); which marks were a confirmed suggestion; calibration
# sessions (the same calls in front of several reviewers).
V7_QA_PROGRAMME = """
CREATE TABLE review_queue_rules (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    rules_json TEXT NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE review_queue (
    account_id TEXT NOT NULL,
    call_id TEXT NOT NULL,
    reasons TEXT NOT NULL,
    assigned_to TEXT,
    created_at REAL,
    queued_at REAL NOT NULL,
    PRIMARY KEY (account_id, call_id)
) WITHOUT ROWID;
CREATE INDEX review_queue_by_time ON review_queue (created_at);
ALTER TABLE review_scores ADD COLUMN suggested INTEGER NOT NULL DEFAULT 0;
CREATE TABLE calibration_sessions (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE calibration_calls (
    session_id INTEGER NOT NULL REFERENCES calibration_sessions (id) ON DELETE CASCADE,
    account_id TEXT NOT NULL,
    call_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (session_id, account_id, call_id)
);
CREATE TABLE calibration_reviewers (
    session_id INTEGER NOT NULL REFERENCES calibration_sessions (id) ON DELETE CASCADE,
    reviewer TEXT NOT NULL,
    PRIMARY KEY (session_id, reviewer)
);
"""


def _script(sql: str) -> Callable[[sqlite3.Connection], None]:
    # executescript() would COMMIT the surrounding migration transaction, so run statement by statement.
    def apply(conn: sqlite3.Connection) -> None:
        for statement in statements(sql):
            conn.execute(statement)

    return apply


def statements(sql: str) -> list[str]:
    """A script's statements, one by one (executescript would commit the surrounding transaction)."""
    statements, current = [], ""
    for line in sql.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return [s for s in statements if s]


MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: _script(V1_CALL_CACHE),
    2: _script(V2_TRANSCRIPT_SEARCH),
    3: _script(V3_REVIEWS),
    4: _script(V4_AUDIT_LOG),
    5: _script(V5_NAMES_AND_REVIEW_SCORES),
    6: _script(V6_ALERTS),
    7: _script(V7_QA_PROGRAMME),
}
SCHEMA_VERSION = max(MIGRATIONS)
