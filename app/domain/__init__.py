"""Pure data shared by every layer: no I/O, no Qt."""

from app.domain.account import Account
from app.domain.call import (
    LIVE_STATUSES,
    Call,
    CallStatus,
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
from app.domain.capabilities import CAPABILITIES, CallCapabilities, Capabilities, capabilities_for
from app.domain.command import (
    COMMAND_ADAPTER,
    MAX_CONTEXT_CHARS,
    AppendContext,
    Command,
    CommandKind,
    CommandResult,
    End,
    Inject,
    Mute,
    Outcome,
    Say,
    Side,
    Transfer,
    TransferMode,
    Unmute,
    describe,
    is_transfer_destination,
)

__all__ = [
    "Account", "AppendContext", "CAPABILITIES", "COMMAND_ADAPTER", "Call", "CallCapabilities", "CallStatus",
    "Capabilities", "Command", "CommandKind", "CommandResult", "CostBreakdown", "CostItem", "Direction", "End",
    "Inject", "LIVE_STATUSES", "MAX_CONTEXT_CHARS", "Mute", "Outcome", "Performance", "PresignedRecordings", "Provider",
    "Recordings",     "Say", "Side", "Transfer", "TransferMode", "TransferRecord", "Turn", "TurnRole", "Unmute", "capabilities_for",
    "describe", "is_transfer_destination",
]
