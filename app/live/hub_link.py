"""An account's session fed by its team hub: live changes by push, polling only to reconcile.

While the hub streams, the poller slows to a reconciliation pace; when the hub is unreachable
it polls at its normal pace again, and switches back by itself when the stream returns. The
link also carries the team record (`board`) and, when the hub says the user is a reviewer,
bars the session's commands: a reviewer's token cannot send one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path

from app.live.events import Event
from app.live.hub_client import HubState, HubStream, RegistryFeed, TeamRecordClient
from app.live.poller import PollPlan
from app.live.session import AccountSession
from app.live.team_board import TeamBoard
from app.paths import data_dir
from app.providers.http import RetryPolicy

log = logging.getLogger(__name__)

RECONCILE_SECONDS = 30.0
STREAMING_TEXT = "Streaming from hub"
POLLING_TEXT = "Polling"
REFUSED_TEXT = "Polling — the hub refused your token"  # retrying will not help: the user must fix it
NO_TOKEN_TEXT = "Polling — no hub token for this account"
REVIEWER_ROLE = "reviewer"


def reconciling(plan: PollPlan) -> PollPlan:
    return replace(plan, live_interval=max(plan.live_interval, RECONCILE_SECONDS),
                   list_interval=max(plan.list_interval, RECONCILE_SECONDS))


def queue_file(account_id: str) -> Path:
    """Where the account's rows wait for the hub (one file per account: switching keeps each queue)."""
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in account_id)
    return data_dir() / "hub-queues" / f"{safe}.json"


def _refused_row(row: dict[str, object], reason: str) -> None:
    # Only a row its role may not write (the hub's 4xx): resending would not help, and the local store has it.
    log.warning("the hub refused a %s row: %s", row.get("kind"), reason)


@dataclass(frozen=True)
class LinkEvents:
    mode: Event[str] = field(default_factory=lambda: Event("hub mode"))  # STREAMING_TEXT or POLLING_TEXT


class HubLink:
    def __init__(self, session: AccountSession, hub_url: str, token: str, *, source: str | None = None,
                 retry: RetryPolicy | None = None, queue: Path | None = None) -> None:
        """`source`: the hub's webhook endpoint for this account, when the hub serves several."""
        self._session = session
        self._normal = session.poller.plan
        self.board = TeamBoard(TeamRecordClient(hub_url, token, queue or queue_file(session.account.id),
                                                on_refused=_refused_row), session.account)
        # Events missed for good: a list poll re-reads what the platform has now.
        feed = RegistryFeed(session.registry, [session.account.provider],
                            sources=None if source is None else [source],
                            on_record=self.board.add, on_reset=session.poller.poll_list_soon)
        self._feed = feed
        self.stream = HubStream(hub_url, token, feed, retry=retry)
        self.events = LinkEvents()
        self.stream.events.state.connect(self._follow)
        self.board.client.follow(self.stream)

    @property
    def mode(self) -> str:
        """What the status bar says: where live updates come from right now."""
        state = self.stream.state
        return {HubState.STREAMING: STREAMING_TEXT, HubState.REFUSED: REFUSED_TEXT}.get(state, POLLING_TEXT)

    @property
    def streaming(self) -> bool:
        return self.stream.state is HubState.STREAMING

    @property
    def commands_barred(self) -> str | None:
        """Why this user may not send commands (their hub role), or None."""
        if self.stream.role == REVIEWER_ROLE:
            return (f"The hub knows {self.stream.user or 'you'} as a reviewer: "
                    "reviewers may not send commands to calls.")
        return None

    def start(self) -> None:
        self.stream.start()

    async def stop(self) -> None:
        await self.stream.stop()
        self._feed.close()
        await self.board.aclose()
        self._session.poller.set_plan(self._normal)

    def _follow(self, state: HubState) -> None:
        poller = self._session.poller
        if state is HubState.STREAMING:
            self._session.bar_commands(self.commands_barred)
            poller.set_plan(reconciling(self._normal))
            poller.poll_list_soon()  # once, to catch up with what happened before the stream
            self.board.catch_up_soon()
        elif poller.plan != self._normal:
            poller.set_plan(self._normal)
            poller.poll_list_soon()
        self.events.mode.emit(self.mode)
