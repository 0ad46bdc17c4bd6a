"""What a supervisor can tell a live call to do, and what came of it."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
SIP_URI = re.compile(r"^sips?:[^\s@]+@[^\s@]+$|^sips?:[A-Za-z0-9.\-]+(:\d+)?$")


class CommandKind(StrEnum):
    SAY = "say"
    INJECT = "inject"
    TRANSFER = "transfer"
    END = "end"
    MUTE = "mute"
    UNMUTE = "unmute"
    APPEND_CONTEXT = "append-context"


class TransferMode(StrEnum):
    BLIND = "blind-transfer"
    WARM_MESSAGE = "warm-transfer-say-message"
    WARM_SUMMARY = "warm-transfer-say-summary"


class Side(StrEnum):
    ASSISTANT = "assistant"
    CUSTOMER = "customer"


class _Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _non_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("the text is empty")
    return text


class Say(_Command):
    kind: Literal[CommandKind.SAY] = CommandKind.SAY
    text: str
    end_after: bool = False
    interrupt_assistant: bool = False  # speak now rather than when the assistant stops talking

    _text = field_validator("text")(_non_blank)


class Inject(_Command):
    """Add context to the assistant (a system message)."""

    kind: Literal[CommandKind.INJECT] = CommandKind.INJECT
    text: str
    trigger_response: bool = True

    _text = field_validator("text")(_non_blank)


def is_transfer_destination(value: str) -> bool:
    return bool(E164.match(value) or SIP_URI.match(value))


class Transfer(_Command):
    kind: Literal[CommandKind.TRANSFER] = CommandKind.TRANSFER
    destination: str
    message: str | None = None
    mode: TransferMode = TransferMode.BLIND
    extension: str | None = None
    caller_id: str | None = None

    @field_validator("destination")
    @classmethod
    def _destination(cls, value: str) -> str:
        value = value.strip()
        if not is_transfer_destination(value):
            raise ValueError(
                f"'{value}' is not a phone number in E.164 form (+15551234567) or a SIP URI (sip:agent@example.com)"
            )
        return value

    @property
    def is_sip(self) -> bool:
        return self.destination.startswith(("sip:", "sips:"))


class End(_Command):
    kind: Literal[CommandKind.END] = CommandKind.END
    message: str | None = None


class Mute(_Command):
    kind: Literal[CommandKind.MUTE] = CommandKind.MUTE
    side: Side


class Unmute(_Command):
    kind: Literal[CommandKind.UNMUTE] = CommandKind.UNMUTE
    side: Side


class AppendContext(_Command):
    """Instructions added to the assistant's context (realtime calls take this instead of Inject)."""

    kind: Literal[CommandKind.APPEND_CONTEXT] = CommandKind.APPEND_CONTEXT
    text: str

    _text = field_validator("text")(_non_blank)


Command = Annotated[Say | Inject | Transfer | End | Mute | Unmute | AppendContext, Field(discriminator="kind")]
COMMAND_ADAPTER: TypeAdapter[Command] = TypeAdapter(Command)


def describe(command: Command) -> str:
    """One line in the supervisor's words, for the audit log and outcome labels."""
    match command:
        case Say(text=text, end_after=end_after):
            return f"Say “{text}”" + (" and end the call" if end_after else "")
        case Inject(text=text):
            return f"Inject context “{text}”"
        case Transfer(destination=dest):
            return f"Transfer to {dest}"
        case End():
            return "End the call"
        case Mute(side=side):
            return f"Mute the {side.value}"
        case Unmute(side=side):
            return f"Unmute the {side.value}"
        case AppendContext(text=text):
            return f"Append context “{text}”"
    raise TypeError(command)


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    REFUSED = "refused"
    UNKNOWN = "unknown"


class CommandResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    outcome: Outcome
    message: str = ""
    status_code: int | None = None
