"""The real window against the real sandbox over loopback: no mocks between them."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.domain import Account, Provider
from app.live.accounts import AccountBook
from app.live.poller import PollPlan
from app.sandbox.embedded import EmbeddedSandbox
from app.ui.main_window import MainWindow
from tests.fixtures.sandbox import SANDBOX_KEY

# Faster than a supervisor needs, so the tests do not wait on the clock.
E2E_PLAN = PollPlan(live_interval=0.25, list_interval=0.5, max_backoff=1.0)


def sandbox_account(sandbox: EmbeddedSandbox, provider: Provider = Provider.VAPI) -> Account:
    return Account(id=f"e2e-{provider.value}", name="Sandbox", provider=provider, base_url=sandbox.base_url(provider))


@pytest.fixture
def window(qtbot, qloop: asyncio.AbstractEventLoop, tmp_path: Path) -> Iterator[MainWindow]:
    win = MainWindow(book=AccountBook(tmp_path / "accounts.json"))
    win.poll_plan = E2E_PLAN
    # Shut down (HTTP clients, poller) while the loop still runs, before pytest-qt closes the window.
    qtbot.addWidget(win, before_close_func=lambda w: qloop.run_until_complete(w.shutdown()))
    win.resize(1280, 800)
    win.show()
    yield win


async def open_sandbox(window: MainWindow, sandbox: EmbeddedSandbox, provider: Provider = Provider.VAPI) -> None:
    from tests.fixtures.qt import until

    await window.open_session(sandbox_account(sandbox, provider), SANDBOX_KEY)
    await until(lambda: window.status.state.loaded, what="the first call list")
