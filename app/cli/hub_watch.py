"""`switchboard watch --hub URL`: the calls a team hub streams, into a registry the watch lines follow.

The token comes from SWITCHBOARD_HUB_TOKEN, else from the saved account on that hub (the one of
--provider/--base-url when given); it is never an argument, so it stays out of process lists.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from app.cli.platform_option import CliError, say_error
from app.domain import Provider
from app.live.accounts import ENV_HUB_TOKEN, AccountBook, same_base_url
from app.live.hub_client import HubState, HubStream, RegistryFeed
from app.live.registry import CallRegistry


def hub_token(hub_url: str, provider: str | None, base_url: str | None) -> str:
    book = AccountBook()
    named = book.find(provider, base_url) if provider and base_url else None
    on_hub = [a for a in book.accounts if a.hub_url and same_base_url(a.hub_url, hub_url)]
    account = named if named is not None and named in on_hub else (on_hub[0] if on_hub else None)
    token = book.hub_token_for(account)
    if not token:
        raise CliError(f"No hub token for {hub_url}: set {ENV_HUB_TOKEN} or save it with the account in the console.")
    return token


class HubWatch:
    """The hub's stream feeding a registry (only --provider's calls when given); `refused` once the
    hub turned the token down, which retrying cannot mend."""

    def __init__(self, args: argparse.Namespace, on_refused: Callable[[], None]) -> None:
        if not args.hub.startswith(("http://", "https://")):
            raise CliError("--hub is the hub's address, starting with https:// (or http://).")
        self.registry = CallRegistry()
        providers = [Provider(args.provider)] if args.provider else list(Provider)
        token = hub_token(args.hub, args.provider, args.base_url)
        self.stream = HubStream(args.hub, token, RegistryFeed(self.registry, providers))
        self._on_refused = on_refused
        self.stream.events.state.connect(self._state)

    def _state(self, state: HubState) -> None:
        if state is HubState.OFFLINE:
            say_error("the hub cannot be reached; retrying.")
        elif state is HubState.REFUSED:
            self._on_refused()
