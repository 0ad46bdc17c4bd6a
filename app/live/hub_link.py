"""An account's session fed by its team hub: live changes by push, polling only to reconcile.

While the hub streams, the poller slows to a reconciliation pace; when the hub is unreachable
it polls at its normal pace again, and switches back by itself when the stream returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from app.domain import Turn
from app.live.hub_client import HubState, HubStream, RegistryFeed
from app.live.poller import PollPlan
from app.live.session import AccountSession
from app.providers.http import RetryPolicy

RECONCILE_SECONDS = 30.0
STREAMING_TEXT = "Streaming from hub"
POLLING_TEXT = "Polling"


def reconciling(plan: PollPlan) -> PollPlan:
    return replace(plan, live_interval=max(plan.live_interval, RECONCILE_SECONDS),
                   list_interval=max(plan.list_interval, RECONCILE_SECONDS))


class HubLink:
    def __init__(self, session: AccountSession, hub_url: str, token: str, *, source: str | None = None,
                 retry: RetryPolicy | None = None, on_partial: Callable[[str, Turn], None] | None = None) -> None:
        """`source`: the hub's webhook endpoint for this account, when the hub serves several."""
        self._session = session
        self._normal = session.poller.plan
        # Events missed for good: a list poll re-reads what the platform has now.
        feed = RegistryFeed(session.registry, [session.account.provider],
                            sources=None if source is None else [source], on_partial=on_partial,
                            on_reset=session.poller.poll_list_soon)
        self.stream = HubStream(hub_url, token, feed, retry=retry)
        self.stream.on_state(self._follow)
        self._listeners: list[Callable[[str], None]] = []

    @property
    def mode(self) -> str:
        """What the status bar says: where live updates come from right now."""
        return STREAMING_TEXT if self.stream.state is HubState.STREAMING else POLLING_TEXT

    def on_mode(self, listener: Callable[[str], None]) -> None:
        self._listeners.append(listener)

    def start(self) -> None:
        self.stream.start()

    async def stop(self) -> None:
        await self.stream.stop()
        self._session.poller.set_plan(self._normal)

    def _follow(self, state: HubState) -> None:
        poller = self._session.poller
        if state is HubState.STREAMING:
            poller.set_plan(reconciling(self._normal))
            poller.poll_list_soon()  # once, to catch up with what happened before the stream
        elif poller.plan != self._normal:
            poller.set_plan(self._normal)
            poller.poll_list_soon()
        for listener in list(self._listeners):
            listener(self.mode)
