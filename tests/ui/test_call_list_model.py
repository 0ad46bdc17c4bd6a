from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from app.domain import Turn, TurnRole
from app.domain.alert import Severity
from app.live.alerts.engine import NO_ALERTS, CallAlerts
from app.live.registry import CallRegistry
from app.ui.call_list_model import CALL_ROLE, CallFilter, CallListModel, CallMark, Column, Scope
from app.ui.screen_redaction import SCREEN
from tests.live.calls import T0, make_call
from tests.ui.literal import rendered


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def build(*calls, clock: Clock | None = None):
    registry = CallRegistry()
    registry.merge(calls)
    model = CallListModel(registry, now=lambda: T0 + timedelta(minutes=1), clock=clock or Clock())
    return registry, model


def test_rows_follow_registry_and_inserts_signal(qtbot):
    registry, model = build(make_call("a"), make_call("b"))
    assert model.rowCount() == 2
    with qtbot.waitSignal(model.rowsInserted) as blocker:
        registry.merge([make_call("c")])
    assert blocker.args[1:] == [2, 2]
    assert model.index(2, 0).data(CALL_ROLE).id == "c"


def test_only_changed_rows_emit_data_changed(qtbot):
    registry, model = build(*(make_call(i) for i in "abcde"))
    rows: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda top, bottom, _roles=(): rows.append((top.row(), bottom.row())))
    registry.merge([make_call(i) for i in "abcde"] + [make_call("d", updated=3, status="ended")])
    assert rows == [(3, 3)]


def test_a_change_the_list_does_not_show_signals_nothing(qtbot):
    """A live call's new turns change no cell: with a thousand calls talking, the list neither repaints
    nor re-sorts for them."""
    registry, model = build(*(make_call(i) for i in "abc"))
    rows: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda top, bottom, _roles=(): rows.append((top.row(), bottom.row())))
    said = (Turn(role=TurnRole.CUSTOMER, text="Hello?", start=1.0),)
    registry.merge([make_call("b", updated=2, turns=said)])
    assert registry.get("b").turns == said and rows == []
    registry.merge([make_call("b", updated=3, turns=said, summary="Asked for a refund")])  # search finds it now
    assert rows == [(1, 1)]


def test_removal_maps_to_the_right_rows(qtbot):
    registry, model = build(*(make_call(i) for i in "abcd"))
    removed: list[tuple[int, int]] = []
    model.rowsAboutToBeRemoved.connect(lambda _p, first, last: removed.append((first, last)))
    registry.remove(["b", "d"])
    assert sorted(removed) == [(1, 1), (3, 3)]
    assert [model.index(r, 0).data(CALL_ROLE).id for r in range(model.rowCount())] == ["a", "c"]


def test_contiguous_removals_are_one_signal(qtbot):
    registry, model = build(*(make_call(i) for i in "abcdef"))
    removed: list[tuple[int, int]] = []
    model.rowsAboutToBeRemoved.connect(lambda _p, first, last: removed.append((first, last)))
    registry.remove(["b", "c", "d", "f"])
    assert removed == [(5, 5), (1, 3)]
    assert [model.index(r, 0).data(CALL_ROLE).id for r in range(model.rowCount())] == ["a", "e"]


def test_the_model_keeps_no_copy_of_the_registry_order(qtbot):
    registry, model = build(make_call("a"), make_call("b"))
    assert not any(isinstance(value, list) and value == ["a", "b"] for value in vars(model).values())
    assert model.row_of("b") == 1 and model.call_at(1).id == "b"


def test_the_model_passes_qt_model_tests_through_inserts_changes_and_removals(qtbot, qtmodeltester):
    registry, model = build(*(make_call(i) for i in "abc"))
    qtmodeltester.check(model, force_py=True)
    registry.merge([make_call("d"), make_call("e"), make_call("a", updated=4, status="ended")])
    registry.remove(["b", "c", "e"])
    registry.merge([make_call("f")])
    registry.remove(["a", "d", "f"])  # the tester checked every signal on the way
    assert model.rowCount() == 0
    registry.merge([make_call("g")])
    model.set_registry(None)
    assert model.rowCount() == 0


