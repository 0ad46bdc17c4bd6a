"""The cached call list: windowed reads over thousands of calls, filters, backfill with progress and cancel."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from app.domain import Account, Provider
from app.store.calls import CallCache
from app.store.database import Database
from app.store.sync import BackfillProgress
from app.ui.cached_calls import CachedCallsView
from app.ui.history_model import KEPT_WINDOWS, LOADING, ROW_ROLE, WINDOW
from tests.fixtures.qt import until
from tests.store.fake_platform import T0, FakePlatform, make_call
from tests.ui.shown import shown

ACCOUNT = Account(id="acc-vapi", name="Vapi production", provider=Provider.VAPI, base_url="https://api.vapi.ai")
MANY = 3000


@pytest.fixture
def many_calls() -> Iterator[Database]:
    db = Database()
    calls = [make_call(n, status="failed" if n % 10 == 0 else "ended") for n in range(MANY)]
    db.submit_write(lambda conn: CallCache(conn).upsert("acc-vapi", calls)).result()
    yield db
    db.close()


def make_view(qtbot, db) -> CachedCallsView:
    view = shown(qtbot, CachedCallsView(db), 900, 500)
    view.set_accounts([ACCOUNT])
    return view


def test_thousands_of_calls_open_with_one_count_and_fill_in_by_window(qtbot, many_calls, run_async):
    view = make_view(qtbot, many_calls)
    model = view.model
    assert run_async(view.reload()) == MANY and model.rowCount() == MANY
    assert view.summary.text() == "3,000 cached calls"
    first = model.index(0, 0)
    run_async(until(lambda: model.data(first) != LOADING, what="the first window, painted"))
    assert model.data(first, ROW_ROLE).id == f"call-{MANY - 1:05d}"
    last = model.index(MANY - 1, 0)
    with qtbot.waitSignal(model.window_loaded) as loaded:
        assert model.data(last) == LOADING  # not in memory yet: asked of a reader thread
    assert loaded.args == [(MANY - 1) // WINDOW * WINDOW, MANY % WINDOW or WINDOW]
    assert model.data(last, ROW_ROLE).id == "call-00000"
    # Only a few windows stay in memory however far one scrolls.
    for row in range(0, MANY, WINDOW):
        model.row_at(row)
    run_async(until(lambda: len(model._windows) >= KEPT_WINDOWS, what="windows to arrive"))
    assert len(model._windows) <= KEPT_WINDOWS


def test_filters_and_opening_a_row(qtbot, many_calls, run_async):
    view = make_view(qtbot, many_calls)
    view.status.setCurrentText("failed")
    assert run_async(view.reload()) == MANY // 10
    view.status.setCurrentText("Any status")
    view.text.setText("call-0004")
    assert run_async(view.reload()) == 10
    index = view.model.index(0, 0)
    run_async(until(lambda: view.model.data(index, ROW_ROLE) is not None, what="the row"))
    with qtbot.waitSignal(view.call_opened) as opened:
        view.table.setCurrentIndex(index)
        qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert opened.args == ["acc-vapi", "call-00049"]


def test_backfill_shows_progress_and_cancel_keeps_what_was_fetched(qtbot, run_async):
    db = Database()
    try:
        platform = FakePlatform(Provider.VAPI)
        platform.put(*(make_call(n) for n in range(1000)))
        view = make_view(qtbot, db)
        assert not view.fetch_button.isEnabled()
        view.set_source(ACCOUNT, platform)
        assert view.fetch_button.isEnabled()
        seen: list[BackfillProgress] = []
        original = view._show_progress

        def watch(progress: BackfillProgress) -> None:
            original(progress)
            seen.append(progress)
            if progress.fetched >= 400:
                assert view.progress.isVisible() and "calls · back to" in view.progress.format()
                view.cancel_button.click()

        view._show_progress = watch  # type: ignore[method-assign]
        now = T0 + timedelta(minutes=1000)
        report = run_async(view.backfill(1000 / 1440, now=now))
        assert report is not None and report.cancelled and report.fetched == 400
        assert view.summary.text().startswith("Cancelled after 400 calls (400 new, 0 updated). 400 cached calls")
        assert not view.progress.isVisible() and view.fetch_button.isEnabled()
        assert seen[-1].fraction == pytest.approx(0.4, abs=0.01)

        view._show_progress = original  # type: ignore[method-assign]
        report = run_async(view.backfill(1000 / 1440, now=now))
        assert report is not None and (report.fetched, report.added) == (1000, 600)
        assert view.model.rowCount() == 1000
    finally:
        db.close()


def test_a_painted_cell_shows_what_data_says(qtbot, many_calls, run_async):
    """Cells are painted from one multiData call each: the same words as data(), the row's loading
    placeholder included."""
    view = make_view(qtbot, many_calls)
    model = view.model
    run_async(view.reload())
    first = model.index(0, 0)
    run_async(until(lambda: model.data(first) != LOADING, what="the first window"))
    for column in range(model.columnCount()):
        option = QStyleOptionViewItem()
        QStyledItemDelegate().initStyleOption(option, model.index(0, column))
        assert option.text == (model.index(0, column).data() or ""), column
