"""What `switchboard listen` and `switchboard watch` share: the account session the window would open."""

from __future__ import annotations

import argparse

from app.cli.platform_option import CliError, account_keys
from app.domain import Account, Call, Provider
from app.live.session import AccountSession
from app.providers.errors import ProviderError
from app.store.audit import AuditUnavailable


def open_session(args: argparse.Namespace) -> AccountSession:
    """The same live services as the window (client, registry, poller) for --provider/--base-url."""
    provider = Provider(args.provider)
    key, public = account_keys(provider, args.base_url)
    account = Account(id=f"cli-{provider.value}", name=provider.display_name, provider=provider, base_url=args.base_url)
    return AccountSession.open(account, key, AuditUnavailable("listen and watch only read; use switchboard control"),
                               public_key=public, deadline=args.timeout)


async def read_call(session: AccountSession, call_id: str) -> Call:
    """The call as the platform has it now, merged into the session's registry; CliError when it cannot be read."""
    try:
        call = await session.refresh(call_id)
    except ProviderError as exc:
        raise CliError(f"Cannot read call {call_id}: {exc}", 1) from None
    if call is None:
        raise CliError(f"{session.account.name} has no call {call_id}.", 1)
    return call
