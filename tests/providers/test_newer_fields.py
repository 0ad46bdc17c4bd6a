"""Vapi's newer call fields (spec shapes), names behind ids, and the realtime call kind, into the domain."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from app.domain import Provider
from app.providers.errors import NotFoundError
from app.providers.vapi_parse import parse_call, parse_calls
from tests.providers.mock_platform import ScriptedPlatform, answer

ENDED = {
    "id": "call-new", "type": "outboundPhoneCall", "status": "ended", "endedReason": "pipeline-error-openai-llm-failed",
    "endedMessage": "The model provider answered 500 three times.",
    "createdAt": "2026-11-21T12:00:00Z", "updatedAt": "2026-11-21T12:05:00Z",
    "squadId": "sq-1", "workflowId": "wf-9",
    "analysis": {"structuredDataMulti": [{"name": "booking", "result": {"date": "2026-11-30"}}, "not an object"]},
    "artifact": {
        "structuredOutputs": {"so-1": {"name": "Refund asked", "result": True}},
        "scorecards": {"sc-1": {"name": "Politeness", "score": 80, "metrics": []}},
        "transfers": [
            {"destination": {"type": "number", "number": "+3120000000"}, "mode": "warm-transfer-say-summary",
             "status": "completed", "transcript": "Agent: hello"},
            {"destination": {"type": "sip", "sipUri": "sip:desk@example.com"}, "status": "no-answer"},
            {"mode": "blind-transfer"},
            "junk",
        ],
        "performanceMetrics": {"turnLatencies": [{"turnLatency": 900, "modelLatency": 400}, {"turnLatency": "x"}],
                               "turnLatencyAverage": 850.5, "modelLatencyAverage": 390, "voiceLatencyAverage": 200,
                               "transcriberLatencyAverage": 150, "endpointingLatencyAverage": 100,
                               "numUserInterrupted": 2, "numAssistantInterrupted": 1},
    },
    "costs": [
        {"type": "transport", "provider": "twilio", "minutes": 5, "cost": 0.04},
        {"type": "model", "model": {"provider": "openai", "model": "gpt-4o"}, "promptTokens": 1200,
         "completionTokens": 300, "cost": 0.02},
        {"type": "voice", "voice": {"provider": "11labs", "voiceId": "x"}, "characters": 900, "cost": 0.03},
        {"type": "vapi", "subType": "normal", "minutes": 5, "cost": 0.25},
        {"cost": "lots"},
    ],
}


def test_the_newer_fields_reach_the_domain():
    call = parse_call(json.dumps(ENDED).encode())
    assert call.ended_message == "The model provider answered 500 three times."
    assert call.squad_id == "sq-1" and call.workflow_id == "wf-9"
    assert call.structured_outputs == {"so-1": {"name": "Refund asked", "result": True}}
    assert call.scorecards == {"sc-1": {"name": "Politeness", "score": 80, "metrics": []}}
    assert call.structured_data_multi == ({"name": "booking", "result": {"date": "2026-11-30"}},)
    assert [(t.destination, t.mode, t.status) for t in call.transfers] == [
        ("+3120000000", "warm-transfer-say-summary", "completed"),
        ("sip:desk@example.com", None, "no-answer"),
        (None, "blind-transfer", None),
    ]
    assert call.transfers[0].transcript == "Agent: hello"
    metrics = call.performance
    assert metrics is not None
    assert (metrics.turn_latency_average, metrics.model_latency_average) == (850.5, 390)
    assert metrics.turn_latencies == (900.0,)
    assert (metrics.user_interruptions, metrics.assistant_interruptions) == (2, 1)
    assert [(c.kind, c.cost, c.detail) for c in call.costs] == [
        ("transport", 0.04, "twilio"), ("model", 0.02, "openai gpt-4o"), ("voice", 0.03, "11labs"),
        ("vapi", 0.25, None),
    ]
    assert call.costs[1].prompt_tokens == 1200 and call.costs[2].characters == 900 and call.costs[0].minutes == 5
    assert call.has_analysis  # the poller stops re-reading it


def test_any_one_newer_field_counts_as_analysed():
    base = {"id": "c", "status": "ended"}
    assert not parse_call(json.dumps(base).encode()).has_analysis
    for extra in ({"endedMessage": "x"}, {"costs": [{"type": "vapi", "cost": 0.1}]},
                  {"artifact": {"scorecards": {"a": {}}}}, {"artifact": {"structuredOutputs": {"a": {}}}},
                  {"artifact": {"transfers": [{"status": "completed"}]}},
                  {"artifact": {"performanceMetrics": {"turnLatencyAverage": 1}}},
                  {"analysis": {"structuredDataMulti": [{"a": 1}]}}):
        assert parse_call(json.dumps({**base, **extra}).encode()).has_analysis, extra


def test_wrongly_typed_newer_fields_are_dropped_not_the_call():
    hostile = {"id": "c", "status": "ended", "endedMessage": 5, "costs": "free",
               "artifact": {"structuredOutputs": [1], "scorecards": "x", "transfers": {"a": 1},
                            "performanceMetrics": [1]},
               "analysis": {"structuredDataMulti": {"a": 1}}}
    [call] = parse_calls(json.dumps([hostile]).encode())
    assert call.ended_message is None and call.costs == () and call.transfers == ()
    assert call.structured_outputs is None and call.scorecards is None and call.performance is None
    assert call.structured_data_multi == ()


def test_presigned_recording_links_reach_the_domain_and_odd_ones_are_dropped():
    artifact = {"presignedStereoUrl": "https://storage.example/s.wav?sig=1", "presignedMonoUrl": "file:///etc/passwd",
                "presignedCustomerUrl": 7, "presignedAssistantUrl": "http://storage.example/a.wav",
                "presignedUrlsExpiresAt": "2026-11-21T13:00:00Z"}
    links = parse_call(json.dumps({"id": "c", "status": "ended", "artifact": artifact}).encode()).recordings.presigned
    assert (links.stereo, links.mono, links.customer, links.assistant) == (
        "https://storage.example/s.wav?sig=1", None, None, "http://storage.example/a.wav")
    assert links.expires_at == datetime(2026, 11, 21, 13, tzinfo=UTC)
    odd = {"id": "c", "artifact": {"presignedStereoUrl": "https://x/s.wav", "presignedUrlsExpiresAt": "soon"}}
    assert parse_call(json.dumps(odd).encode()).recordings.presigned.expires_at is None


def test_a_realtime_call_is_known_by_its_model():
    realtime = {"id": "rt", "status": "in-progress", "assistantId": "as-1",
                "assistantOverrides": {"model": {"provider": "openai", "model": "gpt-realtime-2025-08-28"}},
                "monitor": {"controlUrl": "https://m.example/control"}}
    assert parse_call(json.dumps(realtime).encode()).realtime
    transient = {"id": "t", "status": "in-progress", "assistant": {"name": "Ava", "model": {"model": "gpt-4o-realtime-preview-2024-12-17"}}}
    assert parse_call(json.dumps(transient).encode()).realtime
    assert not parse_call(json.dumps({"id": "c", "assistant": {"model": {"model": "gpt-4o"}}}).encode()).realtime
    assert not parse_call(json.dumps({"id": "c", "assistantOverrides": {"model": "odd"}}).encode()).realtime


def test_voicebot_reads_the_same_fields():
    call = parse_call(json.dumps({"id": "v", "endedMessage": "bye"}).encode(), Provider.VOICEBOT)
    assert call.ended_message == "bye"


async def test_vapi_reads_a_name_by_id_and_keeps_only_the_name():
    def route(request):
        if request.url.path.endswith("/assistant/as-1"):
            return answer(200, {"id": "as-1", "name": "  Front desk  ", "model": {"model": "gpt-4o"}})
        if request.url.path.endswith("/squad/sq%2F1") or request.url.path.endswith("/squad/sq/1"):
            return answer(200, {"id": "sq/1", "name": "N" * 2000})
        return answer(404, {"statusCode": 404, "message": "Not Found"})

    platform = ScriptedPlatform(route)
    client = platform.client(Provider.VAPI)
    assert await client.read_name("assistant", "as-1") == "Front desk"
    assert len(await client.read_name("squad", "sq/1")) == 500  # a label, bounded
    with pytest.raises(NotFoundError):
        await client.read_name("workflow", "wf-9")
    assert [r.url.raw_path.decode() for r in platform.requests][0].endswith("/assistant/as-1")
    assert platform.client(Provider.HMS) and await platform.client(Provider.HMS).read_name("assistant", "x") is None
