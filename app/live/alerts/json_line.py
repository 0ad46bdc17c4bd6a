"""An alert as one JSON line, for `switchboard watch` and the scripts that page someone."""

from __future__ import annotations

import json

from app.domain.alert import Alert


def alert_line(alert: Alert) -> str:
    """`{"type": "alert", "at", "rule", "severity", "call_id", "provider", "time", "text", ...}` on one line
    (`at` as on every `switchboard watch` line; `time` the same moment, the name alert scripts use)."""
    return json.dumps({
        "type": "alert",
        "at": alert.raised_at.isoformat(),
        "rule": alert.rule,
        "severity": alert.severity.value,
        "call_id": alert.call_id,
        "account_id": alert.account_id,
        "provider": alert.provider,
        "time": alert.raised_at.isoformat(),
        "message": alert.message,
        "text": alert.text,
        "call_seconds": alert.call_seconds,
        "turn": alert.turn,
    }, ensure_ascii=False)
