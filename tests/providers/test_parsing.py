"""Platform JSON -> Call for the documented, legacy, minimal and surprising payloads."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from app.domain import Call, CallStatus, Direction, Provider, TurnRole
from app.providers import hms_parse, vapi_parse
from app.providers.errors import BadResponseError
from tests.providers.payloads import (
    T0,
    body,
    hms_call,
    seed,
    vapi_call,
    vapi_legacy_call,
    voicebot_call,
)


def test_vapi_current_shape_maps_every_console_field():
    call = vapi_parse.parse_call(body(vapi_call(7)))
    assert (call.id, call.provider, call.name, call.status) == ("vapi-0007", Provider.VAPI, "Call 7", "ended")
    assert call.direction == Direction.INBOUND and call.call_type == "inboundPhoneCall"
    assert call.customer_number == "+15550000007" and call.customer_name == "Dana"
    assert (call.assistant_name, call.assistant_id) == ("Front desk", "asst-1")
    assert call.created_at == T0 and call.duration_seconds == 65.0
    assert call.cost_breakdown is not None and call.cost_breakdown.platform == 0.01
    assert call.cost_breakdown.llm_prompt_tokens == 900
    assert call.summary == "Customer 7 asked for a refund." and call.success_evaluation == "Pass"
    assert call.sentiment == 7.0 and call.structured_data == {"sentiment": 7, "topic": "refund"}
    assert call.recordings.stereo.endswith("vapi-0007-stereo.wav")
    assert call.recordings.mono.endswith("vapi-0007-mono.wav")
    assert call.recordings.customer.endswith("customer.wav") and call.recordings.assistant.endswith("assistant.wav")
    assert call.listen_url == "wss://phone.example/vapi-0007/listen"
    assert call.control_url == "https://phone.example/vapi-0007/control"
    assert call.raw["brandNewField"] == {"added": "2026"}


def test_vapi_turns_roles_times_and_tool_results_linked_by_id():
    turns = vapi_parse.parse_call(body(vapi_call(1))).turns
    assert [t.role for t in turns] == [
        TurnRole.SYSTEM, TurnRole.ASSISTANT, TurnRole.CUSTOMER, TurnRole.TOOL, TurnRole.ASSISTANT,
    ]
    bot, user, tool = turns[1], turns[2], turns[3]
    assert (bot.text, bot.start, bot.end) == ("Hello, how can I help?", 0.5, 2.0)
    assert (user.start, user.end) == (3.0, 4.5)
    assert tool.tool_name == "lookup_order" and tool.tool_arguments == '{"order": "A1"}'
    assert tool.tool_result == '{"status": "shipped"}' and tool.tool_call_id == "tc-1"


def test_vapi_legacy_top_level_fields_are_the_fallback():
    call = vapi_parse.parse_call(body(vapi_legacy_call()))
    assert call.summary == "Old summary" and call.direction == Direction.OUTBOUND
    assert call.ended_reason == "a-reason-from-the-future"
    assert call.recordings.mono == "https://storage.example/legacy-mono.wav"
    assert call.recordings.stereo == "https://storage.example/legacy-stereo.wav"
    # No secondsFromStart: epoch-ms time minus the call start.
    assert [(t.role, t.start, t.end) for t in call.turns] == [
        (TurnRole.ASSISTANT, 1.0, 2.5), (TurnRole.CUSTOMER, 4.0, None),
    ]


def test_vapi_transcript_only_payload_gives_untimed_turns():
    payload = {"id": "t", "transcript": "AI: Hello\nUser: Hi there\nstill me", "status": "ended"}
    turns = vapi_parse.parse_call(body(payload)).turns
    assert [(t.role, t.text, t.start) for t in turns] == [
        (TurnRole.ASSISTANT, "Hello", None), (TurnRole.CUSTOMER, "Hi there\nstill me", None),
    ]


def test_vapi_artifact_recording_urls_win_over_legacy():
    payload = vapi_legacy_call() | {"artifact": {"recordingUrl": "https://new/mono", "stereoRecordingUrl": "https://new/st"}}
    call = vapi_parse.parse_call(body(payload))
    assert (call.recordings.mono, call.recordings.stereo) == ("https://new/mono", "https://new/st")


def test_minimal_payloads_parse_with_nulls_everywhere():
    vapi = vapi_parse.parse_call(b'{"id":"x","orgId":null,"createdAt":null,"artifact":null,"analysis":null,'
                                 b'"monitor":null,"customer":null,"messages":null}')
    assert vapi.status == "unknown" and vapi.turns == () and vapi.created_at is None and vapi.listen_url is None
    hms = hms_parse.parse_call(b'{"id":"h","messages":null,"analysis_result":null,"status":null}')
    assert hms.sentiment is None and hms.turns == ()
    bot = vapi_parse.parse_call(b'{"id":"v"}', Provider.VOICEBOT)
    assert bot.provider == Provider.VOICEBOT


def test_unknown_values_are_kept_as_sent():
    payload = vapi_call(2) | {"status": "teleporting", "type": "hologramCall", "endedReason": "new-reason-2027"}
    call = vapi_parse.parse_call(body(payload))
    assert (call.status, call.call_type, call.direction) == ("teleporting", "hologramCall", None)
    assert call.ended_reason == "new-reason-2027"


def test_vapi_sentiment_only_when_numeric_and_evaluation_kept_as_string():
    payload = vapi_call(3)
    payload["analysis"] = {"structuredData": {"sentiment": "grumpy"}, "successEvaluation": "8"}
    call = vapi_parse.parse_call(body(payload))
    assert call.sentiment is None and call.success_evaluation == "8"
    payload["analysis"] = {"successEvaluation": True}
    assert vapi_parse.parse_call(body(payload)).success_evaluation == "true"


@pytest.mark.parametrize(("kind", "direction"), [
    ("inboundPhoneCall", "inbound"), ("outboundPhoneCall", "outbound"), ("webCall", "web"),
    ("vapi.websocketCall", "web"),
])
def test_vapi_direction_from_type(kind, direction):
    assert vapi_parse.parse_call(body({"id": "d", "type": kind})).direction == direction


def test_vapi_epoch_ms_created_at():
    call = vapi_parse.parse_call(body({"id": "e", "createdAt": 1772442000000}))
    assert call.created_at == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_seed_examples_parse():
    vapi = vapi_parse.parse_call(seed("vapi_call.json"))
    assert vapi.status == "queued" and vapi.ended_reason == "assistant-error" and vapi.cost == 123
    hms = hms_parse.parse_call(seed("hms_call.json"))
    assert hms.id == "call-_+31623731537_XqaQxRRgAzYc" and hms.customer_number == "+31623731537"
    assert hms.status == CallStatus.RINGING  # "connecting"
    assert hms.sentiment == 8.0 and hms.duration_seconds == 120
    assert [t.start for t in hms.turns] == [None, None]
    bot = vapi_parse.parse_call(seed("voicebot_call.json"), Provider.VOICEBOT)
    assert bot.turns[0].start == 123 and bot.raw["organizationId"] == "<string>"


def test_hms_field_variants_and_untimed_messages():
    odd, even = hms_parse.parse_call(body(hms_call(1))), hms_parse.parse_call(body(hms_call(2)))
    assert odd.assistant_name == even.assistant_name == "Receptionist"
    assert odd.raw["agent_phone"] == even.raw["assistant_phone"] == "+31850835037"
    assert [(t.role, t.start, t.end) for t in odd.turns] == [(TurnRole.ASSISTANT, None, None), (TurnRole.CUSTOMER, None, None)]
    assert odd.summary == "HMS call 1" and odd.recordings.mono == "https://rec.hms.example/1.mp3"


def test_hms_page_reports_count_and_total_and_skips_an_unreadable_call():
    page = {"calls": [hms_call(1), {"id": 5}, hms_call(2)], "pagination": {"total": 40, "limit": 3, "offset": 0}}
    calls, count, total = hms_parse.parse_page(body(page))
    assert [c.id for c in calls] == [hms_call(1)["id"], hms_call(2)["id"]]
    assert (count, total) == (3, 40)


def test_vapi_list_skips_one_unreadable_call_not_the_page():
    calls = vapi_parse.parse_calls(body([vapi_call(1), {"id": ["not", "a", "string"]}, vapi_call(2)]))
    assert [c.id for c in calls] == ["vapi-0001", "vapi-0002"]


def test_voicebot_shape():
    call = vapi_parse.parse_call(body(voicebot_call(4)), Provider.VOICEBOT)
    assert call.provider == Provider.VOICEBOT and call.direction == Direction.WEB
    assert call.summary == "VoiceBot call 4" and call.success_evaluation == "true"
    assert call.recordings.stereo == "https://vb.example/4-s.wav"


@pytest.mark.parametrize("content", [b"", b"not json", b"[]", b"{}", b'{"id": 1}', b"\xff\xfe", b'{"id":"a","createdAt":"x","created_at":"x"}'])
def test_malformed_single_call_raises_our_error(content):
    with pytest.raises(BadResponseError):
        vapi_parse.parse_call(content)
    with pytest.raises(BadResponseError):
        hms_parse.parse_call(content)


@pytest.mark.parametrize("content", [b"", b"{}", b'{"calls": 3}', b"[1,2", b'"calls"'])
def test_malformed_lists_raise_our_error(content):
    with pytest.raises(BadResponseError):
        vapi_parse.parse_calls(content)
    with pytest.raises(BadResponseError):
        hms_parse.parse_page(content)


def test_parsed_call_is_a_domain_call():
    assert isinstance(vapi_parse.parse_call(body(vapi_call(1))), Call)


def test_hms_page_keeps_its_neighbours_and_total_around_a_lone_surrogate_and_deep_nesting():
    tricky = hms_call(3) | {"summary": 'brackets ] } [ { and "quotes", \\ and commas, inside text'}
    calls = [json.dumps(hms_call(1)), json.dumps(hms_call(9) | {"summary": "X"}).replace('"X"', '"\\udc00"'),
             json.dumps(tricky), json.dumps(hms_call(8) | {"extra": "D"}).replace('"D"', "[" * 3000 + "]" * 3000)]
    page = '{"pagination": {"total": 40}, "calls": [' + ",".join(calls) + '], "tail": [1]}'
    parsed, count, total = hms_parse.parse_page(page.encode())
    assert [c.id for c in parsed] == [hms_call(1)["id"], hms_call(3)["id"]]
    assert parsed[1].summary == tricky["summary"] and (count, total) == (4, 40)
