"""The Redact switch in the real window against the real sandbox: the transcript, the analysis and
the call list's customer numbers hide what redaction finds, and show it again when switched off."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from app.domain import Account, Provider, Transfer
from app.ui.alert_desk import ConsoleAlerts
from app.ui.call_list_model import Column
from app.ui.history_area import ConsoleHistory
from app.ui.main_window import MainWindow
from app.ui.screen_redaction import SCREEN
from app.ui.wall import CALL_ROLE
from tests.e2e.conftest import open_sandbox
from tests.fixtures.qt import until
from tests.fixtures.sandbox import SANDBOX_KEY
from tests.fixtures.window import open_window

SPELLED = "four four seven one, nine nine two"


@pytest.fixture
def window(qtbot, qloop: asyncio.AbstractEventLoop, tmp_path: Path) -> Iterator[MainWindow]:
    yield open_window(qtbot, qloop, tmp_path, height=860)
    SCREEN.set_on(False)


def test_the_redact_switch_hides_numbers_on_screen(window, sandbox, run_async):
    async def scenario() -> None:
        vapi = Account(id="redact", name="Vapi", provider=Provider.VAPI, base_url=sandbox.base_url(Provider.VAPI))
        await window.open_session(vapi, SANDBOX_KEY)
        await until(lambda: window.status.state.loaded, what="the call list")
        await until(lambda: any(SPELLED in t.text for c in window.session.registry.calls() for t in c.turns),
                    timeout=20, what="a billing call's transcript")
        call = next(c for c in window.session.registry.calls() if any(SPELLED in t.text for t in c.turns))
        assert window.call_list.select_call(call.id) or window.open_call(call.id)
        await until(lambda: any(SPELLED in t.text for t in window.transcript.model.turns), what="the transcript")
        model = window.call_list.model
        numbered = next(r for r in range(model.rowCount())
                        if (c := model.call_at(r)) is not None and c.customer_number and not c.customer_name)
        shown_number = model.index(numbered, Column.CUSTOMER).data()
        assert shown_number and "[" not in shown_number

        switch = window.findChild(QAction, "redactSwitch")
        switch.trigger()
        assert SCREEN.on
        texts = [t.text for t in window.transcript.model.turns]
        assert not any(SPELLED in t for t in texts) and any("[number]" in t for t in texts)
        assert model.index(numbered, Column.CUSTOMER).data() == "[phone number]"
        assert window.selected_call() is not None and any(SPELLED in t.text for t in window.selected_call().turns)

        switch.trigger()
        assert any(SPELLED in t.text for t in window.transcript.model.turns)
        assert model.index(numbered, Column.CUSTOMER).data() == shown_number

    run_async(scenario())


def test_with_redact_on_no_part_of_the_window_shows_the_callers_number(qtbot, qloop, tmp_path: Path,
                                                                      sandbox_factory, run_async):
    """The wall, the triage queue, the tray's notification, the control bar, the transfer confirmation
    and the review's title, for a troubled sandbox call whose caller gave no name (so the number would show)."""
    sandbox = sandbox_factory(speed=6.0, live=0, history=10)
    window = open_window(qtbot, qloop, tmp_path, height=860, history_user="ria")
    desk = ConsoleAlerts(window, None, user="sam", settings_path=tmp_path / "alerts.toml",
                         clock=sandbox.server.state.world.clock.now)
    history = window.findChild(ConsoleHistory)
    players = sandbox.server.state.world.players

    async def scenario() -> None:
        await open_sandbox(window, sandbox)
        window.findChild(QAction, "redactSwitch").trigger()
        assert SCREEN.on
        call_id = next(i for i in (sandbox.start_call(Provider.VAPI, "angry_customer") for _ in range(20))
                       if players[i].call.customer_name is None)
        number = players[call_id].call.customer_number.lstrip("+")
        await until(lambda: any(desk.queue.model.alert_at(r).call_id == call_id
                                for r in range(desk.queue.model.rowCount())), timeout=30, what="the call's alert")
        assert window.open_call(call_id)
        await until(lambda: history.area.review.call_id == call_id, what="the call in the review panel")
        desk.wall.refresh()
        wall = desk.wall.model
        tile = next(wall.index(r, 0) for r in range(wall.rowCount()) if wall.index(r, 0).data(CALL_ROLE).id == call_id)
        queue = desk.queue.model
        shown = [tile.data(), tile.data(Qt.ItemDataRole.ToolTipRole),
                 history.area.review.title.text(), window.controls.target.text(), window.windowTitle()]
        shown += [queue.index(r, c).data(role) for r in range(queue.rowCount()) for c in range(queue.columnCount())
                  for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)]
        shown += [desk.describe(alert) for alert in desk.engine.alerts_for(call_id)]  # the tray's words
        window.controls._on_form_done(Transfer(destination="sip:desk@example.com"))
        confirmation = window.controls.open_dialog
        assert isinstance(confirmation, QMessageBox)
        shown.append(confirmation.text())
        confirmation.close()
        leaks = [text for text in shown if number in str(text)]
        assert not leaks, leaks
        switch = window.findChild(QAction, "redactSwitch")
        switch.trigger()  # off: the open review and the control bar name the caller again, and on: not
        assert number in window.controls.target.text()
        await until(lambda: number in history.area.review.title.text(), what="the review's title named anew")
        switch.trigger()
        assert number not in window.controls.target.text()
        await until(lambda: number not in history.area.review.title.text(), what="the review's title redacted")
        await desk.close()

    try:
        run_async(scenario())
    finally:
        SCREEN.set_on(False)
