"""The list never moves under the supervisor: the selection changes only when they change it, rows
inserted above keep what they look at in place, and live calls are pinned above ended ones."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt

from app.ui.call_list import CallListView
from app.ui.call_list_model import Column, Scope
from tests.live.calls import T0, make_call
from tests.ui.test_call_list import make_view


def click_row(qtbot, view: CallListView, call_id: str) -> None:
    row = view.visible_call_ids().index(call_id)
    rect = view.table.visualRect(view.proxy.index(row, Column.CUSTOMER))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def y_of(view: CallListView, call_id: str) -> int:
    row = view.visible_call_ids().index(call_id)
    return view.table.visualRect(view.proxy.index(row, 0)).y()


def test_switching_to_live_only_selects_nothing_and_keeps_the_selected_call_marked(qtbot):
    view, _ = make_view(qtbot, make_call("done", status="ended"), make_call("live"))
    view.set_loaded()
    selected: list[str] = []
    view.call_selected.connect(selected.append)
    click_row(qtbot, view, "done")
    assert selected == ["done"]
    view.scope.setCurrentText(Scope.LIVE.value)
    assert selected == ["done"], "the app must not pick another call by itself"
    assert view.selected_id == "done"
    assert not view.table.selectionModel().hasSelection()
    assert view.left_view_note.isVisible() and "no longer in this view" in view.left_view_note.text()
    view.scope.setCurrentText(Scope.ALL.value)
    assert selected == ["done"]
    assert view.current_call().id == "done" and not view.left_view_note.isVisible()


def test_a_selected_call_that_ends_under_live_only_stays_shown(qtbot):
    view, registry = make_view(qtbot, make_call("a"), make_call("b"))
    view.set_loaded()
    view.scope.setCurrentText(Scope.LIVE.value)
    selected: list[str] = []
    view.call_selected.connect(selected.append)
    click_row(qtbot, view, "a")
    registry.merge([make_call("a", status="ended", updated=5)])
    assert view.visible_call_ids() == ["b"]
    assert selected == ["a"] and view.selected_id == "a"
    assert view.current_call() is None and not view.table.selectionModel().hasSelection()
    assert view.left_view_note.isVisible()


def test_focus_alone_selects_nothing(qtbot):
    view, _ = make_view(qtbot, make_call("a"), make_call("b"))
    view.set_loaded()
    selected: list[str] = []
    view.call_selected.connect(selected.append)
    view.table.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(view.table.hasFocus)
    qtbot.wait(10)
    assert selected == [] and view.selected_id is None
    assert not view.table.selectionModel().hasSelection()


def test_rows_inserted_above_keep_the_hovered_and_selected_rows_in_place(qtbot):
    calls = [make_call(f"c{i:02}", status="ended", started_at=T0 + timedelta(minutes=i)) for i in range(40)]
    view, registry = make_view(qtbot, *calls)
    view.set_loaded()
    view.table.verticalScrollBar().setValue(view.table.verticalScrollBar().maximum() // 2)
    qtbot.wait(10)
    ids = view.visible_call_ids()
    aimed, chosen = ids[22], ids[20]
    click_row(qtbot, view, chosen)
    aimed_rect = view.table.visualRect(view.proxy.index(ids.index(aimed), Column.CUSTOMER))
    qtbot.mouseMove(view.table.viewport(), aimed_rect.center())
    qtbot.waitUntil(lambda: view.hovered_id == aimed)
    before = (y_of(view, aimed), y_of(view, chosen))
    registry.merge([make_call(f"new{i}", started_at=T0 + timedelta(hours=1, minutes=i)) for i in range(3)])
    assert view.visible_call_ids()[:3] == ["new2", "new1", "new0"]
    assert (y_of(view, aimed), y_of(view, chosen)) == before
    # A call above ending moves rows too (live first): still nothing moves under the mouse.
    registry.merge([make_call("new1", status="ended", started_at=T0 + timedelta(hours=1, minutes=1), updated=9)])
    assert (y_of(view, aimed), y_of(view, chosen)) == before


def test_live_calls_are_pinned_above_ended_ones_unless_turned_off(qtbot):
    view, _ = make_view(qtbot, make_call("old-live", started_at=T0),
                        make_call("new-ended", status="ended", started_at=T0 + timedelta(minutes=5)))
    view.set_loaded()
    assert view.live_first.isChecked()
    assert view.visible_call_ids() == ["old-live", "new-ended"]
    view.table.sortByColumn(Column.STARTED, Qt.SortOrder.AscendingOrder)
    assert view.visible_call_ids() == ["old-live", "new-ended"]
    view.table.sortByColumn(Column.STARTED, Qt.SortOrder.DescendingOrder)
    view.live_first.setChecked(False)
    assert view.visible_call_ids() == ["new-ended", "old-live"]
