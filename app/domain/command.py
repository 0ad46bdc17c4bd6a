"""What a supervisor can tell a live call to do, and what came of it."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator, model_validator

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
SIP_URI = re.compile(r"^sips?:[^\s@]+@[^\s@]+$|^sips?:[A-Za-z0-9.\-]+(:\d+)?$")
EXTENSION = re.compile(r"^[0-9*#,wW]{1,10}$")  # digits, * and #, pauses (',' or 'w'); the spec: at most 10
MAX_CONTEXT_CHARS = 16_000  # Vapi's limit for append-context


class CommandKind(StrEnum):
    SAY = "say"
    INJECT = "inject"
    TRANSFER = "transfer"
    END = "end"
    MUTE = "mute"
    UNMUTE = "unmute"
    APPEND_CONTEXT = "append-context"


class TransferMode(StrEnum):
    """How a transfer hands the caller over."""

    BLIND = "blind"  # straight through
    WARM_MESSAGE = "warm-message"  # the assistant first tells the person taking the call a message
    WARM_SUMMARY = "warm-summary"  # the assistant first tells them a summary of the call


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
    interrupt_assistant: bool = False  # say it now, cutting the assistant off, instead of waiting

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
    message: str | None = None  # said to the caller before transferring
    mode: TransferMode = TransferMode.BLIND
    handoff_message: str | None = None  # warm-message: said to the person taking the call
    extension: str | None = None  # dialled after a phone number answers
    caller_id: str | None = None  # the number the person taking the call sees

    @field_validator("destination")
    @classmethod
    def _destination(cls, value: str) -> str:
        value = value.strip()
        if not is_transfer_destination(value):
            raise ValueError(
                f"'{value}' is not a phone number in E.164 form (+15551234567) or a SIP URI (sip:agent@example.com)"
            )
        return value

    @field_validator("extension", "caller_id", "handoff_message")
    @classmethod
    def _optional(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @model_validator(mode="after")
    def _consistent(self) -> Transfer:
        if self.extension is not None and (self.is_sip or not EXTENSION.match(self.extension)):
            raise ValueError("an extension is digits (with * # and , pauses) after a phone number, not a SIP URI")
        if self.caller_id is not None and not E164.match(self.caller_id):
            raise ValueError(f"the caller id '{self.caller_id}' is not a phone number in E.164 form")
        if (self.mode is TransferMode.WARM_MESSAGE) != (self.handoff_message is not None):
            raise ValueError("a warm transfer with a message needs the message, and only it takes one")
        return self

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
    """Add instructions to the assistant's context without a reply (Vapi's newer call kinds take it)."""

    kind: Literal[CommandKind.APPEND_CONTEXT] = CommandKind.APPEND_CONTEXT
    text: str = Field(max_length=MAX_CONTEXT_CHARS)

    _text = field_validator("text")(_non_blank)


Command = Annotated[Say | Inject | Transfer | End | Mute | Unmute | AppendContext, Field(discriminator="kind")]
COMMAND_ADAPTER: TypeAdapter[Command] = TypeAdapter(Command)


def describe(command: Command) -> str:
    """One line in the supervisor's words, for the audit log and outcome labels."""
    match command:
        case Say(text=text, end_after=end_after, interrupt_assistant=interrupt):
            return ("Say now" if interrupt else "Say") + f" “{text}”" + (" and end the call" if end_after else "")
        case Inject(text=text):
            return f"Inject context “{text}”"
        case AppendContext(text=text):
            return f"Add instructions “{text}”"
        case Transfer(destination=dest, mode=mode, extension=extension):
            how = {TransferMode.BLIND: "", TransferMode.WARM_MESSAGE: " (warm, with a message)",
                   TransferMode.WARM_SUMMARY: " (warm, with a summary)"}[mode]
            return f"Transfer to {dest}" + (f" ext. {extension}" if extension else "") + how
        case End():
            return "End the call"
        case Mute(side=side):
            return f"Mute the {side.value}"
        case Unmute(side=side):
            return f"Unmute the {side.value}"
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
