"""The real window against the sandbox: under *Live only*, a selected call that ends stays on screen with
every control off and the list saying it left the view; no other call gets selected by itself."""

from __future__ import annotations

from app.domain import CallStatus, End
from app.ui.call_list_model import Scope
from tests.e2e.conftest import open_sandbox
from tests.e2e.test_call_control import select_new_live_call
from tests.fixtures.qt import until


def test_a_call_ending_under_live_only_keeps_the_panel_on_it(window, sandbox_factory, run_async):
    sandbox = sandbox_factory(speed=2.0)

    async def scenario() -> None:
        await open_sandbox(window, sandbox)
        window.call_list.scope.setCurrentText(Scope.LIVE.value)
        call_id = await select_new_live_call(window, sandbox)
        assert (await window.session.send(call_id, End())).outcome.value == "accepted"
        await until(lambda: call_id not in window.call_list.visible_call_ids(), timeout=15, what="the call to leave")
        assert window.selected_call().id == call_id and window.selected_call().status == CallStatus.ENDED
        assert window.call_list.left_view_note.isVisible()
        assert window.call_list.current_call() is None  # no other row was picked
        assert not any(button.isEnabled() for button in window.controls.buttons.values())
        assert window.call_title.text() != "No call selected"

    run_async(scenario())
