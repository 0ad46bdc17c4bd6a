"""The real window against the real sandbox over loopback: no mocks between them."""

from __future__ import annotations

from app.domain import Account, Provider
from app.sandbox.embedded import EmbeddedSandbox
from app.ui.main_window import MainWindow
from tests.fixtures.sandbox import SANDBOX_KEY


def sandbox_account(sandbox: EmbeddedSandbox, provider: Provider = Provider.VAPI) -> Account:
    return Account(id=f"e2e-{provider.value}", name="Sandbox", provider=provider, base_url=sandbox.base_url(provider))


async def open_sandbox(window: MainWindow, sandbox: EmbeddedSandbox, provider: Provider = Provider.VAPI) -> None:
    from tests.fixtures.qt import until

    await window.open_session(sandbox_account(sandbox, provider), SANDBOX_KEY)
    await until(lambda: window.status.state.loaded, what="the first call list")
