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
    Provider,
    Recordings,
    TransferRecord,
    Turn,
    TurnRole,
)
from app.domain.capabilities import CAPABILITIES, CallCapabilities, Capabilities, capabilities_for
from app.domain.command import (
    COMMAND_ADAPTER,
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
    Unmute,
    describe,
    is_transfer_destination,
)

__all__ = [
    "Account", "CAPABILITIES", "COMMAND_ADAPTER", "Call", "CallCapabilities", "CallStatus", "Capabilities",
    "Command",
    "CommandKind", "CommandResult", "CostBreakdown", "CostItem", "Direction", "End", "Inject", "LIVE_STATUSES",
    "Mute", "Outcome", "Performance", "Provider", "Recordings", "Say", "Side", "Transfer", "TransferRecord",
    "Turn", "TurnRole",
    "Unmute", "capabilities_for", "describe", "is_transfer_destination",
]
