"""The real window against the sandbox: new calls arriving above do not move the row under the mouse or
the selected row, and live calls are listed above ended ones."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from app.domain import Provider
from app.ui.call_list_model import Column
from tests.e2e.conftest import open_sandbox
from tests.fixtures.qt import until


def test_new_calls_above_leave_the_aimed_and_selected_rows_in_place(qtbot, window, sandbox, run_async):
    async def scenario() -> None:
        await open_sandbox(window, sandbox)
        view = window.call_list
        ids = view.visible_call_ids()
        live = [c.id for c in (window.session.registry.get(i) for i in ids) if c is not None and c.is_live]
        assert ids[:len(live)] == live  # live first
        view.table.verticalScrollBar().setValue(view.table.verticalScrollBar().maximum() // 2)
        await until(lambda: view.table.rowAt(10) > 0, what="the list scrolled")
        top = view.table.rowAt(10)
        chosen, aimed = ids[top + 2], ids[top + 4]
        rect = view.table.visualRect(view.proxy.index(top + 2, Column.CUSTOMER))
        qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        aimed_rect = view.table.visualRect(view.proxy.index(top + 4, Column.CUSTOMER))
        point = QPointF(aimed_rect.center())
        move = QMouseEvent(QEvent.Type.MouseMove, point, view.table.viewport().mapToGlobal(point),
                           Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(view.table.viewport(), move)  # the mouse now rests on that row
        assert view.hovered_id == aimed

        def y(call_id: str) -> int:
            return view.table.visualRect(view.proxy.index(view.visible_call_ids().index(call_id), 0)).y()

        before = (y(chosen), y(aimed))
        new = [sandbox.start_call(Provider.VAPI, "booking") for _ in range(3)]
        await until(lambda: all(i in view.visible_call_ids() for i in new), what="the new calls")
        assert (y(chosen), y(aimed)) == before
        assert window.selected_call().id == chosen

    run_async(scenario())