def test_tick_touches_only_live_duration_cells(qtbot):
    now = [T0 + timedelta(minutes=1)]
    registry = CallRegistry()
    registry.merge([make_call("live"), make_call("done", status="ended"), make_call("live2"), make_call("live3")])
    model = CallListModel(registry, now=lambda: now[0], clock=Clock())
    cells: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(
        lambda top, bottom, _roles=(): cells.append((top.row(), bottom.row(), top.column(), bottom.column())))
    model.tick()
    assert cells == []  # no highlight to fade; the view repaints durations without row signals
    now[0] += timedelta(seconds=1)
    assert model.index(0, Column.DURATION).data() == "1:01"
    assert model.index(1, Column.DURATION).data() == "2:00"
    model.signal_live_durations()  # for a proxy sorting by duration: consecutive live rows as one signal
    duration = Column.DURATION
    assert cells == [(0, 0, duration, duration), (2, 3, duration, duration)]


def test_new_live_call_is_highlighted_briefly(qtbot):
    clock = Clock()
    registry, model = build(make_call("old"), clock=clock)
    registry.merge([make_call("new")])
    assert model.index(1, 0).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    clock.t += 10
    model.tick()
    assert model.index(1, 0).data(Qt.ItemDataRole.BackgroundRole) is None


def test_texts_for_each_column(qtbot):
    call = make_call("x", status="ended", direction="inbound", customer_name="Maria", name="VIP",
                     ended_reason="customer-ended-call", cost=0.4321, success_evaluation="Pass", sentiment=0.6)
    _, model = build(call)
    texts = [model.index(0, c).data() for c in Column]
    assert texts[Column.STATUS] == "ended"
    assert texts[Column.TYPE] == "Inbound"
    assert texts[Column.CUSTOMER] == "Maria"
    assert rendered(model.index(0, Column.CUSTOMER).data(Qt.ItemDataRole.ToolTipRole)) == "Maria (+15550100)"
    assert texts[Column.ENDED_REASON] == "Customer ended call"
    assert texts[Column.NAME] == "VIP"
    assert texts[Column.COST] == "$0.4321"
    assert texts[Column.OUTCOME] == "Successful · Positive"


def _proxy(model: CallListModel) -> CallFilter:
    proxy = CallFilter(now=lambda: T0 + timedelta(minutes=1))
    proxy.setSourceModel(model)
    return proxy


def _ids(proxy: CallFilter) -> list[str]:
    return [proxy.index(r, 0).data(CALL_ROLE).id for r in range(proxy.rowCount())]


def test_filters_scope_status_assistant_text(qtbot):
    old = T0 - timedelta(days=3)
    ancient = T0 - timedelta(days=30)
    registry, model = build(
        make_call("live1"),
        make_call("today", status="ended", assistant_name="Bo"),
        make_call("week", status="ended", created_at=old, started_at=old, customer_name="Zed"),
        make_call("month", status="failed", created_at=ancient, started_at=ancient),
    )
    proxy = _proxy(model)
    assert sorted(_ids(proxy)) == ["live1", "month", "today", "week"]
    proxy.set_scope(Scope.LIVE)
    assert _ids(proxy) == ["live1"]
    proxy.set_scope(Scope.TODAY)
    assert sorted(_ids(proxy)) == ["live1", "today"]
    proxy.set_scope(Scope.WEEK)
    assert sorted(_ids(proxy)) == ["live1", "today", "week"]
    proxy.set_scope(Scope.ALL)
    proxy.set_status("failed")
    assert _ids(proxy) == ["month"]
    proxy.set_status(None)
    proxy.set_assistant("Bo")
    assert _ids(proxy) == ["today"]
    proxy.set_assistant(None)
    proxy.set_text("zed")
    assert _ids(proxy) == ["week"]


