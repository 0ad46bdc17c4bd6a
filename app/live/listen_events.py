"""What a listen socket's text frames say: the start frame's audio format and the call's events.

Vapi documents that the socket carries "real-time events, such as transcripts" but not their exact
shape: we read the client-message shapes of the official spec (`ClientMessageTranscript`,
`ClientMessageSpeechUpdate`, `ClientMessageConversationUpdate`, and the server's `status-update`),
with or without an outer `message`. A frame is platform data: anything we cannot read is a
`FrameError` (the reader skips and counts it), never an exception that ends the stream.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from app.domain import TurnRole
from app.live.sockets import FrameError, json_object
from app.providers.wire import SPEAKER_ROLES, as_number

MAX_TEXT_CHARS = 20_000  # one spoken line; a longer one is cut, not laid out whole


@dataclass(frozen=True)
class StartFrame:
    """The audio format announced before the PCM (the fields may be flat or under `format`)."""

    sample_rate: int | None
    channels: int | None
    encoding: str | None
    type: str = "start"


@dataclass(frozen=True)
class TranscriptEvent:
    """A line being transcribed: partial lines are in-progress text the final line replaces."""

    role: TurnRole
    text: str
    final: bool
    timestamp: float | None = None  # the platform's epoch milliseconds, when it says
    type: str = "transcript"


@dataclass(frozen=True)
class SpeechUpdate:
    role: TurnRole
    status: str  # started | stopped
    timestamp: float | None = None
    type: str = "speech-update"


@dataclass(frozen=True)
class StatusUpdate:
    status: str
    ended_reason: str | None = None
    timestamp: float | None = None
    type: str = "status-update"


@dataclass(frozen=True)
class ConversationUpdate:
    """The conversation so far, as (role, text) of its spoken lines."""

    lines: tuple[tuple[TurnRole, str], ...]
    timestamp: float | None = None
    type: str = "conversation-update"


@dataclass(frozen=True)
class OtherEvent:
    """An event type we do not use (the platform adds new ones): kept by name only."""

    type: str
    timestamp: float | None = None


ListenEvent = StartFrame | TranscriptEvent | SpeechUpdate | StatusUpdate | ConversationUpdate | OtherEvent


def event_as_json(event: ListenEvent) -> dict[str, Any]:
    """The event as plain JSON values (roles as their words), for `switchboard listen --events`."""
    return {"type": event.type, **{key: value for key, value in asdict(event).items() if key != "type"}}


def parse_frame(text: str | bytes) -> ListenEvent:
    """One text frame as an event; FrameError when it cannot be read."""
    data = json_object(text)
    inner = data.get("message")
    if isinstance(inner, dict) and "type" in inner:
        data = inner
    try:
        return _event(data)
    except (TypeError, ValueError, KeyError, AttributeError) as err:
        raise FrameError(f"unreadable {str(data.get('type'))[:40]!r} event ({type(err).__name__})") from None


def _event(data: dict[str, Any]) -> ListenEvent:
    kind = data.get("type")
    timestamp = as_number(data.get("timestamp"))
    nested = data.get("format")
    fields: dict[str, Any] = nested if isinstance(nested, dict) else data
    if kind in (None, "start") and any(k in fields for k in ("sampleRate", "sample_rate", "channels", "encoding")):
        return StartFrame(_int(fields.get("sampleRate", fields.get("sample_rate"))), _int(fields.get("channels")),
                          _text(fields.get("encoding")))
    if not isinstance(kind, str):
        raise FrameError("an event without a type")
    if kind.startswith("transcript"):  # the spec also names `transcript[transcriptType="final"]`
        final = data.get("transcriptType") == "final" or "final" in kind
        return TranscriptEvent(_role(data["role"]), _line(data["transcript"]), final, timestamp)
    if kind == "speech-update":
        return SpeechUpdate(_role(data["role"]), str(data["status"])[:40], timestamp)
    if kind == "status-update":
        return StatusUpdate(str(data["status"])[:40], _text(data.get("endedReason")), timestamp)
    if kind == "conversation-update":
        return ConversationUpdate(_conversation(data.get("messages") or data.get("messagesOpenAIFormatted") or []),
                                  timestamp)
    return OtherEvent(kind[:80], timestamp)


def _conversation(messages: Any) -> tuple[tuple[TurnRole, str], ...]:
    lines = []
    for item in messages if isinstance(messages, list) else []:
        if not isinstance(item, dict):
            continue
        role = SPEAKER_ROLES.get(str(item.get("role")).lower())
        text = item.get("message", item.get("content"))
        if role in (TurnRole.CUSTOMER, TurnRole.ASSISTANT) and isinstance(text, str):
            lines.append((role, _line(text)))
    return tuple(lines)


def _role(value: Any) -> TurnRole:
    role = SPEAKER_ROLES.get(str(value).lower())
    if role is None:
        raise ValueError("unknown role")
    return role


def _line(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("the text is not a string")
    return value[:MAX_TEXT_CHARS]


def _text(value: Any) -> str | None:
    return str(value)[:200] if value is not None else None


def _int(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise TypeError("not a number")
    return int(float(value))
