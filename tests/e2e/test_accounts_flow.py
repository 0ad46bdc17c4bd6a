"""Accounts against the sandbox: a refused key opens the dialog, switching from the toolbar, rename."""

from __future__ import annotations

import asyncio

from PySide6.QtWidgets import QInputDialog

from app.domain import Provider
from app.live.poller import Connection
from tests.e2e.conftest import open_sandbox, sandbox_account
from tests.fixtures.qt import until
from tests.fixtures.sandbox import SANDBOX_KEY


def test_a_refused_key_opens_the_accounts_dialog(window, sandbox, run_async):
    async def scenario() -> None:
        await window.open_session(sandbox_account(sandbox), "wrong-key")
        await until(lambda: window.status.state.connection is Connection.UNAUTHORIZED, what="the 401")
        dialog = await until(lambda: window.accounts_dialog, what="the accounts dialog")
        assert dialog.isVisible()
        assert "refused the API key" in dialog.problem.text()
        assert window.status.connection.text() == "Key refused"
        dialog.reject()

    run_async(scenario())


def test_switching_accounts_from_the_toolbar_swaps_the_calls(window, sandbox, run_async, monkeypatch):
    async def scenario() -> None:
        vapi, hms = sandbox_account(sandbox, Provider.VAPI), sandbox_account(sandbox, Provider.HMS)
        window.book.save(hms)
        window.set_accounts(window.known_accounts())
        await open_sandbox(window, sandbox, Provider.VAPI)
        assert window.session.account == vapi
        monkeypatch.setenv("SWITCHBOARD_API_KEY", SANDBOX_KEY)  # how machines without a keyring run
        index = window.account_switcher.findData(hms.id)
        window.account_switcher.setCurrentIndex(index)
        window.account_switcher.activated.emit(index)
        await until(lambda: window.session is not None and window.session.account.id == hms.id, what="the switch")
        await until(lambda: window.status.state.loaded, what="the HMS list")
        assert all(call.provider is Provider.HMS for call in window.session.registry.calls())
        assert not window.call_list.rename_action.isEnabled()  # HMS Sovereign cannot rename

    run_async(scenario())


def test_rename_from_the_list_reaches_the_platform(qtbot, window, sandbox, run_async):
    async def scenario() -> None:
        await open_sandbox(window, sandbox)
        call_id = window.call_list.visible_call_ids()[-1]
        window.call_list.select_call(call_id)
        window.call_list.rename_action.trigger()
        dialog = await until(lambda: window.findChild(QInputDialog, "renameDialog"), what="the rename dialog")
        dialog.setTextValue("Escalated to billing")
        dialog.accept()
        await until(lambda: window.session.registry.get(call_id).name == "Escalated to billing", what="the rename")
        stored = await window.session.client.get_call(call_id)
        assert stored.name == "Escalated to billing"  # the platform kept it

    run_async(scenario())


def test_an_account_without_a_key_asks_for_one_instead_of_connecting(window, sandbox, run_async):
    async def scenario() -> None:
        account = sandbox_account(sandbox)
        window.book.save(account)
        assert await window.open_account(account) is None
        assert window.session is None
        dialog = await until(lambda: window.accounts_dialog, what="the accounts dialog")
        assert "has no API key yet" in dialog.problem.text()
        assert "No API key is stored" in window.call_list.empty.text()
        dialog.reject()

    run_async(scenario())


def test_two_quick_switches_leave_exactly_one_session_running(window, sandbox, run_async):
    async def scenario() -> None:
        first, second = sandbox_account(sandbox, Provider.VAPI), sandbox_account(sandbox, Provider.VOICEBOT)
        opened = await asyncio.gather(window.open_session(first, SANDBOX_KEY), window.open_session(second, SANDBOX_KEY))
        assert window.session is opened[1]
        assert not opened[0].poller.running and opened[1].poller.running

    run_async(scenario())
