"""The window speaks of one account at a time: opening an account with no key leaves no trace of the
previous one; an unreachable platform gets one clean sentence naming the host and port tried."""

from __future__ import annotations

import socket

from app.domain import Account, Provider
from app.live.accounts import ENV_KEY
from app.live.poller import Connection
from tests.e2e.conftest import open_sandbox
from tests.fixtures.qt import until
from tests.fixtures.sandbox import SANDBOX_KEY


def test_opening_an_account_without_a_key_leaves_no_contradictory_state(window, sandbox, run_async, monkeypatch):
    monkeypatch.delenv(ENV_KEY, raising=False)
    keyless = Account(id="keyless", name="Clinic line", provider=Provider.HMS, base_url="https://hms.example.com/api/v1")
    window.book.save(keyless)

    async def scenario() -> None:
        await open_sandbox(window, sandbox)
        first = next(c.id for c in window.session.registry.calls() if c.turns)
        assert window.call_list.select_call(first)
        assert window.transcript.model.rowCount() > 0
        await window.open_account(keyless)
        assert window.account_switcher.currentData() == "keyless"  # the toolbar
        assert window.call_list.model.rowCount() == 0 and "No API key is stored for “Clinic line”" in \
            window.call_list.empty.text()  # the list
        assert window.call_title.text() == "No call selected" and window.transcript.model.rowCount() == 0  # detail
        assert window.status.account.text() == "No API key for Clinic line"  # the status bar
        assert window.status.connection.text() == "Not connected"
        assert "Clinic line" in window.windowTitle() and not window.banner.isVisible()
        window.accounts_dialog.reject()

    run_async(scenario())


def test_offline_banner_is_one_sentence_naming_host_and_port(window, run_async):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    account = Account(id="gone", name="Gone", provider=Provider.VAPI, base_url=f"http://127.0.0.1:{port}")

    async def scenario() -> None:
        await window.open_session(account, SANDBOX_KEY)
        await until(lambda: window.status.state.connection is Connection.OFFLINE, what="offline")
        text = window.banner.text.text()
        assert text.startswith(f"Offline: cannot reach Vapi at 127.0.0.1:{port}, retrying in ")
        assert text.endswith("; the list shows the last known state.") and text.count(".") == 4  # 127.0.0.1 + end
        assert ".." not in text and "<" not in text

    run_async(scenario())
