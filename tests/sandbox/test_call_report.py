"""The newer report fields of ended Vapi calls: present, in the spec's shapes, and every call still a valid `Call`."""

from __future__ import annotations

import dataclasses

from app.domain import Provider
from app.sandbox.call_facts import Links
from app.sandbox.call_report import MAX_POINTS
from app.sandbox.vapi_shape import vapi_call
from tests.sandbox.helpers import client
from tests.sandbox.vapi_schema import call_errors, validator

COST_SCHEMAS = {"transport": "TransportCost", "transcriber": "TranscriberCost", "model": "ModelCost",
                "voice": "VoiceCost", "vapi": "VapiCost", "analysis": "AnalysisCost"}


def test_analysed_calls_carry_the_newer_fields(sandbox_factory) -> None:
    sandbox = sandbox_factory(live=0, history=40)
    with client(sandbox, Provider.VAPI) as api:
        calls = api.get("/call", params={"limit": 1000}).json()
    for call in calls:
        assert call_errors(call) == [], call["id"]
        artifact, analysis = call["artifact"], call["analysis"]
        outputs = artifact["structuredOutputs"]  # by id, each a StructuredOutputRunResult
        assert {o["name"] for o in outputs.values()} == {"CSAT", "Call objective achieved", "Intent"}
        assert all(validator("StructuredOutputRunResult").is_valid(o) for o in outputs.values())
        # The scorecard quickstart's shape: points by structured output id, the score normalised to 100.
        card = next(iter(artifact["scorecards"].values()))
        assert set(card) == {"name", "score", "scoreNormalized", "metricPoints"} and set(card["metricPoints"]) <= set(outputs)
        assert card["score"] == sum(card["metricPoints"].values())
        assert card["scoreNormalized"] == -(-card["score"] * 100 // MAX_POINTS)  # ceil(score / maxPoints * 100)
        # One entry per StructuredDataMultiPlan, named by its `key`.
        assert [(set(d), d["key"]) for d in analysis["structuredDataMulti"]] == [
            ({"key", "structuredData"}, "outcome"), ({"key", "structuredData"}, "customer")]
        turns = artifact["performanceMetrics"]["turnLatencies"]
        assert all(t["turnLatency"] > 0 for t in turns)
        assert [validator("TurnLatency").is_valid(t) for t in turns] == [True] * len(turns)
        kinds = {c["type"] for c in call["costs"]}
        assert kinds == set(COST_SCHEMAS)
        for item in call["costs"]:
            assert [e.message for e in validator(COST_SCHEMAS[item["type"]]).iter_errors(item)] == []
        assert round(sum(c["cost"] for c in call["costs"] if c["type"] != "analysis"), 4) <= call["cost"]
    answered = [c for c in calls if any(m["role"] == "user" for m in c["artifact"]["messages"])]
    assert answered and all(c["artifact"]["performanceMetrics"]["turnLatencies"] for c in answered)
    forwarded = [c for c in calls if c["endedReason"] == "assistant-forwarded-call"]
    assert forwarded and all(c["artifact"]["transfers"] == [{"destination": c["destination"], "mode": "blind-transfer",
                                                             "status": "completed"}] for c in forwarded)
    assert all("transfers" not in c["artifact"] for c in calls if "destination" not in c)
    assert all("endedMessage" not in c for c in calls if c["endedReason"] == "customer-ended-call")


def test_error_endings_carry_an_ended_message(sandbox_factory) -> None:
    sandbox = sandbox_factory(live=0, history=5)
    world = sandbox.server.state.world
    call = next(iter(world.books[Provider.VAPI].calls.values()))
    links = Links("http://127.0.0.1:1", "secret", world.now_ms())
    for reason, expected in (("pipeline-error-openai-llm-failed", "OpenAI returned 500"),
                             ("call.in-progress.error-sip-outbound-call-failed-to-connect", "error"),
                             ("customer-ended-call", None)):
        body = vapi_call(dataclasses.replace(call, ended_reason=reason), links)
        assert call_errors(body) == [], reason
        assert (expected in body["endedMessage"]) if expected else "endedMessage" not in body
