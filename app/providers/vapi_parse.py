"""Vapi call JSON -> Call. VoiceBot Studio sends the same camelCase shape, so it is read here too.

Reads `artifact`/`analysis` first and falls back to the deprecated top-level fields.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import OnErrorOmit, TypeAdapter, ValidationError

from app.domain import (
    Call,
    CostBreakdown,
    CostItem,
    Direction,
    Performance,
    PresignedRecordings,
    Provider,
    Recordings,
    TransferRecord,
    Turn,
    TurnRole,
)
from app.providers.errors import BadResponseError
from app.providers.wire import (
    SPEAKER_ROLES,
    WireModel,
    WireRecord,
    as_number,
    as_text,
    decode_many,
    decode_one,
    seconds_between,
    turns_from_transcript,
    utc,
)

DIRECTIONS = {
    "inboundPhoneCall": Direction.INBOUND,
    "outboundPhoneCall": Direction.OUTBOUND,
    "webCall": Direction.WEB,
    "vapi.websocketCall": Direction.WEB,
}


class WireFunction(WireModel):
    name: str | None = None
    arguments: Any = None


class WireToolCall(WireModel):
    id: str | None = None
    function: WireFunction | None = None


class WireMessage(WireModel):
    role: str | None = None
    message: str | None = None
    content: Any = None
    time: float | None = None
    endTime: float | None = None
    secondsFromStart: float | None = None
    toolCalls: list[OnErrorOmit[WireToolCall]] | None = None
    toolCallId: str | None = None
    name: str | None = None
    result: Any = None


class WireMono(WireModel):
    combinedUrl: str | None = None
    assistantUrl: str | None = None
    customerUrl: str | None = None


class WireRecording(WireModel):
    stereoUrl: str | None = None
    mono: WireMono | None = None


class WireArtifact(WireModel):
    messages: list[OnErrorOmit[WireMessage]] | None = None
    transcript: str | None = None
    recording: WireRecording | None = None
    recordingUrl: str | None = None
    stereoRecordingUrl: str | None = None
    # Newer fields, read leniently (Any): a wrong shape drops the field, never the call.
    structuredOutputs: Any = None
    scorecards: Any = None
    transfers: Any = None
    performanceMetrics: Any = None
    presignedMonoUrl: Any = None
    presignedStereoUrl: Any = None
    presignedCustomerUrl: Any = None
    presignedAssistantUrl: Any = None
    presignedUrlsExpiresAt: Any = None


class WireAnalysis(WireModel):
    summary: str | None = None
    structuredData: dict[str, Any] | None = None
    successEvaluation: Any = None
    structuredDataMulti: Any = None


class WireCost(WireModel):
    transport: float | None = None
    stt: float | None = None
    llm: float | None = None
    tts: float | None = None
    vapi: float | None = None
    total: float | None = None
    llmPromptTokens: int | None = None
    llmCompletionTokens: int | None = None
    ttsCharacters: int | None = None


class WireParty(WireModel):
    number: str | None = None
    name: str | None = None
    sipUri: str | None = None


class WireAssistant(WireParty):
    model: Any = None


class WireMonitor(WireModel):
    listenUrl: str | None = None
    controlUrl: str | None = None


class WireCall(WireRecord):
    id: str
    type: str | None = None
    status: str | None = None
    endedReason: str | None = None
    name: str | None = None
    createdAt: datetime | None = None
    updatedAt: datetime | None = None
    startedAt: datetime | None = None
    endedAt: datetime | None = None
    cost: float | None = None
    costBreakdown: WireCost | None = None
    customer: WireParty | None = None
    assistantId: str | None = None
    assistant: WireAssistant | None = None
    assistantOverrides: Any = None
    squadId: str | None = None
    squad: WireParty | None = None
    workflowId: str | None = None
    workflow: WireParty | None = None
    endedMessage: Any = None
    costs: Any = None
    destination: WireParty | None = None
    forwardedPhoneNumber: str | None = None
    analysis: WireAnalysis | None = None
    artifact: WireArtifact | None = None
    monitor: WireMonitor | None = None
    # Deprecated (2025) top-level copies, still in older payloads.
    messages: list[OnErrorOmit[WireMessage]] | None = None
    transcript: str | None = None
    recordingUrl: str | None = None
    stereoRecordingUrl: str | None = None
    summary: str | None = None


CALLS = TypeAdapter(list[WireCall])


def parse_call(content: bytes, provider: Provider = Provider.VAPI) -> Call:
    return decode_one(provider, content, WireCall, lambda wire: to_call(wire, provider))


def parse_calls(content: bytes, provider: Provider = Provider.VAPI) -> list[Call]:
    return decode_many(provider, content, CALLS, WireCall, lambda wire: to_call(wire, provider))


MAX_NAME = 500  # a name is a label: anything longer is cut, not laid out


def parse_name(content: bytes) -> str | None:
    """The `name` of an assistant, squad or workflow object; the rest of it is not kept."""
    try:
        named = WireParty.model_validate_json(content)
    except ValidationError:
        raise BadResponseError("Vapi sent a name we cannot read.") from None
    return named.name.strip()[:MAX_NAME] or None if named.name else None


def to_call(wire: WireCall, provider: Provider) -> Call:
    artifact = wire.artifact or WireArtifact()
    analysis = wire.analysis or WireAnalysis()
    structured = analysis.structuredData
    started = utc(wire.startedAt)
    ended = utc(wire.endedAt)
    messages = artifact.messages if artifact.messages is not None else wire.messages
    transcript = artifact.transcript or wire.transcript
    if messages:
        turns = turns_from_messages(messages, started)
    else:
        turns = turns_from_transcript(transcript) if transcript else ()
    destination = wire.destination
    return Call(
        id=wire.id,
        provider=provider,
        name=wire.name,
        status=wire.status or "unknown",
        ended_reason=wire.endedReason,
        direction=DIRECTIONS.get(wire.type or "", None),
        call_type=wire.type,
        customer_number=(wire.customer.number or wire.customer.sipUri) if wire.customer else None,
        customer_name=wire.customer.name if wire.customer else None,
        assistant_name=wire.assistant.name if wire.assistant else None,
        assistant_id=wire.assistantId,
        squad_name=wire.squad.name if wire.squad else None,
        squad_id=wire.squadId,
        workflow_name=wire.workflow.name if wire.workflow else None,
        workflow_id=wire.workflowId,
        realtime=_is_realtime(wire),
        created_at=utc(wire.createdAt),
        updated_at=utc(wire.updatedAt),
        started_at=started,
        ended_at=ended,
        duration_seconds=seconds_between(started, ended),
        cost=wire.cost,
        cost_breakdown=_cost(wire.costBreakdown),
        summary=analysis.summary or wire.summary,
        success_evaluation=as_text(analysis.successEvaluation),
        sentiment=as_number(structured.get("sentiment")) if structured else None,
        structured_data=structured,
        ended_message=wire.endedMessage if isinstance(wire.endedMessage, str) else None,
        structured_outputs=_object(artifact.structuredOutputs),
        scorecards=_object(artifact.scorecards),
        structured_data_multi=tuple(item for item in _items(analysis.structuredDataMulti) if isinstance(item, dict)),
        transfers=tuple(t for item in _items(artifact.transfers) if (t := _transfer(item)) is not None),
        performance=_performance(artifact.performanceMetrics),
        costs=tuple(c for item in _items(wire.costs) if (c := _cost_item(item)) is not None),
        turns=turns,
        recordings=_recordings(wire, artifact),
        listen_url=wire.monitor.listenUrl if wire.monitor else None,
        control_url=wire.monitor.controlUrl if wire.monitor else None,
        transfer_destination=(destination.number or destination.sipUri) if destination else wire.forwardedPhoneNumber,
        raw=wire.raw,
    )


def _cost(cost: WireCost | None) -> CostBreakdown | None:
    if cost is None:
        return None
    return CostBreakdown(
        transport=cost.transport,
        stt=cost.stt,
        llm=cost.llm,
        tts=cost.tts,
        platform=cost.vapi,
        total=cost.total,
        llm_prompt_tokens=cost.llmPromptTokens,
        llm_completion_tokens=cost.llmCompletionTokens,
        tts_characters=cost.ttsCharacters,
    )


def _object(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) and value else None


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _count(value: Any) -> int | None:
    number = as_number(value)
    return int(number) if number is not None and abs(number) < 2**53 else None


def _is_realtime(wire: WireCall) -> bool:
    """Nothing documented marks Vapi's realtime call kind; a realtime model (`assistantOverrides.model.model`,
    else a transient assistant's) is the sandbox's marker and a hint at best: it only narrows the commands
    offered (see app.sandbox.realtime)."""
    for holder in (wire.assistantOverrides, {"model": wire.assistant.model} if wire.assistant else None):
        model = holder.get("model") if isinstance(holder, dict) else None
        name = model.get("model") if isinstance(model, dict) else None
        if isinstance(name, str):
            return "realtime" in name.lower()
    return False


def _transfer(item: Any) -> TransferRecord | None:
    if not isinstance(item, dict):
        return None
    destination = item.get("destination")
    target = None
    if isinstance(destination, dict):
        target = _text(destination.get("number")) or _text(destination.get("sipUri"))
    return TransferRecord(destination=target, mode=_text(item.get("mode")), status=_text(item.get("status")),
                          transcript=_text(item.get("transcript")))


def _performance(value: Any) -> Performance | None:
    if not isinstance(value, dict) or not value:
        return None
    turns = (as_number(turn.get("turnLatency")) for turn in _items(value.get("turnLatencies")) if isinstance(turn, dict))
    return Performance(
        turn_latency_average=as_number(value.get("turnLatencyAverage")),
        model_latency_average=as_number(value.get("modelLatencyAverage")),
        voice_latency_average=as_number(value.get("voiceLatencyAverage")),
        transcriber_latency_average=as_number(value.get("transcriberLatencyAverage")),
        endpointing_latency_average=as_number(value.get("endpointingLatencyAverage")),
        turn_latencies=tuple(t for t in turns if t is not None),
        user_interruptions=_count(value.get("numUserInterrupted")),
        assistant_interruptions=_count(value.get("numAssistantInterrupted")),
    )


def _cost_item(item: Any) -> CostItem | None:
    """One `costs[]` entry; its provider detail from `provider` or the model/voice/transcriber object."""
    if not isinstance(item, dict) or not isinstance(item.get("type"), str):
        return None
    kind = item["type"]
    detail = _text(item.get("provider"))
    part = item.get(kind)
    if detail is None and isinstance(part, dict):
        detail = " ".join(v for v in (_text(part.get("provider")), _text(part.get("model"))) if v) or None
    return CostItem(
        kind=kind, cost=as_number(item.get("cost")), detail=detail, minutes=as_number(item.get("minutes")),
        characters=_count(item.get("characters")), prompt_tokens=_count(item.get("promptTokens")),
        completion_tokens=_count(item.get("completionTokens")),
    )


def _recordings(wire: WireCall, artifact: WireArtifact) -> Recordings:
    recording = artifact.recording or WireRecording()
    mono = recording.mono or WireMono()
    return Recordings(
        stereo=recording.stereoUrl or artifact.stereoRecordingUrl or wire.stereoRecordingUrl,
        mono=mono.combinedUrl or artifact.recordingUrl or wire.recordingUrl,
        customer=mono.customerUrl,
        assistant=mono.assistantUrl,
        presigned=PresignedRecordings(
            mono=_web_url(artifact.presignedMonoUrl),
            stereo=_web_url(artifact.presignedStereoUrl),
            customer=_web_url(artifact.presignedCustomerUrl),
            assistant=_web_url(artifact.presignedAssistantUrl),
            expires_at=_moment(artifact.presignedUrlsExpiresAt),
        ),
    )


def _web_url(value: Any) -> str | None:
    """A link we may fetch without a key: http(s) only, never a file or another scheme a payload names."""
    return value if isinstance(value, str) and value.startswith(("https://", "http://")) else None


def _moment(value: Any) -> datetime | None:
    try:
        return utc(datetime.fromisoformat(value)) if isinstance(value, str) else None
    except ValueError:
        return None


def turns_from_messages(messages: list[WireMessage], started: datetime | None) -> tuple[Turn, ...]:
    """Vapi messages -> turns. Times: secondsFromStart, else epoch-ms `time` minus the call start."""
    origin_ms = started.timestamp() * 1000 if started else None
    turns: list[Turn] = []
    tool_turn_at: dict[str, int] = {}
    for message in messages:
        start = message.secondsFromStart
        if start is None and message.time is not None and origin_ms is not None:
            start = (message.time - origin_ms) / 1000
        end = None
        if start is not None and message.time is not None and message.endTime is not None:
            end = start + (message.endTime - message.time) / 1000
        role = (message.role or "").lower()
        if role == "tool_calls":
            for tool_call in message.toolCalls or []:
                function = tool_call.function or WireFunction()
                if tool_call.id:
                    tool_turn_at[tool_call.id] = len(turns)
                turns.append(Turn(
                    role=TurnRole.TOOL, start=start, tool_name=function.name,
                    tool_arguments=as_text(function.arguments), tool_call_id=tool_call.id,
                ))
        elif role == "tool_call_result":
            at = tool_turn_at.get(message.toolCallId or "")
            if at is not None:
                turns[at] = turns[at].model_copy(update={"tool_result": as_text(message.result)})
            else:
                turns.append(Turn(
                    role=TurnRole.TOOL, start=start, tool_name=message.name,
                    tool_result=as_text(message.result), tool_call_id=message.toolCallId,
                ))
        else:
            text = message.message if message.message is not None else as_text(message.content)
            turns.append(Turn(role=SPEAKER_ROLES.get(role, TurnRole.SYSTEM), text=text or "", start=start, end=end))
    return tuple(turns)
