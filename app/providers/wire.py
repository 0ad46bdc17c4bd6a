"""What every platform parser shares: tolerant wire models, one-pass decoding, small value rules."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Final, Literal, TypeVar, overload

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from app.domain import Call, Provider, Turn, TurnRole
from app.providers.errors import BadResponseError

log = logging.getLogger(__name__)

RAW_KEY: Final = "\x00raw"


class WireModel(BaseModel):
    """A platform object as sent: only the fields we read are typed, the rest is kept as is."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, allow_inf_nan=False)


class WireRecord(WireModel):
    """A top-level platform object that also keeps the whole dict it came from (for Call.raw)."""

    raw: dict[str, Any] = Field(default_factory=dict, alias=RAW_KEY)

    @model_validator(mode="before")
    @classmethod
    def _keep_raw(cls, data: Any) -> Any:
        # validate_json hands a before-validator the decoded dict: keeping it costs no second parse.
        if isinstance(data, dict):
            return {**data, RAW_KEY: data}
        return data


Record = TypeVar("Record", bound=WireRecord)


def _reason(error: ValidationError) -> str:
    first = error.errors(include_url=False)[0]
    where = ".".join(str(part) for part in first["loc"]) or "the body"
    return f"{where}: {first['msg']}"


def decode_one(
    provider: Provider, content: bytes, model: type[Record], to_call: Callable[[Record], Call]
) -> Call:
    """One platform object from raw bytes, in one parse."""
    try:
        record = model.model_validate_json(content)
    except ValidationError as exc:
        raise BadResponseError(f"{provider.display_name} sent a call we cannot read ({_reason(exc)}).") from None
    return mapped(provider, record, to_call)


def decode_many(
    provider: Provider, content: bytes, adapter: TypeAdapter[list[Record]], model: type[Record],
    to_call: Callable[[Record], Call],
) -> list[Call]:
    """A list of platform objects in one parse; one unreadable call is skipped, not the page."""
    try:
        records = adapter.validate_json(content)
    except ValidationError:
        split = split_array(content)
        if split is None:
            raise BadResponseError(f"{provider.display_name} sent something that is not a call list.") from None
        records = keep_readable(provider, split[0], model)
    return kept_calls(provider, records, to_call)


# A JSON string (escapes and all) or one structural character: enough to find where items start and end.
_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{},:]', re.DOTALL)


def split_array(content: bytes, key: bytes | None = None) -> tuple[list[bytes], bytes] | None:
    """Slow path, only after a page failed to parse: the raw items of the top-level array (or of the
    top-level object's `key` array, e.g. b'"calls"'), without parsing them, so a lone surrogate or
    nesting deeper than the parser allows costs only its own item. Also returns the document with that
    array emptied (to read the rest, e.g. pagination). None when there is no such array."""
    start = _array_start(content, key)
    if start is None:
        return None
    depth, items, item_start = 0, [], start + 1
    for match in _TOKEN.finditer(content, start):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
        elif token in (b"]", b"}"):
            depth -= 1
            if depth == 0:
                last = content[item_start:match.start()].strip()
                if last:
                    items.append(last)
                return items, content[:start] + b"[]" + content[match.end():]
        elif token == b"," and depth == 1:
            items.append(content[item_start:match.start()].strip())
            item_start = match.end()
    return None  # the array never closes


def _array_start(content: bytes, key: bytes | None) -> int | None:
    if key is None:
        body = content.lstrip()
        return len(content) - len(body) if body.startswith(b"[") else None
    depth, previous, after_key = 0, b"", False
    for match in _TOKEN.finditer(content):
        token = match.group()
        if after_key and token == b"[":
            return match.start()
        if token in (b"[", b"{"):
            depth += 1
        elif token in (b"]", b"}"):
            depth -= 1
        after_key = token == b":" and depth == 1 and previous == key
        previous = token
    return None


def keep_readable(provider: Provider, items: list[bytes], model: type[Record]) -> list[Record]:
    """The raw items that parse and validate; the others are logged and skipped so one bad call loses no page."""
    kept: list[Record] = []
    for item in items:
        try:
            kept.append(model.model_validate_json(item))
        except ValidationError:
            continue
    if len(kept) < len(items):
        log.warning("%s: skipped %d unreadable call(s) of %d", provider.display_name, len(items) - len(kept), len(items))
    return kept


def kept_calls(provider: Provider, records: list[Record], to_call: Callable[[Record], Call]) -> list[Call]:
    """Map validated records; one our domain rejects is skipped with a warning, like an unreadable one."""
    calls: list[Call] = []
    for record in records:
        try:
            calls.append(mapped(provider, record, to_call))
        except BadResponseError as error:
            log.warning("%s: skipped a call: %s", provider.display_name, error)
    return calls


def mapped(provider: Provider, record: Record, to_call: Callable[[Record], Call]) -> Call:
    """Map a validated record; a value our domain rejects is a bad response, not a crash."""
    try:
        return to_call(record)
    except (ValidationError, ValueError, TypeError, OverflowError) as exc:
        raise BadResponseError(f"{provider.display_name} sent a call we cannot read ({exc}).") from None


@overload
def utc(moment: datetime) -> datetime: ...
@overload
def utc(moment: None) -> None: ...
@overload
def utc(moment: datetime | None) -> datetime | None: ...
def utc(moment: datetime | None) -> datetime | None:
    """Platforms send UTC; a time without a zone is taken as UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def iso(moment: datetime, timespec: Literal["auto", "seconds", "milliseconds"] = "auto") -> str:
    """ISO 8601 in UTC with a Z: the form the platforms' query APIs document and exports use."""
    return utc(moment).isoformat(timespec=timespec).replace("+00:00", "Z")


def seconds_between(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return max(0.0, (end - start).total_seconds())


def as_text(value: Any) -> str | None:
    """A JSON-ish value as text: strings as they are, anything else as compact JSON."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def as_number(value: Any) -> float | None:
    """A number or numeric string; booleans and anything else are not numbers."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


SPEAKER_ROLES = {
    "ai": TurnRole.ASSISTANT,
    "assistant": TurnRole.ASSISTANT,
    "bot": TurnRole.ASSISTANT,
    "agent": TurnRole.ASSISTANT,
    "user": TurnRole.CUSTOMER,
    "customer": TurnRole.CUSTOMER,
    "human": TurnRole.CUSTOMER,
    "system": TurnRole.SYSTEM,
    "tool": TurnRole.TOOL,
}
_SPEAKER = re.compile(r"^\s*(AI|Assistant|Bot|Agent|User|Customer|Human|System)\s*:\s?(.*)$", re.IGNORECASE)


def turns_from_transcript(transcript: str) -> tuple[Turn, ...]:
    """Old payloads carry only "AI: ...\\nUser: ..." text: one turn per speaker line, no times."""
    turns: list[Turn] = []
    for line in transcript.splitlines():
        match = _SPEAKER.match(line)
        if match:
            turns.append(Turn(role=SPEAKER_ROLES[match.group(1).lower()], text=match.group(2).strip()))
        elif line.strip() and turns:
            last = turns[-1]
            turns[-1] = last.model_copy(update={"text": f"{last.text}\n{line.strip()}"})
        elif line.strip():
            turns.append(Turn(role=TurnRole.SYSTEM, text=line.strip()))
    return tuple(turns)