def test_live_only_drops_a_call_when_it_ends(qtbot):
    registry, model = build(make_call("a"), make_call("b"))
    proxy = _proxy(model)
    proxy.set_scope(Scope.LIVE)
    registry.merge([make_call("a", updated=2, status="ended")])
    assert _ids(proxy) == ["b"]


def test_sorting_by_cost_puts_missing_values_last(qtbot):
    _, model = build(make_call("cheap", cost=0.1), make_call("none"), make_call("dear", cost=2.0))
    proxy = _proxy(model)
    proxy.sort(Column.COST, Qt.SortOrder.AscendingOrder)
    assert _ids(proxy) == ["cheap", "dear", "none"]
    proxy.sort(Column.COST, Qt.SortOrder.DescendingOrder)
    assert _ids(proxy) == ["dear", "cheap", "none"]


def test_no_children_rows(qtbot):
    _, model = build(make_call("a"))
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.data(QModelIndex()) is None


def test_a_call_with_naive_times_shows_instead_of_crashing(qtbot):
    naive = T0.replace(tzinfo=None)
    registry, model = build(make_call("odd", started_at=naive, created_at=naive))
    assert model.index(0, Column.STATUS).data() == "in-progress"
    assert model.index(0, Column.DURATION).data() is None
    proxy = _proxy(model)
    proxy.set_scope(Scope.TODAY)
    assert _ids(proxy) == ["odd"]


def test_an_ended_call_from_yesterday_leaves_today_after_midnight(qtbot):
    evening = datetime(2025, 3, 4, 23, 59, 30).astimezone()
    now = [evening]
    registry = CallRegistry()
    registry.merge([make_call("late", status="ended", created_at=evening - timedelta(minutes=5),
                              started_at=evening - timedelta(minutes=5)), make_call("live")])
    proxy = CallFilter(now=lambda: now[0])
    proxy.setSourceModel(CallListModel(registry, now=lambda: now[0], clock=Clock()))
    proxy.set_scope(Scope.TODAY)
    assert sorted(_ids(proxy)) == ["late", "live"]
    proxy.follow_clock()
    assert sorted(_ids(proxy)) == ["late", "live"]
    now[0] = evening + timedelta(seconds=45)
    proxy.follow_clock()
    assert _ids(proxy) == ["live"]


def painted(proxy: CallFilter, row: int, column: Column) -> QStyleOptionViewItem:
    """What a delegate paints in a cell: Qt's own asks the model for seven roles in one call."""
    option = QStyleOptionViewItem()
    PAINTER.initStyleOption(option, proxy.index(row, column))
    return option


PAINTER = QStyledItemDelegate()


def test_a_painted_cell_shows_what_data_says_and_follows_every_change(qtbot):
    """Painted cells are answered from what they showed last (one Python call per cell): each thing that
    changes a cell's look must make it be worked out again."""
    clock = Clock()
    registry, model = build(make_call("a", customer_name="Maria"), make_call("b", ended_reason="customer-ended-call",
                                                                             status="ended"), clock=clock)
    proxy = _proxy(model)
    row = {_ids(proxy)[r]: r for r in range(2)}
    for r in range(2):
        for column in Column:
            source = proxy.mapToSource(proxy.index(r, column))
            option = painted(proxy, r, column)
            assert option.text == (source.data() or ""), column
    assert painted(proxy, row["a"], Column.CUSTOMER).text == "Maria"
    registry.merge([make_call("a", updated=2, customer_name="Maria Lopez")])
    assert painted(proxy, row["a"], Column.CUSTOMER).text == "Maria Lopez"
    model.set_mark("b", CallMark.ENDED_BY, "Ended by supervisor")
    assert painted(proxy, row["b"], Column.ENDED_REASON).text == "Ended by supervisor"
    model.set_mark("a", CallMark.LISTENING, "You are listening")
    assert not painted(proxy, row["a"], Column.CUSTOMER).icon.isNull()
    assert painted(proxy, row["a"], Column.ALERTS).text == ""
    alerts = {"a": CallAlerts(open=1, total=1, worst=Severity.CRITICAL)}
    model.alerts = lambda call_id: alerts.get(call_id, NO_ALERTS)
    model.alerts_changed(["a"])
    assert painted(proxy, row["a"], Column.ALERTS).text == "critical"
    registry.merge([make_call("c", customer_number="+15550123")])  # new and live: highlighted, then not
    row_c = _ids(proxy).index("c")
    assert painted(proxy, row_c, Column.CUSTOMER).backgroundBrush.style() != Qt.BrushStyle.NoBrush
    clock.t += 10
    model.tick()
    assert painted(proxy, row_c, Column.CUSTOMER).backgroundBrush.style() == Qt.BrushStyle.NoBrush
    SCREEN.set_on(True)
    try:
        assert painted(proxy, row_c, Column.CUSTOMER).text == "[phone number]"
    finally:
        SCREEN.set_on(False)
    assert painted(proxy, row_c, Column.CUSTOMER).text == "+15550123"


