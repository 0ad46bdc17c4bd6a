"""One open account: its platform client, capabilities, call registry and poller.

The UI and the CLI ask this to list, refresh, rename or send a command; they never pick a
provider or build a request. Every control command goes through `send`, and `send` goes through
the session's audit trail: a session cannot be made without one, so nothing is sent unrecorded.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Protocol

import httpx

from app.domain import (
    Account,
    Call,
    CallCapabilities,
    Capabilities,
    Command,
    CommandKind,
    CommandResult,
    Outcome,
    capabilities_for,
    describe,
)
from app.live.events import Event
from app.live.names import NameArchive, NameBook
from app.live.poller import CallPoller, PollPlan
from app.live.registry import CallRegistry
from app.providers.base import PlatformClient
from app.providers.errors import UnsupportedError
from app.providers.http import DEFAULT_DEADLINE

log = logging.getLogger(__name__)


class CommandJournal(Protocol):
    """Sends a command on the session's behalf, recording it before and its outcome after (the audit log)."""

    async def send(self, client: PlatformClient, account: Account, call: Call, command: Command) -> CommandResult: ...


# A refusal with one of these says the call will not take this command (not: try later, fix the key).
DISABLING_STATUSES = frozenset({400, 405, 409, 422})


@dataclass(frozen=True)
class SessionEvents:
    capabilities: Event[str] = field(default_factory=lambda: Event("call capabilities"))  # the call's id


class AccountSession:
    """What is happening on one account, and the only way to act on it."""

    def __init__(self, account: Account, client: PlatformClient, audit: CommandJournal, *,
                 plan: PollPlan | None = None, names: NameArchive | None = None):
        self.account = account
        self.client = client
        self.audit = audit
        self.names = NameBook(client, account.id, names)  # shared by the poller and the history sync
        self.registry = CallRegistry()
        self.poller = CallPoller(client, self.registry, plan, self.names)
        self.events = SessionEvents()
        self._refused: dict[str, dict[CommandKind, str]] = {}  # per call: commands it refused, and why
        self._barred: str | None = None  # why no command may be sent at all (the user's hub role)

    @classmethod
    def open(cls, account: Account, api_key: str, audit: CommandJournal, *, public_key: str | None = None,
             http: httpx.AsyncClient | None = None, plan: PollPlan | None = None,
             names: NameArchive | None = None, deadline: float = DEFAULT_DEADLINE) -> AccountSession:
        """`deadline`: the most one request may take, in seconds (the CLI's --timeout)."""
        from app.providers import RetryPolicy, make_client

        # The poller retries reads itself (and says so in the status bar); commands are never retried.
        client = make_client(account.provider, account.base_url, api_key, public_key=public_key, http=http,
                             retry=RetryPolicy(max_retries=0, deadline=deadline))
        return cls(account, client, audit, plan=plan, names=names)

    @property
    def capabilities(self) -> Capabilities:
        return self.client.capabilities

    def capabilities_for(self, call: Call) -> CallCapabilities:
        """What this call takes now: the platform's rules, the call's kind and state, its refusals."""
        refused = self._refused.get(call.id)
        if self._barred:
            refused = dict.fromkeys(CommandKind, self._barred)
        return capabilities_for(call, self.capabilities, refused)

    def bar_commands(self, reason: str | None) -> None:
        """Refuse every command with this reason (None lifts it); views re-read each call's capabilities."""
        if reason != self._barred:
            self._barred = reason
            for call_id in self.registry.live_ids():
                self.events.capabilities.emit(call_id)

    def start(self) -> None:
        self.poller.start()

    async def aclose(self) -> None:
        await self.poller.stop()
        await self.client.aclose()

    # --- reading -------------------------------------------------------------------------
    async def refresh(self, call_id: str) -> Call | None:
        return await self.poller.refresh(call_id)

    async def refresh_list(self) -> None:
        await self.poller.refresh_list()

    # --- acting --------------------------------------------------------------------------
    async def rename(self, call_id: str, name: str) -> Call:
        reason = self.capabilities.why_no_rename
        if reason:
            raise UnsupportedError(reason)
        call = await self.client.rename_call(call_id, name.strip())
        self.registry.merge([call])
        return call

    async def send(self, call_id: str, command: Command) -> CommandResult:
        """Send a command once. Errors become a result, never an exception; nothing is retried."""
        call = self.registry.get(call_id)
        if call is None:
            return CommandResult(outcome=Outcome.REFUSED, message="This call is no longer in the list.")
        reason = self.capabilities_for(call).why_not(command.kind)
        if reason:
            return CommandResult(outcome=Outcome.REFUSED, message=reason)
        log.info("sending to call %s: %s", call_id, describe(command))
        result = await self.audit.send(self.client, self.account, call, command)
        if result.outcome is Outcome.REFUSED and result.status_code in DISABLING_STATUSES:
            self._refused.setdefault(call_id, {})[command.kind] = result.message or "The call refused this command."
            self.events.capabilities.emit(call_id)
        log.info("call %s: %s → %s %s", call_id, command.kind.value, result.outcome.value, result.message)
        self.poller.poll_list_soon()
        return result
