"""Local history: the SQLite call cache, transcript search, QA reviews and the audit log. No Qt."""
