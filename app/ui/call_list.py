"""The call list: filters, a sortable table with status badges, and a state line when it is empty."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QPointF,
    QRect,
    QSize,
    QSizeF,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QFocusEvent,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPalette,
)
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
from app.ui.app import setting, settings
from app.ui.call_list_model import (
    CALL_ROLE,
    CallFilter,
    CallListModel,
    Column,
    Scope,
)
from app.ui.chips import Chips
from app.ui.formats import call_label
from app.ui.history_filters import ChoiceBox
from app.ui.plain import one_line, wrapped
from app.ui.theme import badge_text_color, status_color

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
    Column.OUTCOME: "Not successful · Negative",
    Column.ALERTS: "critical",
}


VISUAL_ORDER = (Column.STATUS, Column.ALERTS, Column.CUSTOMER, Column.STARTED, Column.DURATION, Column.ENDED_REASON,
                Column.OUTCOME, Column.ASSISTANT, Column.TYPE, Column.COST, Column.NAME)


class StatusBadge(QStyledItemDelegate):
    """Paints the status as a coloured pill so live calls stand out at a glance."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._chips = Chips()

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        self.initStyleOption(option, index)
        status = option.text
        option.text = ""
        option.widget.style().drawControl(option.widget.style().ControlElement.CE_ItemViewItem, option, painter, option.widget)
        if not status:
            return
        metrics = option.fontMetrics
        size = QSizeF(min(metrics.horizontalAdvance(status) + 14, option.rect.width() - 8), metrics.height() + 2)
        fill = status_color(status)
        pill = self._chips.chip(status, fill, badge_text_color(fill), option.font, size, size.height() / 2,
                                painter.device().devicePixelRatioF())
        painter.drawPixmap(QPointF(option.rect.x() + 4, option.rect.center().y() - size.height() / 2), pill)

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(hint.width() + 16, hint.height())


class MarkedCalls(CallFilter):
    """The filter/sort proxy, and where the window sets the console's own marks on calls (listened to,
    muted, reviewed); the source model shows them, so painting a cell costs one Python call."""

    def setSourceModel(self, model: QAbstractItemModel) -> None:
        super().setSourceModel(model)
        if isinstance(model, CallListModel):
            model.rowsAboutToBeRemoved.connect(self._forget)  # bounded: the marks live as long as their calls

    def _forget(self, _parent: Index, first: int, last: int) -> None:
        model = self.sourceModel()
        if not isinstance(model, CallListModel):
            return
        for row in range(first, last + 1):
            call = model.call_at(row)
            if call is not None:
                model.marks.pop(call.id, None)

    def set_mark(self, call_id: str, mark: str, words: str | None) -> None:
        """Set (with the words a tooltip shows) or clear (None) one mark on one call."""
        model = self.sourceModel()
        if isinstance(model, CallListModel):
            model.set_mark(call_id, mark, words)

    def marks(self, call_id: str) -> dict[str, str]:
        model = self.sourceModel()
        return dict(model.marks.get(call_id, {})) if isinstance(model, CallListModel) else {}


class CallTable(QTableView):
    """A table that knows whether the user is acting on it: only their input moves the selection."""

    focused = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._acting = 0

    @property
    def user_acting(self) -> bool:
        return self._acting > 0

    @contextmanager
    def acting(self) -> Iterator[None]:
        self._acting += 1
        try:
            yield
        finally:
            self._acting -= 1

    def mousePressEvent(self, event: QMouseEvent) -> None:
        with self.acting():
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        with self.acting():
            super().mouseMoveEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        with self.acting():
            super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)  # Qt makes the first row current on focus: the view undoes that
        self.focused.emit()

    def sync_geometry(self) -> None:
        """Scroll ranges and row positions up to date now, not at the next layout pass."""
        self.executeDelayedItemsLayout()
        self.updateGeometries()


