"""The newer report fields of an ended Vapi call, in the official spec's shapes.

`endedMessage` (error endings), `artifact.transfers` (TransferArtifact), `artifact.performanceMetrics`
(PerformanceMetrics with TurnLatency), `costs[]` (TransportCost, TranscriberCost, ModelCost, VoiceCost,
VapiCost, AnalysisCost), and the three the spec types only as objects: `artifact.structuredOutputs`
(by structured-output id, each a `StructuredOutputRunResult` `{name, result}`), `artifact.scorecards` (by
scorecard id, the scorecard quickstart's example: `{name, score, scoreNormalized, metricPoints}`, points by
structured-output id, `scoreNormalized` = ceil(score / maxPoints * 100)) and `analysis.structuredDataMulti`
(one entry per `StructuredDataMultiPlan`, named by its `key`: `{key, structuredData}`, UNCONFIRMED: the
spec says only "object").
"""

from __future__ import annotations

from typing import Any

from app.sandbox.call_factory import stable_uuid
from app.sandbox.conversation import Message
from app.sandbox.simcall import SimCall

# The text behind some error endings (the spec's endedReason enum has hundreds; these are examples).
ENDED_MESSAGES = {
    "pipeline-error-openai-llm-failed": "OpenAI returned 500 Internal Server Error after 3 attempts.",
    "call.in-progress.error-vapifault-openai-llm-failed": "The model provider failed to respond; the call was ended.",
    "pipeline-error-eleven-labs-voice-failed": "ElevenLabs rejected the request: voice not found.",
    "phone-call-provider-closed-websocket": "The phone provider closed the audio connection unexpectedly.",
    "silence-timed-out": "No speech was detected for 30 seconds.",
}
ERROR_WORDS = ("error", "failed", "fault", "closed-websocket", "timed-out")
MODEL = {"provider": "openai", "model": "gpt-4o"}  # what saved assistants run on, and the bill names
TRANSCRIBER = {"provider": "deepgram", "model": "nova-2"}
VOICE = {"provider": "11labs", "voiceId": "burt"}
# How a turn's latency splits over the pipeline (shares of the gap between the customer and the answer).
LATENCY_SHARES = {"endpointingLatency": 0.3, "transcriberLatency": 0.15, "modelLatency": 0.35, "voiceLatency": 0.2}


def ended_message(reason: str | None) -> str | None:
    """The error text behind an error ending; None for ordinary endings."""
    if reason is None:
        return None
    if reason in ENDED_MESSAGES:
        return ENDED_MESSAGES[reason]
    return f"The call ended with an error: {reason}." if any(word in reason for word in ERROR_WORDS) else None


def transfers(call: SimCall, summary: str) -> list[dict[str, Any]]:
    """The call's transfer attempt (a simulated call transfers at most once)."""
    if not call.destination:
        return []
    mode = call.destination.get("transferPlan", {}).get("mode", "blind-transfer")
    record: dict[str, Any] = {"destination": call.destination, "mode": mode,
                              "status": "completed" if call.ended_ms is not None else "connected"}
    if mode.endswith("say-message"):
        record["transcript"] = call.destination["transferPlan"]["message"]
    elif mode.endswith("say-summary"):
        record["transcript"] = summary
    return [record]


def performance_metrics(messages: list[Message]) -> dict[str, Any]:
    """Turn latencies (ms) from when the customer stopped to when the assistant began answering."""
    turns = []
    for before, after in zip(messages, messages[1:], strict=False):
        if before.role == "user" and after.role == "bot" and before.end is not None and after.start > before.end:
            total = round((after.start - before.end) * 1000)
            turns.append({**{k: round(total * share) for k, share in LATENCY_SHARES.items()}, "turnLatency": total})
    metrics: dict[str, Any] = {"turnLatencies": turns, "numUserInterrupted": 0, "numAssistantInterrupted": 0}
    if turns:
        for key in (*LATENCY_SHARES, "turnLatency"):
            metrics[key + "Average"] = round(sum(t[key] for t in turns) / len(turns), 1)
    return metrics


def costs(breakdown: dict[str, Any], minutes: float) -> list[dict[str, Any]]:
    """`costs[]`: the same bill as `costBreakdown`, one item per component."""
    analysis = breakdown["analysisCostBreakdown"]
    items: list[dict[str, Any]] = [
        {"type": "transport", "provider": "twilio", "minutes": round(minutes, 4), "cost": breakdown["transport"]},
        {"type": "transcriber", "transcriber": TRANSCRIBER, "minutes": round(minutes, 4), "cost": breakdown["stt"]},
        {"type": "model", "model": MODEL, "promptTokens": breakdown["llmPromptTokens"],
         "completionTokens": breakdown["llmCompletionTokens"], "cost": breakdown["llm"]},
        {"type": "voice", "voice": VOICE, "characters": breakdown["ttsCharacters"], "cost": breakdown["tts"]},
        {"type": "vapi", "subType": "normal", "minutes": round(minutes, 4), "cost": breakdown["vapi"]},
    ]
    for kind in ("summary", "structuredData", "successEvaluation"):
        items.append({"type": "analysis", "analysisType": kind, "model": MODEL,
                      "promptTokens": analysis[f"{kind}PromptTokens"],
                      "completionTokens": analysis[f"{kind}CompletionTokens"], "cost": analysis[kind]})
    return items


OUTPUT_IDS = {name: stable_uuid("structured-output", name) for name in ("CSAT", "Call objective achieved", "Intent")}
SCORECARD_ID = stable_uuid("scorecard", "Call quality")
# The scorecard's conditions: the objective met 50 points; CSAT >= 4 30, CSAT = 3 20. The points add up to
# 100, but the CSAT tiers exclude each other, so the most a call can score (maxPoints) is 80.
OBJECTIVE_POINTS, CSAT_TIERS = 50, ((4, 30), (3, 20))
MAX_POINTS = OBJECTIVE_POINTS + CSAT_TIERS[0][1]


def structured_outputs(analysis: dict[str, Any], sentiment: int) -> dict[str, Any]:
    resolved = analysis["successEvaluation"] == "true"
    results = {"CSAT": max(1, min(5, round(sentiment / 2))), "Call objective achieved": resolved,
               "Intent": analysis["structuredData"].get("intent", "other")}
    return {OUTPUT_IDS[name]: {"name": name, "result": result} for name, result in results.items()}


def scorecards(outputs: dict[str, Any]) -> dict[str, Any]:
    objective, csat = (outputs[OUTPUT_IDS[name]]["result"] for name in ("Call objective achieved", "CSAT"))
    points = {OUTPUT_IDS["Call objective achieved"]: OBJECTIVE_POINTS if objective else 0,
              OUTPUT_IDS["CSAT"]: next((p for least, p in CSAT_TIERS if csat >= least), 0)}
    score = sum(points.values())
    return {SCORECARD_ID: {"name": "Call quality", "score": score, "scoreNormalized": -(-score * 100 // MAX_POINTS),
                           "metricPoints": points}}


def structured_data_multi(analysis: dict[str, Any], sentiment: int) -> list[dict[str, Any]]:
    return [
        {"key": "outcome", "structuredData": analysis["structuredData"]},
        {"key": "customer", "structuredData": {"sentiment": sentiment, "scale": "0-10"}},
    ]
