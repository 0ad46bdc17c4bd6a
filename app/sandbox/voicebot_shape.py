"""A SimCall as a VoiceBot Studio call: Vapi-like camelCase, every field but id nullable and present."""

from __future__ import annotations

from typing import Any

from app.sandbox.call_facts import Links, iso, transcript
from app.sandbox.simcall import SimCall
from app.sandbox.vapi_shape import message_json


def voicebot_call(call: SimCall, links: Links) -> dict[str, Any]:
    ready = call.analysis_ready(links.now_ms)
    ended = call.ended_ms is not None
    messages = call.messages  # none until answered
    analysis = call.scenario.analysis
    return {
        "id": call.id,
        "type": "outboundPhoneCall" if call.direction == "outbound" else "inboundPhoneCall",
        "name": call.name,
        "messages": [message_json(m, call.started_ms or 0) for m in messages if m.role in ("user", "bot", "system")],
        "phoneCallProvider": "twilio",
        "phoneCallTransport": "pstn",
        "status": call.status,
        "endedReason": call.ended_reason,
        "orgId": call.org_id,
        "organizationId": call.org_id,
        "createdAt": iso(call.created_ms),
        "updatedAt": iso(call.updated_ms),
        "startedAt": iso(call.started_ms) if call.started_ms is not None else None,
        "endedAt": iso(call.ended_ms) if call.ended_ms is not None else None,
        "analysis": {"summary": analysis["summary"], "successEvaluation": analysis["successEvaluation"]} if ready else None,
        "phoneCallProviderId": call.carrier_id,
        "assistantId": call.assistant_id,
        "phoneNumberId": call.phone_number_id,
        "customer": {"number": call.customer_number, "name": call.customer_name},
        "transcript": transcript(messages) if messages else None,
        "recordingUrl": links.recording_url(call, "mono") if ended else None,
        "stereoRecordingUrl": links.recording_url(call, "stereo") if ended else None,
        "summary": analysis["summary"] if ready else None,
        "transport": {"provider": "twilio"},
    }
