"""One simulated call: identity, lifecycle times (epoch ms), transcript, audio and what control did to it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.domain import LIVE_STATUSES
from app.sandbox.call_audio import CallAudio
from app.sandbox.conversation import Beat, Message, scripted_messages
from app.sandbox.scenarios import Scenario


@dataclass(eq=False, slots=True)
class SimCall:
    provider: str
    id: str
    scenario: Scenario
    beats: tuple[Beat, ...]
    created_ms: int
    updated_ms: int
    customer_number: str
    customer_name: str | None
    phone_number_id: str
    assistant_id: str
    carrier_id: str
    direction: str
    org_id: str
    owner: str = "assistant"  # what a Vapi call runs on: transient | assistant | squad | workflow (call_factory.OWNERS)
    owner_id: str = ""  # the saved assistant's, squad's or workflow's id ("" for a transient assistant)
    realtime: bool = False  # a realtime (GPT-Live style) Vapi call: few commands, no listen socket
    status: str = "queued"
    started_ms: int | None = None
    ended_ms: int | None = None
    ended_reason: str | None = None
    analysis_ms: int | None = None  # when analysis and costs are ready
    name: str | None = None
    destination: dict[str, Any] | None = None
    live_messages: list[Message] | None = None  # None: the full script (history calls)
    audio: CallAudio | None = None  # None: rendered from the script on demand (history calls)
    controls: list[str] = field(default_factory=list)

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    @property
    def messages(self) -> list[Message]:
        if self.live_messages is None:
            return scripted_messages(self.scenario, self.beats, self.id)
        return sorted(self.live_messages, key=lambda m: m.start)

    @property
    def duration(self) -> float | None:
        if self.started_ms is None or self.ended_ms is None:
            return None
        return (self.ended_ms - self.started_ms) / 1000

    def analysis_ready(self, now_ms: int) -> bool:
        return self.analysis_ms is not None and now_ms >= self.analysis_ms
