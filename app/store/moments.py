"""Moments as the store keeps them: epoch seconds (a naive datetime is taken as UTC)."""

from __future__ import annotations

from datetime import UTC, datetime


def to_epoch(moment: datetime | None) -> float | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def from_epoch(seconds: float | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)
