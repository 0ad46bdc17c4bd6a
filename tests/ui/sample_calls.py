"""Realistic calls for widget tests and screenshots: a clinic booking line on three platforms."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from app.domain import Call, CallStatus, CostBreakdown, Provider, Recordings, Turn, TurnRole
from app.providers.vapi_parse import parse_call

STARTED = datetime(2026, 11, 21, 14, 2, 7, tzinfo=UTC)

CONVERSATION: tuple[Turn, ...] = (
    Turn(role=TurnRole.SYSTEM, text="You are Ava, the booking assistant of Lindenhof Dental. Be brief and kind.",
         start=0.0),
    Turn(role=TurnRole.ASSISTANT, text="Good afternoon, Lindenhof Dental, this is Ava. How can I help you today?",
         start=0.8, end=4.6),
    Turn(role=TurnRole.CUSTOMER, text="Hi, yes, I'd like to move my cleaning appointment next Tuesday. Something came up at work.",
         start=5.9, end=11.2),
    Turn(role=TurnRole.ASSISTANT, text="Of course. Can I have your date of birth so I can find your booking?",
         start=11.9, end=15.0),
    Turn(role=TurnRole.CUSTOMER, text="March fourth, nineteen eighty-seven.", start=16.4, end=18.9),
    Turn(role=TurnRole.TOOL, start=19.3, tool_name="find_booking", tool_call_id="call_8fQ2",
         tool_arguments=json.dumps({"date_of_birth": "1987-03-04", "phone": "+4915123456789"}),
         tool_result=json.dumps({"booking_id": "BK-20931", "patient": "Maria Keller",
                                 "slot": "2026-11-24T09:30", "treatment": "cleaning", "dentist": "Dr. Brandt"})),
    Turn(role=TurnRole.ASSISTANT, text="Thanks, Maria. I see your cleaning with Dr. Brandt on Tuesday at nine thirty. "
         "I have Thursday at eight fifteen or Friday at two in the afternoon. Would either of those work?",
         start=20.1, end=29.4),
    Turn(role=TurnRole.CUSTOMER, text="Friday at two is perfect.", start=30.8, end=32.3),
    Turn(role=TurnRole.TOOL, start=32.7, tool_name="move_booking", tool_call_id="call_9kL1",
         tool_arguments=json.dumps({"booking_id": "BK-20931", "new_slot": "2026-11-27T14:00"}),
         tool_result=json.dumps({"ok": True, "confirmation": "LD-77120"})),
    Turn(role=TurnRole.ASSISTANT, text="Done. You're booked for Friday the twenty-seventh at two p.m. "
         "You'll get a text with the confirmation number. Anything else?", start=33.5, end=40.2),
    Turn(role=TurnRole.CUSTOMER, text="No, that's all. Thank you!", start=41.0, end=42.4),
    Turn(role=TurnRole.ASSISTANT, text="You're welcome, Maria. Have a lovely day.", start=42.9, end=45.1),
)

STRUCTURED = {
    "intent": "reschedule",
    "booking": {"id": "BK-20931", "old_slot": "2026-11-24T09:30", "new_slot": "2026-11-27T14:00"},
    "patient_verified": True,
    "follow_ups": ["send SMS confirmation", "update recall list"],
}

COST = CostBreakdown(transport=0.0042, stt=0.0061, llm=0.0187, tts=0.0213, platform=0.0225, total=0.0728,
                     llm_prompt_tokens=4812, llm_completion_tokens=311, tts_characters=1286)


def _call(provider: Provider, call_id: str, status: str, turns: tuple[Turn, ...], **extra: object) -> Call:
    ended = status == CallStatus.ENDED
    return Call(
        id=call_id, provider=provider, status=status, direction="inbound", call_type="inboundPhoneCall",
        customer_number="+4915123456789", customer_name="Maria Keller", assistant_name="Ava – bookings",
        created_at=STARTED - timedelta(seconds=3), started_at=STARTED,
        ended_at=STARTED + timedelta(seconds=46) if ended else None,
        duration_seconds=46.0 if ended else None,
        recordings=Recordings(stereo=f"https://storage.example/{call_id}.wav") if ended else Recordings(),
        control_url=None if ended else f"https://aws-us-west-2-production1-phone-call-websocket.vapi.ai/{call_id}/control",
        turns=turns, **extra,  # type: ignore[arg-type]
    )


def live_call(provider: Provider = Provider.VAPI, turns: int = 7, call_id: str = "c-live-1") -> Call:
    return _call(provider, call_id, CallStatus.IN_PROGRESS, CONVERSATION[:turns])


def ended_call(call_id: str = "c-ended-1", provider: Provider = Provider.VAPI) -> Call:
    """An ended call with its full analysis and cost."""
    return _call(
        provider, call_id, CallStatus.ENDED, CONVERSATION, ended_reason="customer-ended-call", cost=COST.total,
        cost_breakdown=COST, success_evaluation="true", sentiment=0.62, structured_data=STRUCTURED,
        summary="Maria Keller moved her cleaning with Dr. Brandt from Tuesday 24 Nov 09:30 to Friday "
                "27 Nov 14:00 (confirmation LD-77120). Identity checked by date of birth; no other requests.",
    )


def pending_call(call_id: str = "c-ended-2") -> Call:
    """Just ended: cost known, analysis not written yet."""
    return _call(Provider.VAPI, call_id, CallStatus.ENDED, CONVERSATION, ended_reason="assistant-ended-call",
                 cost=COST.total, cost_breakdown=COST)


def long_call(turns: int, call_id: str = "c-long-1", live: bool = True) -> Call:
    """An hour-long call: the conversation over and over, with times running on."""
    many = tuple(
        CONVERSATION[i % len(CONVERSATION)].model_copy(update={"start": 50.0 * (i // len(CONVERSATION))
                                                               + (CONVERSATION[i % len(CONVERSATION)].start or 0.0)})
        for i in range(turns)
    )
    return _call(Provider.VAPI, call_id, CallStatus.IN_PROGRESS if live else CallStatus.ENDED, many)


NEWER_REPORT = {
    "endedMessage": "The phone provider closed the audio connection unexpectedly.",
    "analysis": {"structuredDataMulti": [
        {"key": "outcome", "structuredData": {"intent": "reschedule", "resolved": True}},
        {"customer": {"sentiment": 8, "scale": "0-10"}},  # the spec types the entries only as objects
    ]},
    "artifact": {
        "structuredOutputs": {
            "5f0c-csat": {"name": "CSAT", "result": 4},
            "9a1e-objective": {"name": "Call objective achieved", "result": True},
        },
        "scorecards": {"c2d4-quality": {"name": "Call quality", "score": 70, "scoreNormalized": 88,
                                        "metricPoints": {"9a1e-objective": 50, "5f0c-csat": 20}}},
        "transfers": [{"destination": {"type": "number", "number": "+4930123456"}, "mode": "warm-transfer-say-summary",
                       "status": "completed", "transcript": "Agent: Hello, Maria? I have your booking here."}],
        "performanceMetrics": {
            "turnLatencies": [{"turnLatency": 820.0, "modelLatency": 300.0}, {"turnLatency": 1240.0},
                              {"turnLatency": 910.0}],
            "turnLatencyAverage": 990.0, "modelLatencyAverage": 350.0, "voiceLatencyAverage": 190.0,
            "transcriberLatencyAverage": 140.0, "endpointingLatencyAverage": 310.0,
            "numUserInterrupted": 1, "numAssistantInterrupted": 2,
        },
    },
    "costs": [
        {"type": "transport", "provider": "twilio", "minutes": 0.77, "cost": 0.0042},
        {"type": "transcriber", "transcriber": {"provider": "deepgram", "model": "nova-2"}, "minutes": 0.77,
         "cost": 0.0061},
        {"type": "model", "model": {"provider": "openai", "model": "gpt-4o"}, "promptTokens": 4812,
         "completionTokens": 311, "cost": 0.0187},
        {"type": "voice", "voice": {"provider": "11labs", "voiceId": "burt"}, "characters": 1286, "cost": 0.0213},
        {"type": "vapi", "subType": "normal", "minutes": 0.77, "cost": 0.0225},
    ],
}


NEWER_FIELDS = ("ended_message", "structured_outputs", "scorecards", "structured_data_multi", "transfers",
                "performance", "costs")


def reported_call(call_id: str = "c-ended-3") -> Call:
    """An ended call with the newer report fields (Vapi 2025: outputs, scorecards, transfers, latency, costs),
    read by the Vapi parser from the payload the platform sends."""
    payload = {"id": call_id, "orgId": "org", "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z",
               **NEWER_REPORT}
    parsed = parse_call(json.dumps(payload).encode())
    return ended_call(call_id).model_copy(update={"ended_reason": "phone-call-provider-closed-websocket",
                                                  "raw": NEWER_REPORT,
                                                  **{name: getattr(parsed, name) for name in NEWER_FIELDS}})
