"""Webhook intake: verified or refused with nothing stored, quick answers, duplicates dropped, normalised."""

from __future__ import annotations

import json
import time

from app.domain import Call, Provider, Turn, TurnRole
from app.hub.events import normalise
from tests.hub.conftest import vapi_call


async def test_a_status_update_becomes_a_call_event_with_the_new_status(hub):
    response = await hub.post_vapi({"type": "status-update", "status": "ringing", "call": vapi_call(status="queued")})
    assert response.status == 200
    [event] = await hub.stored()
    assert event["kind"] == "call" and event["change"] == "status-update" and event["source"] == "vapi"
    call = call_of(event)
    assert (call.id, call.status, call.customer_number) == ("call-1", "ringing", "+15550001")


async def test_a_forged_or_unsigned_webhook_is_refused_and_nothing_is_stored(hub):
    message = {"type": "status-update", "status": "ended", "call": vapi_call()}
    assert (await hub.post_vapi(message, secret="guessed")).status == 401
    body = json.dumps({"message": message}).encode()
    assert (await hub.post("vapi", body, {})).status == 401
    assert (await hub.post("hms", body, {"X-Webhook-Signature": "sha256=00", "X-Webhook-Timestamp": "1"})).status == 401
    assert await hub.stored() == []


async def test_a_replayed_webhook_outside_the_window_is_refused(hub):
    stale = time.time() - 3600
    assert (await hub.post_vapi({"type": "status-update", "status": "ended", "call": vapi_call()}, now=stale)).status == 401
    assert (await hub.post_hms({"type": "status-update", "call": {"id": "h1", "status": "ended"}}, now=stale)).status == 401
    assert await hub.stored() == []


async def test_a_duplicate_delivery_is_dropped(hub):
    message = {"type": "transcript", "role": "user", "transcriptType": "final", "transcript": "Hello",
               "call": vapi_call()}
    body = json.dumps({"message": message}).encode()
    for _ in range(3):
        assert (await hub.post_vapi(message, body=body)).status == 200
    [event] = await hub.stored()
    assert event["kind"] == "turn" and not event["partial"]
    assert turn_of(event).role is TurnRole.CUSTOMER and turn_of(event).text == "Hello"


async def test_requests_that_wait_for_an_answer_get_an_empty_200_at_once(hub):
    for kind in ("assistant-request", "transfer-destination-request", "tool-calls"):
        body = json.dumps({"message": {"type": kind, "call": vapi_call()}}).encode()
        started = time.perf_counter()
        answer = await hub.post_vapi({}, body=body)
        assert (answer.status, json.loads(answer.body)) == (200, {})
        assert time.perf_counter() - started < 0.5
    assert await hub.stored() == []


async def test_an_end_of_call_report_carries_the_analysis_and_the_transcript(hub):
    message = {
        "type": "end-of-call-report", "endedReason": "customer-ended-call", "call": vapi_call(),
        "analysis": {"summary": "Booked a table", "successEvaluation": "true"},
        "artifact": {"messages": [{"role": "bot", "message": "Hi", "secondsFromStart": 0.5},
                                  {"role": "user", "message": "A table please", "secondsFromStart": 2.0}]},
    }
    assert (await hub.post_vapi(message)).status == 200
    call = call_of((await hub.stored())[0])
    assert call.status == "ended" and call.ended_reason == "customer-ended-call"
    assert call.summary == "Booked a table" and [t.text for t in call.turns] == ["Hi", "A table please"]


def test_an_end_of_call_reports_bill_is_read_from_the_specs_fields():
    """ServerMessageEndOfCallReport carries `cost` and `costs[]`; it has no `costBreakdown`."""
    message = {"type": "end-of-call-report", "endedReason": "customer-ended-call", "call": vapi_call(),
               "artifact": {}, "analysis": {}, "cost": 0.42,
               "costs": [{"type": "vapi", "subType": "normal", "minutes": 1.5, "cost": 0.07}]}
    [event] = normalise(Provider.VAPI, "vapi", message)
    call = call_of(event)
    assert call.cost == 0.42 and [(c.kind, c.cost) for c in call.costs] == [("vapi", 0.07)]


async def test_an_hms_webhook_is_read_with_the_hms_parser(hub):
    message = {"type": "status-update", "timestamp": 1, "call": {"id": "call-_+3161", "status": "connecting",
                                                                 "caller_phone": "+3161", "agent_name": "Desk"}}
    assert (await hub.post_hms(message)).status == 200
    call = call_of((await hub.stored())[0])
    assert (call.provider.value, call.status, call.assistant_name) == ("hms", "ringing", "Desk")


async def test_one_unreadable_call_is_skipped_without_an_error(hub):
    message = {"type": "status-update", "status": "ringing", "call": {**vapi_call(), "createdAt": "not a time"}}
    assert (await hub.post_vapi(message)).status == 200
    assert (await hub.post_vapi({**message, "call": vapi_call("call-2")})).status == 200
    assert [event["call_id"] for event in await hub.stored()] == ["call-2"]


async def test_a_body_that_is_no_server_message_is_a_400(hub):
    assert (await hub.post_vapi({}, body=b"[1, 2]")).status == 400
    assert (await hub.post_vapi({}, body=b"not json")).status == 400


def call_of(event: dict) -> Call:
    return Call.model_validate(event["call"])


def turn_of(event: dict) -> Turn:
    return Turn.model_validate(event["turn"])
