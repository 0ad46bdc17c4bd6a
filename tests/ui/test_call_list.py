"""CallListView: filters from the bar, states when empty, keyboard navigation, rename rules."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem

from app.domain import CAPABILITIES, Provider
from app.live.registry import CallRegistry
from app.ui import theme
from app.ui.call_list import CallListView
from app.ui.call_list_model import CallMark, Column, Scope
from app.ui.tones import Tone, accent
from tests.live.calls import make_call
from tests.ui.shown import shown
from tests.ui.test_call_list_model import painted


def make_view(qtbot, *calls) -> tuple[CallListView, CallRegistry]:
    view = shown(qtbot, CallListView(), 900, 500)
    registry = CallRegistry()
    registry.merge(calls)
    view.model.set_registry(registry)
    return view, registry


def test_loading_then_empty_then_rows(qtbot):
    view, registry = make_view(qtbot)
    view.set_loading("Loading calls from Clinic (Vapi)…")
    assert view.empty.isVisible() and "Loading calls from Clinic" in view.empty.text()
    view.set_loaded()
    assert "No calls on this account yet" in view.empty.text()
    registry.merge([make_call("a")])
    assert view.table.isVisible() and not view.empty.isVisible()


def test_live_only_with_no_live_calls_says_so(qtbot):
    view, _ = make_view(qtbot, make_call("done", status="ended"))
    view.set_loaded()
    view.scope.setCurrentText(Scope.LIVE.value)
    assert view.empty.isVisible()
    assert "No live calls right now" in view.empty.text()
    view.search.setText("zzz")
    assert "No calls match these filters" in view.empty.text()


def test_filter_bar_drives_the_proxy(qtbot):
    view, _ = make_view(qtbot, make_call("a", assistant_name="Ava"), make_call("b", status="ended", assistant_name="Bo"))
    view.set_loaded()
    assert view.assistant.findText("Bo") > 0
    assert view.summary.text() == "1 live · 2 calls"
    view.assistant.setCurrentText("Bo")
    assert view.visible_call_ids() == ["b"]
    assert view.summary.text() == "1 live · 1 of 2 calls shown"
    view.assistant.setCurrentIndex(0)
    view.status.setCurrentText("in-progress")
    assert view.visible_call_ids() == ["a"]
    view.model.registry.merge([make_call("c", assistant_name="Cy")])  # a new call's assistant joins the choices
    assert [view.assistant.itemText(i) for i in range(1, view.assistant.count())] == ["Ava", "Bo", "Cy"]


def test_keyboard_moves_the_selection_and_reports_it(qtbot):
    view, _ = make_view(qtbot, *(make_call(i, started_at=None, created_at=None) for i in "abc"))
    view.set_loaded()
    selected: list[str] = []
    view.call_selected.connect(selected.append)
    view.table.setFocus()
    view.select_call(view.visible_call_ids()[0])
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    assert selected == view.visible_call_ids()
    assert view.current_call().id == view.visible_call_ids()[2]


def test_rename_disabled_with_reason_on_hms_and_offered_on_vapi(qtbot):
    view, _ = make_view(qtbot, make_call("a"))
    view.set_capabilities(CAPABILITIES[Provider.HMS])
    assert not view.rename_action.isEnabled()
    assert "does not allow renaming" in view.rename_action.toolTip()
    view.set_capabilities(CAPABILITIES[Provider.VAPI])
    requested: list[str] = []
    view.rename_requested.connect(requested.append)
    view.select_call("a")
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_F2)
    assert requested == ["a"]


class PaintedAreas(QObject):
    """Records the rectangles a widget is asked to paint."""

    def __init__(self) -> None:
        super().__init__()
        self.rects: list[QRect] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.rects.append(event.rect())
        return False


def test_tick_repaints_only_the_duration_column_unless_sorted_by_it(qtbot):
    view, _ = make_view(qtbot, make_call("live"), make_call("done", status="ended"))
    view.set_loaded()
    qtbot.wait(20)
    painted = PaintedAreas()
    view.table.viewport().installEventFilter(painted)
    signalled: list[tuple[int, int]] = []
    view.model.dataChanged.connect(lambda top, _bottom, _roles=(): signalled.append((top.row(), top.column())))
    view.tick()
    qtbot.waitUntil(lambda: bool(painted.rects))
    header = view.table.horizontalHeader()
    strip = (header.sectionViewportPosition(Column.DURATION), header.sectionSize(Column.DURATION))
    assert {(r.x(), r.width()) for r in painted.rects} == {strip}
    assert signalled == []
    view.table.sortByColumn(Column.DURATION, Qt.SortOrder.AscendingOrder)
    view.tick()
    assert signalled == [(view.model.row_of("live"), Column.DURATION)]


def test_a_call_leaving_the_list_takes_its_marks_along(qtbot):
    view, registry = make_view(qtbot, make_call("c1"), make_call("c2"))
    view.proxy.set_mark("c1", CallMark.LISTENING, "You are listening to this call")
    view.proxy.set_mark("c2", CallMark.MUTED, "Assistant muted")
    registry.remove(["c1"])
    registry.merge([make_call("c1")])  # the same call back (polled again): no stale mark
    assert view.proxy.marks("c1") == {} and view.proxy.marks("c2") == {CallMark.MUTED: "Assistant muted"}


def test_a_palette_change_recolours_cells_already_painted(qtbot, monkeypatch):
    view, _ = make_view(qtbot, make_call("a", status="ended", sentiment=-0.8))
    app = QApplication.instance()
    monkeypatch.setenv(theme.THEME_ENV, "light")
    theme.apply_palette(app)
    app.processEvents()  # widgets hear of a new palette through posted events
    light = text_colour(painted(view.proxy, 0, Column.OUTCOME))
    monkeypatch.setenv(theme.THEME_ENV, "dark")
    theme.apply_palette(app)
    app.processEvents()
    try:
        dark = text_colour(painted(view.proxy, 0, Column.OUTCOME))
    finally:
        monkeypatch.setenv(theme.THEME_ENV, "light")  # as the contrast tests leave it
        theme.apply_palette(app)
    assert dark != light and dark == accent(Tone.BAD, theme._dark_palette())


def text_colour(option: QStyleOptionViewItem) -> QColor:
    return QColor(option.palette.color(QPalette.ColorRole.Text))
