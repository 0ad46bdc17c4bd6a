"""A SimCall as Vapi's `Call` object (components.schemas.Call): absent fields omitted, never null."""

from __future__ import annotations

from typing import Any

from app.sandbox import call_report as report
from app.sandbox.call_facts import Links, cost_breakdown, iso, sentiment, transcript
from app.sandbox.conversation import Message
from app.sandbox.realtime import REALTIME_MODEL
from app.sandbox.simcall import SimCall


def message_json(message: Message, started_ms: int) -> dict[str, Any]:
    time_ms = started_ms + int(message.start * 1000)
    common = {"role": message.role, "time": time_ms, "secondsFromStart": round(message.start, 3)}
    if message.role == "tool_calls":
        call = {"id": message.tool_call_id, "type": "function",
                "function": {"name": message.tool_name, "arguments": message.arguments}}
        return {**common, "message": "", "toolCalls": [call]}
    if message.role == "tool_call_result":
        return {**common, "toolCallId": message.tool_call_id, "name": message.tool_name, "result": message.result}
    if message.role in ("system",) or message.end is None:
        return {**common, "message": message.text}
    end_ms = started_ms + int(message.end * 1000)
    spoken = {**common, "message": message.text, "endTime": end_ms, "duration": end_ms - time_ms}
    return {**spoken, "source": message.source} if message.role == "bot" and message.source else spoken


def openai_messages(messages: list[Message]) -> list[dict[str, Any]]:
    roles = {"system": "system", "user": "user", "bot": "assistant"}
    return [{"role": roles[m.role], "content": m.text} for m in messages if m.role in roles]


def recording_links(call: SimCall, links: Links) -> dict[str, Any]:
    mono, stereo = links.recording_url(call, "mono"), links.recording_url(call, "stereo")
    customer, assistant = links.recording_url(call, "customer"), links.recording_url(call, "assistant")
    return {
        "recording": {"stereoUrl": stereo, "mono": {"combinedUrl": mono, "assistantUrl": assistant, "customerUrl": customer}},
        "recordingUrl": mono,
        "stereoRecordingUrl": stereo,
        "presignedMonoUrl": mono,
        "presignedStereoUrl": stereo,
        "presignedAssistantUrl": assistant,
        "presignedCustomerUrl": customer,
        "presignedUrlsExpiresAt": links.expires_iso,
    }


def owner_fields(call: SimCall) -> dict[str, Any]:
    """What the call runs on: a transient assistant is embedded (with its name); a saved assistant, squad or
    workflow is only its id, its name is behind GET /assistant|squad|workflow/{id}. A realtime call says so
    in `assistantOverrides.model` (see app.sandbox.realtime)."""
    fields: dict[str, Any] = (
        {"assistant": {"name": call.scenario.assistant}} if call.owner == "transient" else {f"{call.owner}Id": call.owner_id}
    )
    if call.realtime:
        fields["assistantOverrides"] = {"model": REALTIME_MODEL}
    return fields


def monitor_urls(call: SimCall, links: Links) -> dict[str, str]:
    if call.realtime:  # no listen socket
        return {"controlUrl": links.control_url(call)}
    return {"listenUrl": links.listen_url(call), "controlUrl": links.control_url(call)}


def vapi_call(call: SimCall, links: Links) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": call.id,
        "orgId": call.org_id,
        "createdAt": iso(call.created_ms),
        "updatedAt": iso(call.updated_ms),
        "type": "outboundPhoneCall" if call.direction == "outbound" else "inboundPhoneCall",
        "status": call.status,
        "phoneCallProvider": "twilio",
        "phoneCallTransport": "pstn",
        "phoneCallProviderId": call.carrier_id,
        **owner_fields(call),
        "phoneNumberId": call.phone_number_id,
        "customer": {"number": call.customer_number, **({"name": call.customer_name} if call.customer_name else {})},
        "monitor": monitor_urls(call, links),
    }
    if call.name:
        body["name"] = call.name
    messages = call.messages  # none until answered
    if call.started_ms is not None:
        body["startedAt"] = iso(call.started_ms)
        body["artifact"] = {
            "messages": [message_json(m, call.started_ms) for m in messages],
            "messagesOpenAIFormatted": openai_messages(messages),
            "transcript": transcript(messages),
        }
    analysis = call.scenario.analysis
    if call.destination:
        body["destination"] = call.destination
        body["artifact"]["transfers"] = report.transfers(call, analysis["summary"])
    if call.ended_ms is not None:
        body["endedAt"] = iso(call.ended_ms)
        body["endedReason"] = call.ended_reason
        if message := report.ended_message(call.ended_reason):
            body["endedMessage"] = message
        body["artifact"].update(recording_links(call, links))
        body["artifact"]["performanceMetrics"] = report.performance_metrics(messages)
    if call.analysis_ready(links.now_ms):
        mood = sentiment(call)
        structured = {**analysis["structuredData"], "sentiment": mood}
        body["analysis"] = {"summary": analysis["summary"], "successEvaluation": analysis["successEvaluation"],
                            "structuredData": structured,
                            "structuredDataMulti": report.structured_data_multi(analysis, mood)}
        outputs = report.structured_outputs(analysis, mood)
        body["artifact"].update(structuredOutputs=outputs, scorecards=report.scorecards(outputs))
        breakdown = cost_breakdown(call, messages)
        body["costBreakdown"] = breakdown
        body["cost"] = breakdown["total"]
        body["costs"] = report.costs(breakdown, (call.duration or 0.0) / 60)
    return body

