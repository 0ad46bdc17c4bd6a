"""What each platform can do, so the console can disable the rest with a reason."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from app.domain.call import Provider
from app.domain.command import CommandKind


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
