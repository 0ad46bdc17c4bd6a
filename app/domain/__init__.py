"""Pure data shared by every layer: no I/O, no Qt."""

from app.domain.account import Account
from app.domain.call import (
    LIVE_STATUSES,
    Call,
    CallStatus,
    CostBreakdown,
    Direction,
    Provider,
    Recordings,
    Turn,
    TurnRole,
)
from app.domain.capabilities import CAPABILITIES, Capabilities
from app.domain.command import (
    COMMAND_ADAPTER,
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
    "Account", "CAPABILITIES", "COMMAND_ADAPTER", "Call", "CallStatus", "Capabilities", "Command",
    "CommandKind", "CommandResult", "CostBreakdown", "Direction", "End", "Inject", "LIVE_STATUSES",
    "Mute", "Outcome", "Provider", "Recordings", "Say", "Side", "Transfer", "TransferMode", "Turn", "TurnRole",
    "AppendContext",
    "Unmute", "describe", "is_transfer_destination",
]
