"""Window sizes against the real sandbox: at 1024×700 the call list still shows customer and status, the
transcript has room and every control button is whole; at 1600×1000 the list shows the ended reason and
the outcome without sideways scrolling."""

from __future__ import annotations

from PySide6.QtCore import QRect

from app.ui.call_list_model import Column
from app.ui.main_window import MainWindow
from tests.e2e.conftest import open_sandbox
from tests.e2e.test_call_control import select_new_live_call
from tests.fixtures.qt import until
from tests.fixtures.window import open_window


def first_start_at(qtbot, window: MainWindow, width: int, height: int) -> None:
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width and window.height() == height)
    window._default_sizes()  # what a first start at this size divides
    qtbot.wait(50)


def shown_whole(window: MainWindow, column: Column) -> bool:
    table = window.call_list.table
    header = table.horizontalHeader()
    left = header.sectionViewportPosition(column)
    return not header.isSectionHidden(column) and left >= 0 and left + header.sectionSize(column) <= table.viewport().width()


def test_at_1024_by_700_the_essentials_stay_usable(qtbot, qloop, tmp_path, sandbox_factory, run_async):
    sandbox = sandbox_factory(speed=2.0)
    window = open_window(qtbot, qloop, tmp_path, height=700)

    async def scenario() -> None:
        first_start_at(qtbot, window, 1024, 700)
        await open_sandbox(window, sandbox)
        await select_new_live_call(window, sandbox)
        await until(lambda: window.controls.stacked, what="the control groups to stack")
        assert window.minimumSizeHint().width() <= 1024 and window.width() == 1024
        assert window.call_list.search.width() >= 150  # the search box is not squeezed to nothing
        assert shown_whole(window, Column.STATUS) and shown_whole(window, Column.CUSTOMER)
        transcript = window.transcript.list.viewport()
        assert transcript.width() >= 250 and transcript.height() >= 150
        bar = window.controls
        for key, button in bar.buttons.items():
            if not button.isVisibleTo(bar):
                continue
            where = QRect(button.mapTo(bar, button.rect().topLeft()), button.size())
            assert bar.rect().contains(where), f"{key} is cut off"
            assert button.width() >= button.sizeHint().width(), f"{key} is squeezed"

    run_async(scenario())


def test_at_1600_by_1000_reason_and_outcome_show_without_scrolling(qtbot, qloop, tmp_path, sandbox, run_async):
    window = open_window(qtbot, qloop, tmp_path, height=1000)

    async def scenario() -> None:
        first_start_at(qtbot, window, 1600, 1000)
        await open_sandbox(window, sandbox)
        assert shown_whole(window, Column.ENDED_REASON) and shown_whole(window, Column.OUTCOME)
        assert not window.controls.stacked

    run_async(scenario())