def test_a_painted_cell_answers_every_role_it_is_asked(qtbot):
    """A delegate hands in the roles as the previous cell answered them: a right-aligned duration must
    not leave the next cell right-aligned."""
    _, model = build(make_call("a", customer_name="Maria"))
    proxy = _proxy(model)
    assert painted(proxy, 0, Column.DURATION).displayAlignment & Qt.AlignmentFlag.AlignRight
    assert not painted(proxy, 0, Column.CUSTOMER).displayAlignment & Qt.AlignmentFlag.AlignRight


def test_a_painted_duration_moves_with_the_clock(qtbot):
    now = [T0 + timedelta(minutes=1)]
    registry = CallRegistry()
    registry.merge([make_call("live")])
    proxy = _proxy(CallListModel(registry, now=lambda: now[0], clock=Clock()))
    assert painted(proxy, 0, Column.DURATION).text == "1:00"
    now[0] += timedelta(seconds=5)
    assert painted(proxy, 0, Column.DURATION).text == "1:05"


class CountingFilter(CallFilter):
    def __init__(self) -> None:
        super().__init__(now=lambda: T0 + timedelta(minutes=1))
        self.compared = 0

    def lessThan(self, left, right) -> bool:
        self.compared += 1
        return super().lessThan(left, right)


def test_a_change_signals_only_its_columns_and_re_sorts_only_when_the_sort_column_changed(qtbot):
    """With a thousand live calls changing every second, re-sorting every changed row was most of the
    list's work: a call's cost changing does not move it in a list sorted by start time."""
    registry, model = build(*(make_call(i, started_at=T0 + timedelta(seconds=n)) for n, i in enumerate("abcd")))
    proxy = CountingFilter()
    proxy.setSourceModel(model)
    proxy.sort(Column.STARTED, Qt.SortOrder.DescendingOrder)
    cells: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(
        lambda top, bottom, _roles=(): cells.append((top.row(), bottom.row(), top.column(), bottom.column())))
    proxy.compared = 0
    registry.merge([make_call("b", updated=1, started_at=T0 + timedelta(seconds=1), cost=0.25, name="VIP")])
    assert cells == [(1, 1, Column.COST, Column.COST), (1, 1, Column.NAME, Column.NAME)]
    assert proxy.compared == 0 and _ids(proxy) == list("dcba")
    cells.clear()
    registry.merge([make_call("c", updated=1, started_at=T0 - timedelta(seconds=9))])  # started earlier: moves
    assert cells == [(2, 2, Column.STARTED, Column.STARTED)] and proxy.compared > 0
    assert _ids(proxy) == list("dbac")
    cells.clear()
    registry.merge([make_call("d", updated=1, status="ended", started_at=T0 + timedelta(seconds=3))])
    assert cells == [(3, 3, 0, len(Column) - 1)]  # ended: below the live calls, whatever sorts
    assert _ids(proxy) == list("bacd")
    cells.clear()
    registry.merge([make_call("a", updated=1, summary="Asked for a refund")])  # only the search reads it
    assert len(cells) == 1
    proxy.set_text("refund")
    assert _ids(proxy) == ["a"]
