-- A history file as Switchboard schema 1 wrote it (call cache only, no search/reviews/audit).
CREATE TABLE calls (
    account_id TEXT NOT NULL, id TEXT NOT NULL, provider TEXT NOT NULL, name TEXT, status TEXT NOT NULL,
    ended_reason TEXT, direction TEXT, call_type TEXT, customer_number TEXT, customer_name TEXT,
    assistant_name TEXT, assistant_id TEXT, created_at REAL, updated_at REAL, started_at REAL,
    ended_at REAL, duration_seconds REAL, cost REAL, success_evaluation TEXT,
    turn_count INTEGER NOT NULL DEFAULT 0, fingerprint TEXT NOT NULL, cached_at REAL NOT NULL,
    PRIMARY KEY (account_id, id)
) WITHOUT ROWID;
CREATE INDEX calls_by_account_time ON calls (account_id, created_at DESC);
CREATE INDEX calls_by_time ON calls (created_at DESC);
CREATE TABLE call_documents (
    id INTEGER PRIMARY KEY, account_id TEXT NOT NULL, call_id TEXT NOT NULL, detail_json TEXT NOT NULL,
    raw_json TEXT NOT NULL, UNIQUE (account_id, call_id)
);
CREATE TABLE turns (
    id INTEGER PRIMARY KEY, account_id TEXT NOT NULL, call_id TEXT NOT NULL, idx INTEGER NOT NULL,
    role TEXT NOT NULL, text TEXT NOT NULL, start REAL, end REAL, tool_name TEXT
);
CREATE INDEX turns_by_call ON turns (account_id, call_id);
CREATE TABLE sync_state (account_id TEXT PRIMARY KEY, watermark REAL, synced_at REAL);

INSERT INTO calls VALUES ('acc-hms', 'call-_+31623731537_XqaQxRRgAzYc', 'hms', NULL, 'ended', 'customer-ended-call',
    'inbound', NULL, '+31623731537', NULL, 'Bakkerij', 'agent-7', 1767261600.0, 1767261900.0, 1767261600.0,
    1767261780.0, 180.0, NULL, NULL, 2, 'v1-fingerprint', 1767262000.0);
INSERT INTO call_documents (account_id, call_id, detail_json, raw_json) VALUES ('acc-hms', 'call-_+31623731537_XqaQxRRgAzYc',
    '{"id":"call-_+31623731537_XqaQxRRgAzYc","provider":"hms","status":"ended","assistant_name":"Bakkerij","customer_number":"+31623731537","created_at":"2026-01-01T10:00:00Z","summary":"Asked about a crème brûlée order.","turns":[{"role":"assistant","text":"Goedemiddag, bakkerij Jansen."},{"role":"customer","text":"Is de crème brûlée klaar voor vanmiddag?"}]}',
    '{"id":"call-_+31623731537_XqaQxRRgAzYc","caller_phone":"+31623731537"}');
-- Turn ids: creation second 1767261600 << 24, slot 0, turn index.
INSERT INTO turns (id, account_id, call_id, idx, role, text) VALUES
    (29649729591705600, 'acc-hms', 'call-_+31623731537_XqaQxRRgAzYc', 0, 'assistant', 'Goedemiddag, bakkerij Jansen.'),
    (29649729591705601, 'acc-hms', 'call-_+31623731537_XqaQxRRgAzYc', 1, 'customer', 'Is de crème brûlée klaar voor vanmiddag?');
INSERT INTO sync_state VALUES ('acc-hms', 1767261600.0, 1767262000.0);
PRAGMA user_version = 1;
