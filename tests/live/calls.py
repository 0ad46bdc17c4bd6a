"""Small call factory for live/UI tests: only what a test cares about, the rest plausible."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from app.domain import Call, Provider

T0 = datetime(2026, 11, 21, 12, 0, 0, tzinfo=UTC)


def make_call(call_id: str, *, status: str = "in-progress", updated: float = 0.0, **fields: Any) -> Call:
    """`updated` is seconds after T0, so tests can say which copy is newer."""
    values: dict[str, Any] = {
        "id": call_id,
        "provider": Provider.VAPI,
        "status": status,
        "created_at": T0,
        "started_at": T0,
        "updated_at": T0 + timedelta(seconds=updated),
        "customer_number": "+15550100",
        "assistant_name": "Ava",
    }
    if status in ("ended", "failed"):
        values["ended_at"] = T0 + timedelta(minutes=2)
        values["duration_seconds"] = 120.0
    values.update(fields)
    return Call(**values)
