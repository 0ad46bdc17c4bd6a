from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QLabel

from app.ui.app import settings
from app.ui.main_window import MainWindow


def make_window(qtbot) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(780, 560)  # fits the offscreen screen, so geometry restores as saved
    window.show()
    qtbot.wait(50)  # splitter sizes settle on the first turn of the event loop after showing
    return window


def test_window_has_every_area(qtbot):
    window = make_window(qtbot)
    for name in ("callList", "transcript", "waveformArea", "analysis", "controlBar", "statusBar", "accountSwitcher"):
        assert window.findChild(object, name) is not None, name
    assert window.main_splitter.count() == 2 and window.detail_splitter.count() == 2


def test_layout_is_remembered(qtbot):
    window = make_window(qtbot)
    window.main_splitter.setSizes([300, 480])
    window.call_list.table.horizontalHeader().resizeSection(4, 222)
    expected = window.main_splitter.sizes()
    window.close()
    settings().sync()
    again = make_window(qtbot)
    assert again.main_splitter.sizes() == expected
    assert again.call_list.table.horizontalHeader().sectionSize(4) == 222


def test_audio_area_sits_in_the_waveform_area_and_panels_can_be_added(qtbot):
    window = make_window(qtbot)
    assert window.waveform_area.isAncestorOf(window.audio_area)
    dock = window.add_panel(QLabel("search"), "Search")
    assert isinstance(dock, QDockWidget)
    qtbot.waitUntil(dock.isVisible)
    assert window.dockWidgetArea(dock) is Qt.DockWidgetArea.BottomDockWidgetArea


def test_ctrl_q_closes_the_window_and_says_so(qtbot):
    window = make_window(qtbot)
    with qtbot.waitActive(window):
        window.activateWindow()
    with qtbot.waitSignal(window.closed):
        qtbot.keyClick(window.call_list.table, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not window.isVisible()
