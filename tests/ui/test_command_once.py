"""A command for a call is not sent while the previous one for that call is still unanswered, whatever
asks for it (issue 11, item 5). One gate, the control bar's: a form sent while another command is
on its way is held back there and said so, and the bar never waits for an answer that cannot come."""

from __future__ import annotations

import asyncio

from app.domain import CAPABILITIES, CommandResult, Mute, Outcome, Provider, Side
from app.live.registry import CallRegistry
from app.ui.command_dialogs import TextCommandDialog
from app.ui.main_window import MainWindow
from tests.fixtures.qt import until
from tests.ui.sample_calls import live_call
from tests.ui.shown import shown


class SlowSession:
    """Answers a command only when the test says so."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, object]] = []
        self.answer = asyncio.Event()
        self.registry = CallRegistry()

    async def send(self, call_id: str, command: object) -> CommandResult:
        self.sent.append((call_id, command))
        await self.answer.wait()
        return CommandResult(outcome=Outcome.ACCEPTED)

    async def refresh(self, call_id: str) -> None:
        return None


def test_a_form_sent_while_a_command_is_unanswered_is_held_back_and_nothing_hangs(qtbot, run_async):
    window = shown(qtbot, MainWindow(), 1100, 600)
    session = SlowSession()
    call = live_call()
    window.session = session  # type: ignore[assignment]
    window._selected_id = call.id
    bar = window.controls
    bar.set_call(call, CAPABILITIES[Provider.VAPI])

    async def scenario() -> None:
        bar.buttons["say"].click()  # the form opens before anything is on its way
        form = bar.open_dialog
        assert isinstance(form, TextCommandDialog)
        form.text.setPlainText("One moment please")
        bar.buttons["mute-assistant"].click()  # sent: now unanswered
        await until(lambda: len(session.sent) == 1, what="the mute on its way")
        form.ok_button.click()  # the Say, while the mute waits for its answer
        await asyncio.sleep(0.05)
        assert "not sent" in bar.outcome.text()
        session.answer.set()
        await until(lambda: "accepted" in bar.outcome.text(), what="the mute's answer")

    try:
        run_async(scenario())
    finally:
        window.session = None
    assert session.sent == [(call.id, Mute(side=Side.ASSISTANT))]
    assert "Sending" not in bar.outcome.text()  # the held-back Say is not waiting for an answer
