"""Supervisor lines against the real sandbox: a Say line is marked as the supervisor's in the transcript
(and its copied text), the call they ended says "Ended by supervisor" in the list and the header, and
both come back from the audit log when the window has forgotten them."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt

from app.domain import CallStatus
from app.ui.call_list_model import Column
from app.ui.history_area import ConsoleHistory
from app.ui.rich_text_delegate import RICH_TEXT
from app.ui.transcript_model import SUPERVISOR_ROLE, SUPERVISOR_TITLE
from tests.e2e.conftest import open_sandbox
from tests.e2e.test_call_control import confirm, open_form, select_new_live_call
from tests.fixtures.qt import until
from tests.fixtures.window import open_window

LINE = "A supervisor is joining to help you."


def supervisor_texts(window) -> list[str]:
    model = window.transcript.model
    return [model.turn_at(r).text for r in range(model.rowCount()) if model.index(r).data(SUPERVISOR_ROLE)]


def ended_reason_cell(window, call_id: str) -> str:
    row = window.call_list.visible_call_ids().index(call_id)
    return window.call_list.proxy.index(row, Column.ENDED_REASON).data()


def test_say_lines_and_the_end_are_the_supervisors(qtbot, qloop, tmp_path, sandbox_factory, run_async):
    sandbox = sandbox_factory(speed=2.0)
    window = open_window(qtbot, qloop, tmp_path, history_user="sam")

    async def scenario() -> None:
        await open_sandbox(window, sandbox)
        call_id = await select_new_live_call(window, sandbox)
        form = open_form(qtbot, window, "say")
        form.text.setPlainText(LINE)
        form.ok_button.click()
        await until(lambda: LINE in supervisor_texts(window), timeout=15, what="the line marked as the supervisor's")
        assert f"{SUPERVISOR_TITLE}: {LINE}" in window.transcript.model.text_of()
        assert all(LINE not in t for t in [window.transcript.model.turn_at(r).text
                                           for r in range(window.transcript.model.rowCount())
                                           if not window.transcript.model.index(r).data(SUPERVISOR_ROLE)])

        qtbot.mouseClick(window.controls.buttons["end"], Qt.MouseButton.LeftButton)
        confirm(window, "End call")
        await until(lambda: window.selected_call().status == CallStatus.ENDED, timeout=15, what="the end")
        assert "Ended by supervisor" in window.call_subtitle.text()
        assert ended_reason_cell(window, call_id).startswith("Ended by supervisor")

        # Forgotten by the window (as after a restart): the audit rows bring both back.
        window.supervision.clear()
        window.call_list.proxy.set_mark(call_id, "ended-by", None)
        window.call_list.clear_selection()
        window._show_call(None)
        assert window.call_list.select_call(call_id)
        await until(lambda: LINE in supervisor_texts(window), what="the line from the audit log")
        await until(lambda: "Ended by supervisor (sam)" in window.call_subtitle.text(), what="who ended it")

        # Search: the hit on that line is the supervisor's, not the assistant's.
        search = window.findChild(ConsoleHistory).area.search

        async def hit_titles() -> list[str]:
            result = await search.search('"supervisor is joining"')
            return [search.model.index(r, 0).data(RICH_TEXT) for r in range(len(result.hits))
                    if result.hits[r].call_id == call_id]

        for _ in range(100):
            titles = await hit_titles()
            if titles:
                break
            await asyncio.sleep(0.1)  # the finished call reaches the history cache
        assert titles and all(SUPERVISOR_TITLE in title for title in titles)

    run_async(scenario())
