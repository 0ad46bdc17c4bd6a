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


class TransferRecord(BaseModel):
    """One transfer attempt of a call (Vapi `artifact.transfers[]`)."""

    model_config = ConfigDict(frozen=True)

    destination: str | None = None  # a number or SIP URI
    mode: str | None = None  # e.g. blind-transfer, warm-transfer-say-summary (as the platform names it)
    status: str | None = None  # e.g. completed, no-answer, busy
    transcript: str | None = None  # a warm transfer's conversation with the person taking the call


class Performance(BaseModel):
    """Turn latency, in milliseconds, broken down by component (Vapi `artifact.performanceMetrics`)."""

    model_config = ConfigDict(frozen=True)

    turn_latency_average: float | None = None
    model_latency_average: float | None = None
    voice_latency_average: float | None = None
    transcriber_latency_average: float | None = None
    endpointing_latency_average: float | None = None
    turn_latencies: tuple[float, ...] = ()  # each turn's total latency, in order
    user_interruptions: int | None = None
    assistant_interruptions: int | None = None


class CostItem(BaseModel):
    """One line of what a call cost (Vapi `costs[]`), in USD."""

    model_config = ConfigDict(frozen=True)

    kind: str  # transport, transcriber, model, voice, vapi, analysis, …
    cost: float | None = None
    detail: str | None = None  # who provided it, e.g. "twilio", "openai gpt-4o"
    minutes: float | None = None
    characters: int | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


class RecordingLinks(BaseModel):
    """One link per recording layout."""

    model_config = ConfigDict(frozen=True)

    mono: str | None = None
    stereo: str | None = None
    customer: str | None = None
    assistant: str | None = None


class PresignedRecordings(RecordingLinks):
    """Direct links to the recordings that need no key (Vapi's `artifact.presigned*Url`), good until `expires_at`."""

    expires_at: datetime | None = None


class Recordings(RecordingLinks):
    """Where a call's audio can be fetched from. URLs may be short-lived."""

    presigned: PresignedRecordings = Field(default_factory=PresignedRecordings)

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
    squad_name: str | None = None
    squad_id: str | None = None
    workflow_name: str | None = None
    workflow_id: str | None = None
    realtime: bool = False  # a realtime-model call (Vapi GPT-Live kind): few commands, no listen socket
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
    ended_message: str | None = None  # the platform's words behind ended_reason (an error, a warning)
    structured_outputs: dict[str, Any] | None = None  # by output id: {"name", "result", …}
    scorecards: dict[str, Any] | None = None  # by scorecard id, as the platform evaluated them
    structured_data_multi: tuple[dict[str, Any], ...] = ()
    transfers: tuple[TransferRecord, ...] = ()
    performance: Performance | None = None
    costs: tuple[CostItem, ...] = ()
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
        """Anything the platform adds once a call is over: while none has come, the poller re-reads it."""
        return bool(self.summary or self.success_evaluation or self.structured_data or self.sentiment is not None
                    or self.ended_message or self.structured_outputs or self.scorecards
                    or self.structured_data_multi or self.transfers or self.performance or self.costs)

    @property
    def assistant_label(self) -> str:
        """What the call runs on, by name when known: assistant, squad or workflow (else its id)."""
        return (self.assistant_name or self.squad_name or self.workflow_name
                or self.assistant_id or self.squad_id or self.workflow_id or "")

    def duration_at(self, now: datetime) -> float | None:
        """Seconds the call has lasted: final duration once ended, ticking while live."""
        if self.duration_seconds is not None and not self.is_live:
            return self.duration_seconds
        if self.started_at is None:
            return self.duration_seconds
        end = self.ended_at or now
        return max(0.0, (end - self.started_at).total_seconds())
