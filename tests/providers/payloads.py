"""Call payloads in each platform's documented shape (BRIEF.md), for the provider and CLI tests."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

SEEDS = Path(__file__).parent / "seeds"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def seed(name: str) -> bytes:
    """A call object copied verbatim from the platform documents in shared/seeds."""
    return (SEEDS / name).read_bytes()


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def vapi_call(number: int, created: datetime = T0, *, status: str = "ended", control_base: str | None = None) -> dict[str, Any]:
    """A current-shape Vapi call: artifact, analysis, monitor, tool calls, plus a field we do not know."""
    started = created + timedelta(seconds=2)
    call_id = f"vapi-{number:04d}"
    return {
        "id": call_id,
        "orgId": "org-1",
        "type": "inboundPhoneCall",
        "status": status,
        "endedReason": "customer-ended-call" if status == "ended" else None,
        "createdAt": iso(created),
        "updatedAt": iso(created + timedelta(minutes=2)),
        "startedAt": iso(started),
        "endedAt": iso(started + timedelta(seconds=65)) if status == "ended" else None,
        "name": f"Call {number}",
        "cost": 0.12,
        "costBreakdown": {"transport": 0.01, "stt": 0.02, "llm": 0.05, "tts": 0.03, "vapi": 0.01, "total": 0.12,
                          "llmPromptTokens": 900, "llmCompletionTokens": 80, "ttsCharacters": 300, "chat": 0},
        "customer": {"number": f"+1555000{number:04d}", "name": "Dana"},
        "assistantId": "asst-1",
        "assistant": {"name": "Front desk", "model": {"provider": "openai"}},
        "analysis": {"summary": f"Customer {number} asked for a refund.",
                     "structuredData": {"sentiment": 7, "topic": "refund"}, "successEvaluation": "Pass"},
        "artifact": {
            "messages": [
                {"role": "system", "message": "You are a front desk.", "time": ms(started), "secondsFromStart": 0},
                {"role": "bot", "message": "Hello, how can I help?", "time": ms(started) + 500,
                 "endTime": ms(started) + 2000, "secondsFromStart": 0.5, "duration": 1500, "source": ""},
                {"role": "user", "message": "I want a refund.", "time": ms(started) + 3000,
                 "endTime": ms(started) + 4500, "secondsFromStart": 3.0, "duration": 1500},
                {"role": "tool_calls", "time": ms(started) + 5000, "secondsFromStart": 5.0,
                 "toolCalls": [{"id": "tc-1", "type": "function",
                                "function": {"name": "lookup_order", "arguments": "{\"order\": \"A1\"}"}}]},
                {"role": "tool_call_result", "toolCallId": "tc-1", "name": "lookup_order",
                 "result": "{\"status\": \"shipped\"}", "time": ms(started) + 5600, "secondsFromStart": 5.6},
                {"role": "assistant", "message": "Your order has shipped.", "time": ms(started) + 6000,
                 "endTime": ms(started) + 7000, "secondsFromStart": 6.0},
            ],
            "transcript": "AI: Hello, how can I help?\nUser: I want a refund.",
            "recording": {"stereoUrl": f"https://storage.example/{call_id}-stereo.wav",
                          "mono": {"combinedUrl": f"https://storage.example/{call_id}-mono.wav",
                                   "assistantUrl": f"https://storage.example/{call_id}-assistant.wav",
                                   "customerUrl": f"https://storage.example/{call_id}-customer.wav"}},
            "nodes": [],
        },
        "monitor": {"listenUrl": f"wss://phone.example/{call_id}/listen",
                    "controlUrl": f"{control_base or 'https://phone.example'}/{call_id}/control"},
        "brandNewField": {"added": "2026"},
    }


def vapi_legacy_call() -> dict[str, Any]:
    """A 2024-era payload: top-level messages/transcript/recordings/summary, no artifact/analysis."""
    started = T0
    return {
        "id": "legacy-1", "orgId": "org-1", "createdAt": iso(T0), "updatedAt": iso(T0),
        "type": "outboundPhoneCall", "status": "ended", "endedReason": "a-reason-from-the-future",
        "startedAt": iso(started), "endedAt": iso(started + timedelta(seconds=30)),
        "messages": [
            {"role": "bot", "message": "Hi, this is Sam.", "time": ms(started) + 1000, "endTime": ms(started) + 2500},
            {"role": "user", "message": "Hello?", "time": ms(started) + 4000},
        ],
        "transcript": "AI: Hi, this is Sam.\nUser: Hello?",
        "recordingUrl": "https://storage.example/legacy-mono.wav",
        "stereoRecordingUrl": "https://storage.example/legacy-stereo.wav",
        "summary": "Old summary",
    }


def hms_call(number: int, created: datetime = T0, *, status: str = "ended") -> dict[str, Any]:
    started = created + timedelta(seconds=1)
    return {
        "id": f"call-_+3162373{number:04d}_XqaQx{number:04d}",
        "caller_phone": f"+3162373{number:04d}",
        "agent_phone" if number % 2 else "assistant_phone": "+31850835037",
        "status": status,
        "direction": "inbound",
        "end_reason": "customer-hangup" if status == "ended" else None,
        "started_at": iso(started),
        "ended_at": iso(started + timedelta(seconds=120)) if status == "ended" else None,
        "duration_seconds": 120 if status == "ended" else None,
        "summary": None,
        "analysis_result": {"summary": f"HMS call {number}", "sentiment": 8},
        "messages": [{"role": "assistant", "content": "Hello, how can I help you?"},
                     {"role": "user", "content": "Hi, can you hear me?"}],
        "recording_url": f"https://rec.hms.example/{number}.mp3",
        "agent_id": "2b1e3b65",
        "agent_name" if number % 2 else "assistant_name": "Receptionist",
        "business_name": "Acme",
        "room_name": f"room-{number}",
        "created_at": iso(created),
        "updated_at": iso(created + timedelta(minutes=3)),
    }


def voicebot_call(number: int, created: datetime = T0) -> dict[str, Any]:
    started = created + timedelta(seconds=1)
    return {
        "id": f"vb-{number:04d}", "type": "webCall", "status": "ended", "endedReason": "hangup",
        "organizationId": "org-9", "createdAt": iso(created), "updatedAt": iso(created), "startedAt": iso(started),
        "endedAt": iso(started + timedelta(seconds=40)), "name": None,
        "messages": [{"role": "bot", "message": "Welcome!", "time": ms(started), "endTime": ms(started) + 900,
                      "secondsFromStart": 0, "duration": 900, "source": "tts"},
                     {"role": "user", "message": "Thanks", "time": ms(started) + 2000}],
        "transcript": "AI: Welcome!\nUser: Thanks", "summary": None,
        "analysis": {"summary": f"VoiceBot call {number}", "successEvaluation": "true"},
        "recordingUrl": f"https://vb.example/{number}.wav", "stereoRecordingUrl": f"https://vb.example/{number}-s.wav",
        "assistantId": "a-1", "customer": {}, "transport": {},
    }


def body(value: Any) -> bytes:
    return json.dumps(value).encode()
