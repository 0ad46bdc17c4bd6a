"""The newer Vapi report fields the analysis pane shows, read from one place.

MERGE NOTE: the domain `Call` gains these fields (`ended_message`, `structured_outputs`, `scorecards`,
`structured_data_multi`, `transfers`, `performance`, `costs`) in the live branch. Until then they are
read tolerantly from `call.raw` here; at merge, `newer_fields` becomes a plain copy of the domain
fields (the names and attributes below are the domain's), and the raw readers go.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.domain import Call


@dataclass(frozen=True)
class TransferRecord:
    destination: str | None = None
    mode: str | None = None
    status: str | None = None
    transcript: str | None = None


@dataclass(frozen=True)
class Performance:
    """Milliseconds."""

    turn_latency_average: float | None = None
    model_latency_average: float | None = None
    voice_latency_average: float | None = None
    transcriber_latency_average: float | None = None
    endpointing_latency_average: float | None = None
    turn_latencies: tuple[float, ...] = ()
    user_interruptions: int | None = None
    assistant_interruptions: int | None = None


@dataclass(frozen=True)
class CostItem:
    kind: str
    cost: float | None = None
    detail: str | None = None
    minutes: float | None = None
    characters: int | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


@dataclass(frozen=True)
class NewerFields:
    ended_message: str | None = None
    structured_outputs: dict[str, Any] | None = None
    scorecards: dict[str, Any] | None = None
    structured_data_multi: tuple[dict[str, Any], ...] = ()
    transfers: tuple[TransferRecord, ...] = ()
    performance: Performance | None = None
    costs: tuple[CostItem, ...] = field(default=())

    def __bool__(self) -> bool:
        return bool(self.ended_message or self.structured_outputs or self.scorecards or self.structured_data_multi
                    or self.transfers or self.performance or self.costs)


def newer_fields(call: Call) -> NewerFields:
    raw = call.raw if isinstance(call.raw, dict) else {}
    artifact = _dict(raw.get("artifact")) or {}
    analysis = _dict(raw.get("analysis")) or {}
    return NewerFields(
        ended_message=_text(raw.get("endedMessage")),
        structured_outputs=_dict(artifact.get("structuredOutputs")) or None,
        scorecards=_dict(artifact.get("scorecards")) or None,
        structured_data_multi=tuple(d for d in _list(analysis.get("structuredDataMulti")) if isinstance(d, dict)),
        transfers=tuple(_transfer(t) for t in _list(artifact.get("transfers")) if isinstance(t, dict)),
        performance=_performance(_dict(artifact.get("performanceMetrics"))),
        costs=tuple(_cost(c) for c in _list(raw.get("costs")) if isinstance(c, dict)),
    )


# -- tolerant readers: a field of the wrong type is absent, never an error ------------------------
def _dict(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _count(value: Any) -> int | None:
    number = _number(value)
    return int(number) if number is not None and abs(number) < 1e12 else None


def _transfer(item: dict[str, Any]) -> TransferRecord:
    destination = item.get("destination")
    if isinstance(destination, dict):
        destination = destination.get("number") or destination.get("sipUri")
    return TransferRecord(destination=_text(destination), mode=_text(item.get("mode")),
                          status=_text(item.get("status")), transcript=_text(item.get("transcript")))


def _performance(metrics: dict[str, Any] | None) -> Performance | None:
    if not metrics:
        return None
    turns = tuple(n for t in _list(metrics.get("turnLatencies")) if isinstance(t, dict)
                  and (n := _number(t.get("turnLatency"))) is not None)
    return Performance(
        turn_latency_average=_number(metrics.get("turnLatencyAverage")),
        model_latency_average=_number(metrics.get("modelLatencyAverage")),
        voice_latency_average=_number(metrics.get("voiceLatencyAverage")),
        transcriber_latency_average=_number(metrics.get("transcriberLatencyAverage")),
        endpointing_latency_average=_number(metrics.get("endpointingLatencyAverage")),
        turn_latencies=turns,
        user_interruptions=_count(metrics.get("numUserInterrupted")),
        assistant_interruptions=_count(metrics.get("numAssistantInterrupted")),
    )


def _cost(item: dict[str, Any]) -> CostItem:
    parts = []
    for key in ("transcriber", "model", "voice"):
        about = _dict(item.get(key)) or {}
        parts += [p for p in (_text(about.get("provider")), _text(about.get("model")) or _text(about.get("voiceId")))
                  if p]
    parts += [p for key in ("provider", "subType", "analysisType") if (p := _text(item.get(key)))]
    return CostItem(
        kind=_text(item.get("type")) or "other", cost=_number(item.get("cost")), detail=" ".join(parts) or None,
        minutes=_number(item.get("minutes")), characters=_count(item.get("characters")),
        prompt_tokens=_count(item.get("promptTokens")), completion_tokens=_count(item.get("completionTokens")),
    )
