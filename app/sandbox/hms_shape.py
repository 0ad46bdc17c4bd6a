"""A SimCall as an HMS Sovereign call: snake_case, plain statuses, messages without timestamps."""

from __future__ import annotations

from typing import Any

from app.sandbox.call_facts import Links, iso, sentiment
from app.sandbox.simcall import SimCall

BUSINESS_NUMBER = "+31201234567"
STATUS = {"queued": "connecting", "ringing": "connecting", "in-progress": "in-progress", "forwarding": "in-progress"}
END_REASON = {
    "customer-ended-call": "customer_hangup",
    "assistant-ended-call": "agent_hangup",
    "assistant-ended-call-after-message-spoken": "agent_hangup",
    "assistant-forwarded-call": "transferred",
    "voicemail": "voicemail",
    "silence-timed-out": "silence_timeout",
}


def hms_status(call: SimCall) -> str:
    if call.status == "ended":
        return call.scenario.hms_status if call.ended_reason == call.scenario.ended_reason else "ended"
    return STATUS.get(call.status, call.status)


def hms_call(call: SimCall, links: Links) -> dict[str, Any]:
    inbound = call.direction == "inbound"
    ready = call.analysis_ready(links.now_ms)
    analysis = call.scenario.analysis
    status = hms_status(call)
    return {
        "id": call.id,
        "caller_phone": call.customer_number if inbound else BUSINESS_NUMBER,
        "assistant_phone": BUSINESS_NUMBER if inbound else call.customer_number,
        "status": status,
        "direction": call.direction,
        "end_reason": END_REASON.get(call.ended_reason or "", call.ended_reason),
        "error": "no speech detected" if status == "failed" else None,
        "started_at": iso(call.started_ms) if call.started_ms is not None else None,
        "ended_at": iso(call.ended_ms) if call.ended_ms is not None else None,
        "duration_seconds": round(call.duration) if call.duration is not None else None,
        "summary": analysis["summary"] if ready else None,
        "analysis_result": {"summary": analysis["summary"], "sentiment": sentiment(call),
                            "success": analysis["successEvaluation"]} if ready else None,
        "messages": [{"role": "user" if m.role == "user" else "assistant", "content": m.text}
                     for m in call.messages if m.role in ("user", "bot")],
        "recording_url": links.recording_url(call, "mono") if call.ended_ms is not None else None,
        "agent_id": call.assistant_id,
        "agent_name": call.scenario.assistant,
        "business_name": call.scenario.assistant.split(" - ")[-1],
        "number_id": call.phone_number_id,
        "phone_number": BUSINESS_NUMBER,
        "room_name": f"room-{call.id[-12:]}",
        "transfer_destination": _destination(call.destination),
        "created_at": iso(call.created_ms),
        "updated_at": iso(call.updated_ms),
    }


def _destination(destination: dict[str, Any] | None) -> str | None:
    if not destination:
        return None
    return destination.get("number") or destination.get("sipUri")
