"""Call control through the real window against the sandbox: forms, confirmations, visible effects."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.domain import CallStatus, Provider, Turn, TurnRole
from app.ui.command_dialogs import CommandDialog, TransferDialog
from app.ui.main_window import MainWindow
from tests.e2e.conftest import open_sandbox
from tests.fixtures.qt import until


async def select_new_live_call(window: MainWindow, sandbox, scenario: str = "booking") -> str:
    call_id = sandbox.start_call(Provider.VAPI, scenario)
    await until(lambda: call_id in window.call_list.visible_call_ids(), what="the new call")
    assert window.call_list.select_call(call_id)
    await until(lambda: window.selected_call().status == CallStatus.IN_PROGRESS, timeout=20, what="in progress")
    await until(lambda: window.controls.buttons["say"].isEnabled(), what="controls enabled")
    return call_id


@pytest.fixture
def quick_sandbox(sandbox_factory):
    """Calls at twice real speed: long enough to act on, short enough to watch end."""
    return sandbox_factory(speed=2.0)


def open_form(qtbot, window: MainWindow, key: str) -> CommandDialog:
    qtbot.mouseClick(window.controls.buttons[key], Qt.MouseButton.LeftButton)
    form = window.controls.open_dialog
    assert isinstance(form, CommandDialog) and form.isVisible()
    return form


def confirm(window: MainWindow, label: str) -> None:
    box = window.controls.open_dialog
    assert isinstance(box, QMessageBox) and box.isVisible(), "a confirmation must be asked first"
    next(b for b in box.buttons() if b.text().replace("&", "") == label).click()


def shown_turns(window: MainWindow) -> list[Turn]:
    model = window.transcript.model
    return [model.turn_at(row) for row in range(model.rowCount())]


def has_turn(window: MainWindow, role: TurnRole, text: str) -> bool:
    return any(t.role == role and text in t.text for t in shown_turns(window))


def test_say_makes_the_assistant_speak_and_inject_adds_a_system_turn(qtbot, window, quick_sandbox, run_async):
    async def scenario() -> None:
        await open_sandbox(window, quick_sandbox)
        await select_new_live_call(window, quick_sandbox)

        form = open_form(qtbot, window, "say")
        form.text.setPlainText("A supervisor is joining to help you.")
        form.ok_button.click()
        await until(lambda: has_turn(window, TurnRole.ASSISTANT, "A supervisor is joining"), timeout=15,
                    what="the assistant's line in the transcript")
        await until(lambda: "accepted" in window.controls.outcome.text(), what="the outcome next to the call")

        form = open_form(qtbot, window, "inject")
        form.text.setPlainText("The caller is a premium customer.")
        form.ok_button.click()
        await until(lambda: has_turn(window, TurnRole.SYSTEM, "premium customer"), timeout=15,
                    what="the system turn in the transcript")

    run_async(scenario())


def test_transfer_ends_the_call_after_confirmation(qtbot, window, quick_sandbox, run_async):
    async def scenario() -> None:
        await open_sandbox(window, quick_sandbox)
        call_id = await select_new_live_call(window, quick_sandbox)
        form = open_form(qtbot, window, "transfer")
        assert isinstance(form, TransferDialog)
        form.destination.setText("+15551234567")
        form.ok_button.click()
        assert window.session.registry.get(call_id).is_live  # nothing sent before the confirmation
        confirm(window, "Transfer")
        await until(lambda: not window.session.registry.get(call_id).is_live, timeout=30, what="the call to end")
        call = window.session.registry.get(call_id)
        assert call.status == CallStatus.ENDED
        assert not window.controls.buttons["say"].isEnabled()

    run_async(scenario())


def test_end_ends_the_call_after_confirmation_and_cancel_does_not(qtbot, window, quick_sandbox, run_async):
    async def scenario() -> None:
        await open_sandbox(window, quick_sandbox)
        call_id = await select_new_live_call(window, quick_sandbox)
        qtbot.mouseClick(window.controls.buttons["end"], Qt.MouseButton.LeftButton)
        confirm(window, "Cancel")
        assert window.session.registry.get(call_id).is_live
        qtbot.mouseClick(window.controls.buttons["end"], Qt.MouseButton.LeftButton)
        confirm(window, "End call")
        await until(lambda: window.session.registry.get(call_id).status == CallStatus.ENDED, timeout=15,
                    what="the call to end")
        await until(lambda: "accepted" in window.controls.outcome.text(), what="the outcome")
        assert "ended" in window.call_subtitle.text()
        # Analysis lands a little after the end; the selected call keeps being refreshed until it does.
        await until(lambda: window.selected_call().has_analysis, timeout=20, what="the analysis")
        await until(lambda: window.analysis.state_text == "", what="the analysis panel to fill")

    run_async(scenario())
