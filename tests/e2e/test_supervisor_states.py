"""The window follows a live call's state against the real sandbox: the list marks the call being heard
and a muted one, the header says muted, and when the call ends every control and an open Say form stop,
the form keeps its text, and nothing names the ended call as being heard any more."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.domain import CallStatus, End
from app.ui.call_list_model import CallMark
from tests.e2e.conftest import open_sandbox
from tests.e2e.test_call_control import open_form, select_new_live_call
from tests.fixtures.qt import until


def test_listening_and_mute_are_marked_and_an_ended_call_stops_everything(qtbot, window, sandbox_factory, run_async):
    sandbox = sandbox_factory(speed=2.0)

    async def scenario() -> None:
        await open_sandbox(window, sandbox)
        call_id = await select_new_live_call(window, sandbox)
        marks = window.call_list.proxy.marks
        window.audio_area.listen_panel.listen_button.click()
        await until(lambda: CallMark.LISTENING in marks(call_id), what="the list to mark the call heard")
        assert "you are listening" in window.call_subtitle.text()

        qtbot.mouseClick(window.controls.buttons["mute-customer"], Qt.MouseButton.LeftButton)
        await until(lambda: CallMark.MUTED in marks(call_id), timeout=15, what="the muted mark")
        assert "Customer muted" in window.call_subtitle.text()

        form = open_form(qtbot, window, "say")
        form.text.setPlainText("One moment please.")
        result = await window.session.send(call_id, End())  # ended elsewhere while the form is open
        assert result.outcome.value == "accepted"
        await until(lambda: window.selected_call().status == CallStatus.ENDED, timeout=15, what="the call to end")
        assert form.isVisible() and "call ended" in form.blocked.text()
        assert form.text.toPlainText() == "One moment please." and not form.ok_button.isEnabled()
        assert not any(b.isEnabled() for b in window.controls.buttons.values())
        await until(lambda: not marks(call_id), what="the marks to go with the call")
        assert window.audio_area.listened_ids() == set()
        assert "Customer muted" not in window.call_subtitle.text()
        assert "listening" not in window.call_subtitle.text()

    run_async(scenario())
