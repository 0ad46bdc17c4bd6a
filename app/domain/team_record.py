"""What a team hub's shared record holds: the kinds of rows consoles write (the hub and consoles both read this)."""

from __future__ import annotations

from enum import StrEnum


class RecordKind(StrEnum):
    AUDIT = "audit"
    REVIEW = "review"
    COMMENT = "comment"
    ALERT_ACK = "alert-ack"
    QUEUE_ASSIGNMENT = "queue-assignment"  # who reviews a queued call
    QUEUE_RULES = "queue-rules"  # which calls the team's queue picks
