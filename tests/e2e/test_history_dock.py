"""The History dock against the real sandbox: its Calls tab follows live calls (not "queued, 0 turns" all
session), it has room for a whole scorecard and useful lists at 1600×1000, and it cannot be floated off
by a stray double-click."""

from __future__ import annotations

from PySide6.QtWidgets import QDockWidget

from app.domain import CallStatus, Provider
from app.ui.history_area import ConsoleHistory
from app.ui.history_model import COLUMNS
from tests.e2e.conftest import open_sandbox
from tests.fixtures.qt import until
from tests.fixtures.window import open_window


def test_calls_tab_follows_live_calls_and_the_dock_has_room(qtbot, qloop, tmp_path, sandbox_factory, run_async):
    sandbox = sandbox_factory(speed=2.0)
    window = open_window(qtbot, qloop, tmp_path, height=1000, history_user="ria")
    window.resize(1600, 1000)
    history = window.findChild(ConsoleHistory)

    async def scenario() -> None:
        await open_sandbox(window, sandbox)
        history.dock.show()
        history.area.setCurrentWidget(history.area.calls)
        call_id = sandbox.start_call(Provider.VAPI, "booking")
        calls = history.area.calls
        status, turns = COLUMNS.index("Status"), COLUMNS.index("Turns")

        def shown_row() -> tuple[str, int] | None:
            for r in range(calls.model.rowCount()):
                row = calls.model.row_at(r)
                if row is not None and row.id == call_id:
                    return calls.model.index(r, status).data(), int(calls.model.index(r, turns).data())
            return None

        await until(lambda: (s := shown_row()) is not None and s[0] == CallStatus.IN_PROGRESS and s[1] > 0,
                    timeout=30, what="the live call in progress with its turns in the Calls tab")

        dock = history.dock
        assert not dock.features() & QDockWidget.DockWidgetFeature.DockWidgetFloatable
        assert dock.features() & QDockWidget.DockWidgetFeature.DockWidgetClosable
        history.area.setCurrentWidget(history.area.review)
        review = history.area.review
        assert window.call_list.select_call(call_id)
        await until(lambda: review.call_id == call_id, what="the review of the call")
        await until(lambda: review.table.viewport().height() > 0, what="the scorecard laid out")
        table = review.table
        needed = sum(table.rowHeight(r) for r in range(table.rowCount()))
        assert table.viewport().height() >= needed, "the whole scorecard is visible"
        history.area.setCurrentWidget(history.area.audit)
        await until(lambda: history.area.audit.table.isVisible(), what="the audit tab")
        audit = history.area.audit.table
        assert audit.viewport().height() // audit.verticalHeader().defaultSectionSize() >= 6

    run_async(scenario())
