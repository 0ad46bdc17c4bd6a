"""A call with what must not leave the building hidden: every text the platform or the customer
wrote (turns, tool arguments and results, summary, transfer transcripts, structured data and
outputs, the customer's number). The recording's counterpart is app/qa/redacted_audio.py."""

from __future__ import annotations

from typing import Any

from app.domain import Call, Turn
from app.qa.redaction import Kind, redact


def redacted_call(call: Call) -> Call:
    """The same call with every sensitive stretch of its text replaced by its kind, e.g. "[card number]"."""
    return call.model_copy(update={
        "turns": tuple(_turn(t) for t in call.turns),
        "summary": _text(call.summary),
        "customer_number": f"[{Kind.PHONE}]" if call.customer_number else None,
        "ended_message": _text(call.ended_message),
        "structured_data": _deep(call.structured_data),
        "structured_outputs": _deep(call.structured_outputs),
        "structured_data_multi": tuple(_deep(d) for d in call.structured_data_multi),
        "transfers": tuple(t.model_copy(update={"transcript": _text(t.transcript)}) for t in call.transfers),
        "raw": {},  # the platform's own payload holds it all in clear
    })


def _turn(turn: Turn) -> Turn:
    return turn.model_copy(update={"text": redact(turn.text), "tool_arguments": _text(turn.tool_arguments),
                                   "tool_result": _text(turn.tool_result)})


def _text(text: str | None) -> str | None:
    return redact(text) if text else text


def _deep(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _deep(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_deep(v) for v in value)
    return value
