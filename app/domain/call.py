"""The normalized call: one shape for every platform, built at the provider edge."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Provider(StrEnum):
    VAPI = "vapi"
    HMS = "hms"
    VOICEBOT = "voicebot"

    @property
    def display_name(self) -> str:
        return {"vapi": "Vapi", "hms": "HMS Sovereign", "voicebot": "VoiceBot Studio"}[self.value]


class CallStatus(StrEnum):
    """Known statuses. `Call.status` is a plain string: unknown platform values stay as sent."""

    SCHEDULED = "scheduled"
    QUEUED = "queued"
    RINGING = "ringing"
    IN_PROGRESS = "in-progress"
    FORWARDING = "forwarding"
    ENDED = "ended"
    FAILED = "failed"


LIVE_STATUSES = frozenset({CallStatus.QUEUED, CallStatus.RINGING, CallStatus.IN_PROGRESS, CallStatus.FORWARDING})


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"
    WEB = "web"


class TurnRole(StrEnum):
    CUSTOMER = "customer"
    ASSISTANT = "assistant"
    SYSTEM = "system"
    TOOL = "tool"


class Turn(BaseModel):
    """One line of the conversation. Times are seconds from the call start, None when unknown."""

    model_config = ConfigDict(frozen=True)

    role: TurnRole
    text: str = ""
    start: float | None = None
    end: float | None = None
    tool_name: str | None = None
    tool_arguments: str | None = None
    tool_result: str | None = None
    tool_call_id: str | None = None
    partial: bool = False  # still being spoken (live transcript): the final line replaces it


class CostBreakdown(BaseModel):
    model_config = ConfigDict(frozen=True)

    transport: float | None = None
    stt: float | None = None
    llm: float | None = None
    tts: float | None = None
    platform: float | None = None
    total: float | None = None
    llm_prompt_tokens: int | None = None
    llm_completion_tokens: int | None = None
    tts_characters: int | None = None


class Recordings(BaseModel):
    """Where a call's audio can be fetched from. URLs may be short-lived."""

    model_config = ConfigDict(frozen=True)

    mono: str | None = None
    stereo: str | None = None
    customer: str | None = None
    assistant: str | None = None

    @property
    def any(self) -> str | None:
        return self.stereo or self.mono


class Call(BaseModel):
    """A phone call as the console sees it, whatever platform it came from."""

    model_config = ConfigDict(frozen=True)

    id: str
    provider: Provider
    name: str | None = None
    status: str = "unknown"
    ended_reason: str | None = None
    direction: str | None = None
    call_type: str | None = None
    customer_number: str | None = None
    customer_name: str | None = None
    assistant_name: str | None = None
    assistant_id: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    duration_seconds: float | None = None
    cost: float | None = None
    cost_breakdown: CostBreakdown | None = None
    summary: str | None = None
    success_evaluation: str | None = None
    sentiment: float | None = None
    structured_data: dict[str, Any] | None = None
    turns: tuple[Turn, ...] = ()
    recordings: Recordings = Field(default_factory=Recordings)
    listen_url: str | None = None
    control_url: str | None = None
    transfer_destination: str | None = None
    raw: dict[str, Any] = Field(default_factory=dict, repr=False)

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    @property
    def has_analysis(self) -> bool:
        return bool(self.summary or self.success_evaluation or self.structured_data or self.sentiment is not None)

    def duration_at(self, now: datetime) -> float | None:
        """Seconds the call has lasted: final duration once ended, ticking while live."""
        if self.duration_seconds is not None and not self.is_live:
            return self.duration_seconds
        if self.started_at is None:
            return self.duration_seconds
        end = self.ended_at or now
        return max(0.0, (end - self.started_at).total_seconds())
