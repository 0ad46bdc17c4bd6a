"""A call with what must not leave the building hidden: every text the platform or the customer
wrote (the call's name, turns, tool arguments and results, summary, success evaluation, ended
message, transfers, structured data and outputs, scorecards) and who the customer is (number and
name). The recording's counterpart is app/qa/redacted_audio.py."""

from __future__ import annotations

from typing import Any

from app.domain import Call, Turn
from app.qa.redaction import Kind, redact

CUSTOMER_NAME = "[customer name]"


def redacted_call(call: Call) -> Call:
    """The same call with every sensitive stretch of its text replaced by its kind, e.g. "[card number]"."""
    return call.model_copy(update={
        "name": _text(call.name),
        "turns": tuple(_turn(t) for t in call.turns),
        "summary": _text(call.summary),
        "success_evaluation": _text(call.success_evaluation),
        "customer_number": f"[{Kind.PHONE}]" if call.customer_number else None,
        "customer_name": CUSTOMER_NAME if call.customer_name else None,  # a name is no pattern: all of it goes
        "ended_message": _text(call.ended_message),
        "structured_data": _deep(call.structured_data),
        "structured_outputs": _deep(call.structured_outputs),
        "scorecards": _deep(call.scorecards),
        "structured_data_multi": tuple(_deep(d) for d in call.structured_data_multi),
        "transfers": tuple(t.model_copy(update={"destination": _text(t.destination), "transcript": _text(t.transcript)})
                           for t in call.transfers),
        "transfer_destination": _text(call.transfer_destination),
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
