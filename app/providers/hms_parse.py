"""HMS Sovereign call JSON (snake_case, field-name variants, untimed messages) -> Call."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import OnErrorOmit, TypeAdapter, ValidationError

from app.domain import Call, CallStatus, Provider, Recordings, Turn, TurnRole
from app.providers.errors import BadResponseError
from app.providers.wire import (
    SPEAKER_ROLES,
    WireModel,
    WireRecord,
    as_number,
    as_text,
    decode_one,
    keep_readable,
    kept_calls,
    seconds_between,
    split_array,
    utc,
)

# HMS says "connecting" for a call that is setting up; the console calls that ringing.
STATUSES = {"connecting": CallStatus.RINGING.value}


class WireMessage(WireModel):
    role: str | None = None
    content: Any = None
    message: str | None = None


class WireCall(WireRecord):
    id: str
    caller_phone: str | None = None
    assistant_phone: str | None = None
    agent_phone: str | None = None
    status: str | None = None
    direction: str | None = None
    end_reason: str | None = None
    error: Any = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    duration_seconds: float | None = None
    summary: str | None = None
    analysis_result: dict[str, Any] | None = None
    messages: list[OnErrorOmit[WireMessage]] | None = None
    recording_url: str | None = None
    agent_id: str | None = None
    agent_name: str | None = None
    assistant_name: str | None = None
    cost: float | None = None


class WirePagination(WireModel):
    total: int | None = None
    limit: int | None = None
    offset: int | None = None


class WirePage(WireModel):
    calls: list[WireCall]
    pagination: WirePagination | None = None


PAGE = TypeAdapter(WirePage)


def parse_call(content: bytes) -> Call:
    return decode_one(Provider.HMS, content, WireCall, to_call)


def parse_page(content: bytes) -> tuple[list[Call], int, int | None]:
    """One page of GET /calls: the calls, how many items the page held, and the total if given."""
    try:
        page = PAGE.validate_json(content)
    except ValidationError:
        split = split_array(content, b'"calls"')
        if split is None:
            raise BadResponseError("HMS Sovereign sent a call list we cannot read (no calls array).") from None
        items, rest = split
        records, count = keep_readable(Provider.HMS, items, WireCall), len(items)
        try:
            pagination = PAGE.validate_json(rest).pagination
        except ValidationError:
            pagination = None
    else:
        records, count, pagination = page.calls, len(page.calls), page.pagination
    total = pagination.total if pagination else None
    return kept_calls(Provider.HMS, records, to_call), count, total


def to_call(wire: WireCall) -> Call:
    analysis = wire.analysis_result or {}
    started = utc(wire.started_at)
    ended = utc(wire.ended_at)
    duration = wire.duration_seconds if wire.duration_seconds is not None else seconds_between(started, ended)
    status = wire.status or "unknown"
    summary = wire.summary or analysis.get("summary")
    return Call(
        id=wire.id,
        provider=Provider.HMS,
        status=STATUSES.get(status, status),
        ended_reason=wire.end_reason or as_text(wire.error),
        direction=wire.direction,
        customer_number=wire.caller_phone,
        assistant_name=wire.agent_name or wire.assistant_name,
        assistant_id=wire.agent_id,
        created_at=utc(wire.created_at),
        updated_at=utc(wire.updated_at),
        started_at=started,
        ended_at=ended,
        duration_seconds=duration,
        cost=wire.cost,
        summary=summary if isinstance(summary, str) else None,
        success_evaluation=as_text(analysis.get("success_evaluation", analysis.get("successEvaluation"))),
        sentiment=as_number(analysis.get("sentiment")),
        structured_data=wire.analysis_result,
        turns=tuple(_turn(message) for message in wire.messages or ()),
        recordings=Recordings(mono=wire.recording_url),
        raw=wire.raw,
    )


def _turn(message: WireMessage) -> Turn:
    # HMS messages carry no timestamps: start and end stay None rather than being guessed.
    text = as_text(message.content) if message.content is not None else message.message
    return Turn(role=SPEAKER_ROLES.get((message.role or "").lower(), TurnRole.SYSTEM), text=text or "")
