"""Facts every platform reports in its own words: times, transcript text, costs, recording links."""

from __future__ import annotations

import hashlib
import hmac
import time
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.sandbox.conversation import Message
from app.sandbox.simcall import SimCall

RECORDING_KINDS = ("mono", "stereo", "customer", "assistant")
RECORDING_TTL_SECONDS = 3600


def iso(ms: int) -> str:
    t = time.gmtime(ms // 1000)
    return f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}.{ms % 1000:03d}Z"


def parse_iso(text: str) -> int:
    """ISO 8601 (Z or offset, any precision) to epoch ms; naive times are UTC. Raises ValueError."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace(" ", "+"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(round(moment.timestamp() * 1000))


def transcript(messages: list[Message]) -> str:
    speakers = {"bot": "AI", "user": "User"}
    return "\n".join(f"{speakers[m.role]}: {m.text}" for m in messages if m.role in speakers)


def sentiment(call: SimCall) -> int:
    return int(call.scenario.analysis.get("sentiment", 5))


def cost_breakdown(call: SimCall, messages: list[Message]) -> dict[str, Any]:
    """A plausible per-component bill (USD) from the call length and what the assistant said."""
    minutes = (call.duration or 0.0) / 60
    spoken = sum(len(m.text) for m in messages if m.role == "bot")
    turns = sum(1 for m in messages if m.role in ("bot", "user"))
    prompt_tokens, completion_tokens = 420 * max(turns, 1), 28 * max(turns // 2, 1)
    analysis = {
        "summary": 0.0003, "summaryPromptTokens": 610, "summaryCompletionTokens": 64,
        "structuredData": 0.0002, "structuredDataPromptTokens": 640, "structuredDataCompletionTokens": 40,
        "successEvaluation": 0.0002, "successEvaluationPromptTokens": 650, "successEvaluationCompletionTokens": 4,
    }
    parts = {
        "transport": round(minutes * 0.008, 4),
        "stt": round(minutes * 0.01, 4),
        "llm": round(prompt_tokens * 2.5e-6 + completion_tokens * 1e-5, 4),
        "tts": round(spoken * 3e-5, 4),
        "vapi": round(minutes * 0.05, 4),
    }
    total = round(sum(parts.values()) + 0.0007, 4)
    return {**parts, "chat": 0, "total": total, "llmPromptTokens": prompt_tokens,
            "llmCompletionTokens": completion_tokens, "ttsCharacters": spoken, "analysisCostBreakdown": analysis}


@dataclass(frozen=True)
class Links:
    """URLs a response points at, on the host the client used, with recording links signed like presigned URLs."""

    base: str  # http://host:port of the API
    secret: str
    now_ms: int
    expires: int = 0  # unix seconds (wall clock, like a real signed URL) when recording links stop working
    monitor: tuple[str, ...] = ()  # origins of the monitor URLs (Vapi's per-call hosts); none = the API's
    storage: str = ""  # origin of the signed recording files (like a storage bucket); "" = the API's

    def _monitor(self, call: SimCall) -> str:
        """The call's monitor host: one of several, the same for the call's whole life."""
        return self.monitor[zlib.crc32(call.id.encode()) % len(self.monitor)] if self.monitor else self.base

    def listen_url(self, call: SimCall) -> str:
        return self._monitor(call).replace("http", "ws", 1) + f"/vapi-monitor/{call.id}/listen"

    def control_url(self, call: SimCall) -> str:
        return f"{self._monitor(call)}/vapi-monitor/{call.id}/control"

    def recording_url(self, call: SimCall, kind: str) -> str:
        path = f"/recordings/{call.provider}/{call.id}/{kind}.wav"
        signature = sign(self.secret, path, self.expires)
        return f"{self.storage or self.base}{path}?expires={self.expires}&signature={signature}"

    @property
    def expires_iso(self) -> str:
        return iso(self.expires * 1000)


def sign(secret: str, path: str, expires: int) -> str:
    return hmac.new(secret.encode(), f"{path}|{expires}".encode(), hashlib.sha256).hexdigest()[:32]