class CallListView(QWidget):
    """Emits `call_selected(id or "")` when the user selects a call (or the app does through
    `select_call`); filters, sorting and new rows never change the selection, and never move the row
    under the mouse or the selected row on screen."""

    call_selected = Signal(str)
    rename_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = CallListModel(parent=self)
        self.proxy = MarkedCalls(self)
        self.proxy.setSourceModel(self.model)
        self.selected_id: str | None = None  # the user's choice, shown or not
        self.hovered_id: str | None = None
        self._restoring = False
        self._anchor: tuple[str, int] | None = None
        self._loading_message = "Loading calls…"
        self._loaded = False
        self._rename_reason: str | None = None

        self.scope = QComboBox(objectName="scopeFilter")
        self.scope.addItems([s.value for s in Scope])
        self.scope.setCurrentText(Scope.ALL.value)
        self.scope.setToolTip("Which calls to show")
        self.status = ChoiceBox(ALL_STATUSES, [s.value for s in CallStatus], objectName="statusFilter")
        self.assistant = ChoiceBox(ALL_ASSISTANTS, objectName="assistantFilter")
        self.search = QLineEdit(objectName="callSearch", placeholderText="Search calls (Ctrl+F)", clearButtonEnabled=True)

        self.live_first = QCheckBox("Live first", objectName="liveFirst", checked=True)
        self.live_first.setToolTip("Keep live calls above ended ones, whichever column sorts the list")
        self.live_first.toggled.connect(self.proxy.set_live_first)
        # Two short rows rather than one long one: the list keeps a narrow minimum width (1024 px windows).
        search_row = QHBoxLayout()
        search_row.setContentsMargins(0, 0, 0, 0)
        search_row.setSpacing(4)
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.live_first)
        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.setSpacing(4)
        for widget in (self.scope, self.status, self.assistant):
            widget.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            widget.setMinimumContentsLength(8)
            filters.addWidget(widget, 1)
        self.has_alerts = QCheckBox("Has alerts", objectName="hasAlertsFilter")
        self.has_alerts.setToolTip("Only calls that had an alert")
        search_row.addWidget(self.has_alerts)

        self.table = CallTable()
        self.table.setObjectName("callTable")
        self.table.focused.connect(self._show_selected)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)  # anchoring is exact
        self.table.setMouseTracking(True)
        self.table.viewport().installEventFilter(self)
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
        # What a supervisor scans first leads; the reason and the outcome before the details, so a wide
        # window shows them without sideways scrolling and a narrow one still shows customer and status.
        for visual, column in enumerate(VISUAL_ORDER):
            header.moveSection(header.visualIndex(column), visual)
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
        layout.addLayout(search_row)
        layout.addLayout(filters)
        self.left_view_note = wrapped(QLabel(objectName="leftViewNote"))
        self.left_view_note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.left_view_note.hide()
        layout.addWidget(self.left_view_note)
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
        self._restore_filters()
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        for signal in (self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.modelReset, self.proxy.layoutChanged):
            signal.connect(self._refresh_state)
        # Rows moving above what the user looks at: remember it before, put it back after.
        for signal in (self.proxy.rowsAboutToBeInserted, self.proxy.rowsAboutToBeRemoved,
                       self.proxy.layoutAboutToBeChanged):
            signal.connect(self._remember_anchor)
        for signal in (self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.layoutChanged, self.proxy.modelReset):
            signal.connect(self._after_rows_moved)
        self._assistants: set[str] = set()
        self.model.rowsInserted.connect(self._collect_assistants)
        self.model.modelReset.connect(self._collect_assistants)

        self._ticker = QTimer(self, interval=1000)
        self._ticker.timeout.connect(self.tick)
        self._ticker.start()
        self._refresh_state()
        self.setFocusProxy(self.table)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:  # the outcome's colour, the marks' icons, the highlight
            self.model.forget_looks()
        super().changeEvent(event)

    # --- public --------------------------------------------------------------------------
    def set_loading(self, message: str) -> None:
        """Before the first list arrives, say what is happening instead of showing a blank table."""
        self._loaded = False
        self._loading_message = message
        self._refresh_state()

    def set_loaded(self) -> None:
        if not self._loaded:  # told again after every poll
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
        index = self._index_of(call_id)
        if not index.isValid():
            return False
        with self.table.acting():
            self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        return True

    def clear_selection(self) -> None:
        """The app shows something the list does not hold (a cached call): no row stays selected."""
        self.selected_id = None
        self._show_selected()

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
    def _restore_filters(self) -> None:
        """The filters as they were last set; each change is written at once, so a crash or SIGTERM keeps it."""
        store = self._settings = settings()
        scope = setting("callList/scope", Scope.ALL.value, store)
        self.scope.setCurrentText(scope if scope in {s.value for s in Scope} else Scope.ALL.value)
        status = setting("callList/status", "", store)
        if status and self.status.findText(status) >= 0:
            self.status.setCurrentText(status)
        self.live_first.setChecked(setting("callList/liveFirst", True, store))
        self.scope.currentTextChanged.connect(lambda text: self._remember("callList/scope", text))
        self.status.currentTextChanged.connect(lambda _t: self._remember("callList/status", self.status.value() or ""))
        self.live_first.toggled.connect(lambda on: self._remember("callList/liveFirst", on))

    def _remember(self, key: str, value: object) -> None:
        self._settings.setValue(key, value)  # on disk once the event loop turns (Qt's own sync)

    def _index_of(self, call_id: str | None) -> QModelIndex:
        row = self.model.row_of(call_id) if call_id else None
        return self.proxy.mapFromSource(self.model.index(row, 0)) if row is not None else QModelIndex()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._restoring:
            return
        if not self.table.user_acting:
            # Qt moved the current row itself (a filter hid it, focus arrived): the user's choice stands.
            QTimer.singleShot(0, self._show_selected)
            return
        call = current.data(CALL_ROLE)
        self.selected_id = call.id if isinstance(call, Call) else None
        self._update_note()
        self.call_selected.emit(self.selected_id or "")

    def _show_selected(self) -> None:
        """Make the table show the user's selection: its row when the filters show it, else none."""
        if self.selected_id is not None and self.model.row_of(self.selected_id) is None:
            self.selected_id = None  # gone from the account (a switch): the window clears its panels itself
        index = self._index_of(self.selected_id)
        selection = self.table.selectionModel()
        self._restoring = True
        try:
            if index.isValid():
                if self.table.currentIndex().row() != index.row() or not selection.isRowSelected(index.row()):
                    selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                              | QItemSelectionModel.SelectionFlag.Rows)
            elif selection.hasSelection() or self.table.currentIndex().isValid():
                selection.clear()
        finally:
            self._restoring = False
        self._update_note()

    def _update_note(self) -> None:
        call = self.model.call(self.selected_id) if self.selected_id else None
        hidden = call is not None and not self._index_of(call.id).isValid()
        if hidden and call is not None:
            self.left_view_note.setText(f"The selected call ({call_label(call)}, {one_line(call.status, 40)}) is no "
                                        "longer in this view; it stays open on the right.")
        self.left_view_note.setVisible(hidden)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport():
            if event.type() == QEvent.Type.MouseMove and isinstance(event, QMouseEvent):
                call = self.table.indexAt(event.position().toPoint()).data(CALL_ROLE)
                self.hovered_id = call.id if isinstance(call, Call) else None
            elif event.type() == QEvent.Type.Leave:
                self.hovered_id = None
        return super().eventFilter(watched, event)

    def _remember_anchor(self, *_args: object) -> None:
        """The row the user aims at (under the mouse, else the selected one) and where it is on screen."""
        if self._anchor is not None:
            return  # a change inside a change: the first position is the one the user saw
        viewport = self.table.viewport().rect()
        for call_id in (self.hovered_id, self.selected_id):
            rect = self.table.visualRect(self._index_of(call_id))
            if call_id and rect.isValid() and viewport.intersects(rect):
                self._anchor = (call_id, rect.y())
                return

    def _after_rows_moved(self, *_args: object) -> None:
        anchor, self._anchor = self._anchor, None
        self._show_selected()
        if anchor is None:
            return
        call_id, y = anchor
        self.table.sync_geometry()
        rect = self.table.visualRect(self._index_of(call_id))
        if rect.isValid() and rect.y() != y:
            bar = self.table.verticalScrollBar()
            bar.setValue(bar.value() + rect.y() - y)

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

    def _collect_assistants(self, _parent: QModelIndex | None = None, first: int = 0, last: int | None = None) -> None:
        """The assistant filter's choices: every assistant of the list (after a reset), plus those of new rows."""
        registry = self.model.registry
        if last is None:
            self._assistants = set()
        rows = range(first, len(registry) if last is None else last + 1) if registry is not None else range(0)
        names = {call.assistant_label for row in rows if (call := self.model.call_at(row)) is not None} - {""}
        if names - self._assistants or last is None:
            self._assistants |= names
            self.assistant.set_values(sorted(self._assistants))

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
        live = registry.live_count() if registry is not None else 0
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
