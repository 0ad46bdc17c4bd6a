"""How each platform answers a list request, as pure functions over stored call dicts.

Shared by the MockTransport tests and the aiohttp server of the CLI tests, so both speak the same
paging rules: Vapi newest-first windows (page order shuffled: clients must not rely on it), HMS
offset + total, VoiceBot one bare array.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import datetime
from typing import Any


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


VAPI_FILTERS = {
    "createdAtGt": ("createdAt", lambda a, b: a > b), "createdAtGe": ("createdAt", lambda a, b: a >= b),
    "createdAtLt": ("createdAt", lambda a, b: a < b), "createdAtLe": ("createdAt", lambda a, b: a <= b),
    "updatedAtGt": ("updatedAt", lambda a, b: a > b),
}


def vapi_list(calls: list[dict[str, Any]], query: Mapping[str, str], rng: random.Random) -> list[dict[str, Any]]:
    """GET /call: filters, the newest `limit` calls, in an order the client must not trust."""
    chosen = calls
    for name, (field, keep) in VAPI_FILTERS.items():
        if name in query:
            edge = _time(query[name])
            chosen = [c for c in chosen if keep(_time(c[field]), edge)]
    limit = min(int(query.get("limit", 100)), 1000)
    page = sorted(chosen, key=lambda c: c["createdAt"], reverse=True)[:limit]
    rng.shuffle(page)
    return page


def hms_list(calls: list[dict[str, Any]], query: Mapping[str, str]) -> dict[str, Any]:
    """GET /calls: status filter, newest first, offset + limit, with the total."""
    chosen = [c for c in calls if "status" not in query or c["status"] == query["status"]]
    chosen = sorted(chosen, key=lambda c: c["created_at"], reverse=True)
    limit, offset = min(int(query.get("limit", 100)), 1000), int(query.get("offset", 0))
    return {"calls": chosen[offset:offset + limit], "pagination": {"total": len(chosen), "limit": limit, "offset": offset}}
