"""An alert as a JSON object, for `switchboard watch` lines and the scripts that page someone."""

from __future__ import annotations

from typing import Any

from app.domain.alert import Alert


def alert_as_json(alert: Alert) -> dict[str, Any]:
    """`{"type": "alert", "at", "rule", "severity", "call_id", "provider", "time", "text", ...}`
    (`at` as on every `switchboard watch` line; `time` the same moment, the name alert scripts use)."""
    return {
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
    }
