"""A supervisor's day against the sandbox: calls appear, transcripts grow, faults show and pass."""

from __future__ import annotations

import pytest

from app.domain import Provider, TurnRole
from app.live.poller import Connection
from app.ui.call_list_model import Scope
from tests.e2e.conftest import open_sandbox
from tests.fixtures.qt import until


def test_a_new_live_call_appears_highlighted_and_its_transcript_grows(window, sandbox_factory, run_async):
    sandbox = sandbox_factory(speed=3.0)  # the conversation moves three times faster than a real one

    async def scenario() -> None:
        await open_sandbox(window, sandbox)
        assert window.call_list.model.rowCount() >= 30
        call_id = sandbox.start_call(Provider.VAPI, "booking")
        await until(lambda: call_id in window.call_list.visible_call_ids(), what="the new call in the list")
        assert window.call_list.model.is_fresh(call_id)
        window.call_list.scope.setCurrentText(Scope.LIVE.value)
        assert call_id in window.call_list.visible_call_ids()
        assert window.call_list.select_call(call_id)
        assert window.selected_call().id == call_id
        model = window.transcript.model
        first = await until(lambda: model.rowCount() >= 2 and model.rowCount(), timeout=20, what="first turns")
        await until(lambda: model.rowCount() > first, timeout=30, what="the transcript to grow")
        roles = {t.role for t in window.selected_call().turns}
        assert TurnRole.CUSTOMER in roles or TurnRole.ASSISTANT in roles
        assert "in-progress" in window.call_subtitle.text()

    run_async(scenario())


@pytest.mark.parametrize(
    ("faults", "connection", "shown"),
    [
        ("error_rate=1", Connection.FAILING, lambda w: w.banner.isVisible() and "trouble" in w.banner.text.text()),
        ("429_every=1", Connection.RATE_LIMITED,
         lambda w: w.status.waiting.isVisible() and "Rate limited — waiting" in w.status.waiting.text()),
        ("malformed_rate=1", Connection.FAILING, lambda w: w.banner.isVisible()),
    ],
    ids=["5xx", "429", "malformed-json"],
)
def test_a_fault_shows_in_the_window_and_it_recovers(window, sandbox, run_async, faults, connection, shown):
    async def scenario() -> None:
        await open_sandbox(window, sandbox)
        sandbox.set_faults(faults)
        await until(lambda: window.status.state.connection is connection, what=str(connection))
        await until(lambda: shown(window), what=f"{connection} on screen")
        sandbox.set_faults(None)
        await until(lambda: window.status.state.connection is Connection.ONLINE, timeout=15, what="recovery")
        assert not window.banner.isVisible() and not window.status.waiting.isVisible()
        assert window.status.connection.text() == "Connected"

    run_async(scenario())


def test_dropped_connection_shows_offline_and_recovers_when_the_platform_returns(window, sandbox_factory, run_async):
    first = sandbox_factory()
    port = first.port

    async def scenario() -> None:
        await open_sandbox(window, first)
        rows = window.call_list.model.rowCount()
        first.stop()
        await until(lambda: window.status.state.connection is Connection.OFFLINE, what="offline")
        assert window.banner.isVisible() and "Offline" in window.banner.text.text()
        assert window.call_list.model.rowCount() == rows  # the last known state stays on screen
        sandbox_factory(port=port)
        await until(lambda: window.status.state.connection is Connection.ONLINE, timeout=20, what="recovery")
        assert not window.banner.isVisible()

    run_async(scenario())
