"""What each platform, and each call, can do, so the console can disable the rest with a reason."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict

from app.domain.call import Call, CallStatus, Provider
from app.domain.command import CommandKind

# What the newer (realtime) call kinds take. How such a call is recognised is not documented, so this
# only narrows a call known to be one; everywhere else a refusal (400) teaches the console (session).
REALTIME_COMMANDS = frozenset({CommandKind.END, CommandKind.TRANSFER, CommandKind.APPEND_CONTEXT})


class Capabilities(BaseModel):
    model_config = ConfigDict(frozen=True)

    provider: Provider
    rename: bool
    commands: frozenset[CommandKind]
    listen: bool
    recordings: bool

    def why_not(self, kind: CommandKind) -> str | None:
        """None when the platform supports the command, else a reason fit for a tooltip."""
        if kind in self.commands:
            return None
        if not self.commands:
            return f"{self.provider.display_name} has no live call control."
        return f"{self.provider.display_name} cannot {kind.value} from a console."

    @property
    def why_no_rename(self) -> str | None:
        return None if self.rename else f"{self.provider.display_name} does not allow renaming calls."

    @property
    def why_no_listen(self) -> str | None:
        return None if self.listen else f"{self.provider.display_name} offers no live audio."


CAPABILITIES: dict[Provider, Capabilities] = {
    Provider.VAPI: Capabilities(
        provider=Provider.VAPI,
        rename=True,
        commands=frozenset(CommandKind),
        listen=True,
        recordings=True,
    ),
    Provider.HMS: Capabilities(
        provider=Provider.HMS,
        rename=False,
        commands=frozenset({CommandKind.SAY, CommandKind.INJECT, CommandKind.TRANSFER, CommandKind.END}),
        listen=False,
        recordings=True,
    ),
    Provider.VOICEBOT: Capabilities(
        provider=Provider.VOICEBOT,
        rename=True,
        commands=frozenset(),
        listen=False,
        recordings=True,
    ),
}


class CallCapabilities(BaseModel):
    """What one call takes now: each command it does not, with why (fit for a tooltip)."""

    model_config = ConfigDict(frozen=True)

    reasons: dict[CommandKind, str]

    def why_not(self, kind: CommandKind) -> str | None:
        return self.reasons.get(kind)


def capabilities_for(call: Call, platform: Capabilities,
                     refused: Mapping[CommandKind, str] | None = None) -> CallCapabilities:
    """The platform's rules, then the call's kind and state, then what this call already refused."""
    reasons: dict[CommandKind, str] = {}
    for kind in CommandKind:
        reason = platform.why_not(kind) or _call_rule(call, kind) or (refused or {}).get(kind)
        if reason:
            reasons[kind] = reason
    return CallCapabilities(reasons=reasons)


def _call_rule(call: Call, kind: CommandKind) -> str | None:
    if call.realtime and kind not in REALTIME_COMMANDS:
        return "A realtime call takes only end-call, append-context and transfer."
    # HMS says "connecting" (shown as ringing) until the call is set up; it refuses control until then.
    if call.provider is Provider.HMS and call.status == CallStatus.RINGING:
        return "HMS Sovereign cannot control a call that is still connecting; try again once it is in progress."
    return None
