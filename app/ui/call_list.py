"""The call list: filters, a sortable table with status badges, and a state line when it is empty."""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QStackedLayout,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain import Call, CallStatus, Capabilities
from app.ui.call_list_model import CALL_ROLE, CallFilter, CallListModel, Column, Scope
from app.ui.history_filters import ChoiceBox
from app.ui.plain import wrapped
from app.ui.theme import status_color

Index = QModelIndex | QPersistentModelIndex
ALL_STATUSES = "Any status"
ALL_ASSISTANTS = "Any assistant"
# Default column widths, as the longest text a column usually shows.
DEFAULT_WIDTHS = {
    Column.STATUS: "in-progress",
    Column.STARTED: "Wed 15:33",
    Column.DURATION: "Duration",
    Column.TYPE: "Outbound",
    Column.CUSTOMER: "+15558843875",
    Column.ASSISTANT: "Riley - Bookings",
    Column.ENDED_REASON: "Customer ended call",
    Column.COST: "$0.00",
    Column.OUTCOME: "Pass · sentiment 0.8",
    Column.ALERTS: "warning (2 open)",
}


class StatusBadge(QStyledItemDelegate):
    """Paints the status as a coloured pill so live calls stand out at a glance."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        self.initStyleOption(option, index)
        status = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        option.text = ""
        option.widget.style().drawControl(option.widget.style().ControlElement.CE_ItemViewItem, option, painter, option.widget)
        if not status:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = option.fontMetrics
        pill = QRectF(option.rect.x() + 4, option.rect.center().y() - metrics.height() / 2 - 1,
                      min(metrics.horizontalAdvance(status) + 14, option.rect.width() - 8), metrics.height() + 2)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(status_color(status))
        painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
        painter.setPen(Qt.GlobalColor.white)
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, metrics.elidedText(status, Qt.TextElideMode.ElideRight, int(pill.width()) - 8))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(hint.width() + 16, hint.height())


class CallListView(QWidget):
    """Emits `call_selected(id or "")` as the selection moves, `rename_requested(id)` on F2/menu."""

    call_selected = Signal(str)
    rename_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = CallListModel(parent=self)
        self.proxy = CallFilter(self)
        self.proxy.setSourceModel(self.model)
        self._loading_message = "Loading calls…"
        self._loaded = False
        self._rename_reason: str | None = None

        self.scope = QComboBox(objectName="scopeFilter")
        self.scope.addItems([s.value for s in Scope])
        self.scope.setCurrentText(Scope.ALL.value)
        self.scope.setToolTip("Which calls to show")
        self.status = ChoiceBox(ALL_STATUSES, [s.value for s in CallStatus], objectName="statusFilter")
        self.assistant = ChoiceBox(ALL_ASSISTANTS, objectName="assistantFilter")
        self.assistant.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.search = QLineEdit(objectName="callSearch", placeholderText="Search calls (Ctrl+F)", clearButtonEnabled=True)

        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.setSpacing(4)
        for widget in (self.scope, self.status, self.assistant):
            filters.addWidget(widget)
        filters.addWidget(self.search, 1)
        self.has_alerts = QCheckBox("Has alerts", objectName="hasAlertsFilter")
        self.has_alerts.setToolTip("Only calls that had an alert")
        filters.addWidget(self.has_alerts)

        self.table = QTableView(objectName="callTable")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.STARTED, Qt.SortOrder.DescendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setItemDelegateForColumn(Column.STATUS, StatusBadge(self.table))
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setSectionsMovable(True)
        metrics = self.table.fontMetrics()
        for column, sample in DEFAULT_WIDTHS.items():
            pad = 30 if column is Column.STATUS else 14  # the badge's own padding, or the cell margins
            header.resizeSection(column, metrics.horizontalAdvance(sample) + pad)
        header.moveSection(header.visualIndex(Column.ALERTS), Column.STATUS + 1)  # beside the status: seen first
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)

        self.empty = wrapped(QLabel(objectName="callListState", alignment=Qt.AlignmentFlag.AlignCenter))
        self.empty.setMargin(24)
        self.empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._stack = QStackedLayout()
        self._stack.addWidget(self.table)
        self._stack.addWidget(self.empty)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(filters)
        layout.addLayout(self._stack, 1)
        self.summary = QLabel(objectName="callListSummary")
        self.summary.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout.addWidget(self.summary)

        self.rename_action = QAction("Rename call…", self, shortcut=QKeySequence(Qt.Key.Key_F2))
        self.rename_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.rename_action.triggered.connect(self._rename_current)
        self.addAction(self.rename_action)
        find = QAction(self, shortcut=QKeySequence(QKeySequence.StandardKey.Find))
        find.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        find.triggered.connect(self._focus_search)
        self.addAction(find)

        self.scope.currentTextChanged.connect(lambda text: self.proxy.set_scope(Scope(text)))
        self.status.currentTextChanged.connect(lambda _text: self.proxy.set_status(self.status.value()))
        self.assistant.currentTextChanged.connect(lambda _text: self.proxy.set_assistant(self.assistant.value()))
        self.search.textChanged.connect(self.proxy.set_text)
        self.has_alerts.toggled.connect(self.proxy.set_has_alerts)
        # An already-empty view emits no row signals when filters change, yet the explanation may.
        for changed in (self.scope.currentTextChanged, self.status.currentTextChanged,
                        self.assistant.currentTextChanged, self.search.textChanged, self.has_alerts.toggled):
            changed.connect(self._refresh_state)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        for signal in (self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.modelReset, self.proxy.layoutChanged):
            signal.connect(self._refresh_state)
        self.model.rowsInserted.connect(self._collect_assistants)
        self.model.modelReset.connect(self._collect_assistants)

        self._ticker = QTimer(self, interval=1000)
        self._ticker.timeout.connect(self.tick)
        self._ticker.start()
        self._refresh_state()
        self.setFocusProxy(self.table)

    # --- public --------------------------------------------------------------------------
    def set_loading(self, message: str) -> None:
        """Before the first list arrives, say what is happening instead of showing a blank table."""
        self._loaded = False
        self._loading_message = message
        self._refresh_state()

    def set_loaded(self) -> None:
        self._loaded = True
        self._refresh_state()

    def set_capabilities(self, capabilities: Capabilities | None) -> None:
        self._rename_reason = capabilities.why_no_rename if capabilities else "No account is open."
        self.rename_action.setEnabled(self._rename_reason is None)
        self.rename_action.setToolTip(self._rename_reason or "Give the selected call a name")
        self.rename_action.setText("Rename call…" if self._rename_reason is None else "Rename call (not available)")

    def current_call(self) -> Call | None:
        call = self.table.currentIndex().data(CALL_ROLE)
        return call if isinstance(call, Call) else None

    def select_call(self, call_id: str) -> bool:
        row = self.model.row_of(call_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        return True

    def visible_call_ids(self) -> list[str]:
        return [self.proxy.index(r, 0).data(CALL_ROLE).id for r in range(self.proxy.rowCount())]

    def tick(self) -> None:
        """Once a second: highlights fade, live durations move on, time-bound scopes follow the clock."""
        self.model.tick()
        self.proxy.follow_clock()
        if self.proxy.sortColumn() == Column.DURATION:
            self.model.signal_live_durations()  # the order moves with the clock
        else:
            self._repaint_durations()
        self._count()

    # --- internals -----------------------------------------------------------------------
    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        call = current.data(CALL_ROLE)
        self.call_selected.emit(call.id if isinstance(call, Call) else "")

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _rename_current(self) -> None:
        call = self.current_call()
        if call is not None and self._rename_reason is None:
            self.rename_requested.emit(call.id)

    def _context_menu(self, pos: QPoint) -> None:
        if self.current_call() is None:
            return
        menu = QMenu(self)
        menu.setToolTipsVisible(True)
        menu.addAction(self.rename_action)
        copy = menu.addAction("Copy call id")
        copy.triggered.connect(self._copy_id)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def _copy_id(self) -> None:
        call = self.current_call()
        if call is not None:
            QGuiApplication.clipboard().setText(call.id)

    def _collect_assistants(self, *_args: object) -> None:
        registry = self.model.registry
        names = sorted({c.assistant_label for c in registry.calls()} - {""}) if registry else []
        self.assistant.set_values(names)

    def _repaint_durations(self) -> None:
        """Repaints the Duration column's strip only: its cells read the clock as they paint, and no row
        signals, so the proxy neither re-filters nor re-sorts."""
        header = self.table.horizontalHeader()
        if header.isSectionHidden(Column.DURATION):
            return
        viewport = self.table.viewport()
        viewport.update(QRect(header.sectionViewportPosition(Column.DURATION), 0,
                              header.sectionSize(Column.DURATION), viewport.height()))

    def _count(self) -> None:
        """'3 live · 41 of 44 calls shown': what the supervisor is looking at, at a glance."""
        registry = self.model.registry
        total = len(registry) if registry is not None else 0
        live = len(registry.live_ids()) if registry is not None else 0
        shown = self.proxy.rowCount()
        self.summary.setText(f"{live} live · {shown} of {total} calls shown" if shown != total
                             else f"{live} live · {total} calls")

    def _refresh_state(self, *_args: object) -> None:
        self._count()
        if self.proxy.rowCount() > 0:
            self._stack.setCurrentWidget(self.table)
            return
        if not self._loaded:
            text = self._loading_message
        elif self.model.rowCount() == 0:
            text = "No calls on this account yet.\nNew calls appear here as soon as they start."
        elif self.proxy.scope is Scope.LIVE and not self.search.text() and not self._extra_filters():
            text = "No live calls right now.\nLive calls appear here as soon as they start. Choose “All” to see ended calls."
        else:
            text = "No calls match these filters.\nClear the search or widen the time range."
        self.empty.setText(text)
        self._stack.setCurrentWidget(self.empty)

    def _extra_filters(self) -> bool:
        return self.status.value() is not None or self.assistant.value() is not None or self.has_alerts.isChecked()
