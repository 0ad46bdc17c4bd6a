"""A command for a call is not sent while the previous one for that call is still unanswered, whatever
asks for it (issue 11, item 5): the window's sending gate, not only the control bar's buttons."""

from __future__ import annotations

import asyncio

from app.domain import CommandResult, Mute, Outcome, Side, Unmute
from app.ui.main_window import MainWindow
from tests.ui.shown import shown


class SlowSession:
    """Answers a command only when the test says so."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, object]] = []
        self.answer = asyncio.Event()

    async def send(self, call_id: str, command: object) -> CommandResult:
        self.sent.append((call_id, command))
        await self.answer.wait()
        return CommandResult(outcome=Outcome.ACCEPTED)

    async def refresh(self, call_id: str) -> None:
        return None


def test_a_second_command_for_the_call_is_not_sent_while_the_first_is_pending(qtbot, run_async):
    window = shown(qtbot, MainWindow(), 900, 600)
    session = SlowSession()
    window.session = session  # type: ignore[assignment]
    window._selected_id = "a"

    async def scenario() -> list[object]:
        first = window.send_command(Mute(side=Side.ASSISTANT))  # an asyncSlot: a task
        await asyncio.sleep(0)
        second_task = window.send_command(Unmute(side=Side.ASSISTANT))
        await asyncio.sleep(0.05)
        session.answer.set()  # before awaiting the second: sent or not, nothing may hang
        second = await asyncio.wait_for(second_task, 2)
        return [await first, second]

    try:
        results = run_async(scenario())
    finally:
        window.session = None
    assert session.sent == [("a", Mute(side=Side.ASSISTANT))]
    assert results[0] is not None and results[1] is None
