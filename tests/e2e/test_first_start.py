"""Which account the window opens: the demo on a first start, the command line's, or the last one."""

from __future__ import annotations

import argparse

from app.domain import Provider
from app.ui.console import command_line_account, open_first_account
from tests.e2e.conftest import sandbox_account
from tests.fixtures.qt import until
from tests.fixtures.sandbox import SANDBOX_KEY


def args(**given: object) -> argparse.Namespace:
    return argparse.Namespace(**{"demo": False, "provider": None, "base_url": None, "self_test": False, **given})


def test_a_first_start_shows_the_demo_account_with_calls(window, run_async):
    async def scenario() -> None:
        await open_first_account(window, args())
        assert window.session is not None and window.session.account.is_demo
        await until(lambda: window.call_list.model.rowCount() > 0, timeout=30, what="demo calls")
        assert window.account_switcher.currentText().startswith("Demo (sandbox)")

    run_async(scenario())


def test_the_command_line_opens_that_platform_with_the_key_from_the_environment(
        window, sandbox, run_async, monkeypatch):
    monkeypatch.setenv("SWITCHBOARD_API_KEY", SANDBOX_KEY)
    url = sandbox.base_url(Provider.HMS)

    async def scenario() -> None:
        await open_first_account(window, args(provider="hms", base_url=url))
        assert window.session.account == command_line_account("hms", url)
        await until(lambda: window.status.state.loaded, what="the HMS list")
        assert window.account_switcher.currentText() == f"127.0.0.1:{sandbox.port} — HMS Sovereign"

    run_async(scenario())


def test_the_next_start_reopens_the_last_account(window, sandbox, run_async, monkeypatch):
    monkeypatch.setenv("SWITCHBOARD_API_KEY", SANDBOX_KEY)
    account = sandbox_account(sandbox, Provider.VOICEBOT)
    window.book.save(account)

    async def scenario() -> None:
        await window.open_account(account)
        assert window.last_account() == account
        await window.close_session()
        await open_first_account(window, args())
        assert window.session.account == account
        await open_first_account(window, args(demo=True))
        assert window.session.account.is_demo

    run_async(scenario())
