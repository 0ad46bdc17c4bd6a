"""The triage queue: open alerts, most severe then oldest first, and what a supervisor does with them.

Keys on the queue: Enter opens the call, L starts listening, A says "I have it" (acknowledge),
S snoozes for the minutes beside the list. A critical alert also shows a desktop notification
through the system tray (and, if chosen, a beep).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSizeF,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QIcon, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QSystemTrayIcon,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.alert import Alert, Severity
from app.live.alerts.engine import AlertChange, AlertEngine
from app.ui.alert_look import (
    SEVERITY_WORDS,
    rule_title,
    severity_colour,
    severity_fill,
)
from app.ui.cell_roles import answer
from app.ui.chips import Chips
from app.ui.plain import notice, one_line, tooltip
from app.ui.screen_redaction import SCREEN
from app.ui.view_keys import ViewKeys

Index = QModelIndex | QPersistentModelIndex
NOTIFIED_KEPT = 50
ALERT_ROLE = Qt.ItemDataRole.UserRole + 40


class Column(IntEnum):
    SEVERITY = 0
    AGE = 1
    CALL = 2
    RULE = 3
    WHAT = 4
    SAID = 5


HEADERS = {Column.SEVERITY: "Severity", Column.AGE: "Waiting", Column.CALL: "Call", Column.RULE: "Rule",
           Column.WHAT: "What happened", Column.SAID: "Said"}


def waiting(alert: Alert, now: datetime) -> str:
    seconds = max(0, int((now - alert.raised_at).total_seconds()))
    return f"{seconds} s" if seconds < 60 else f"{seconds // 60} min"


class TriageModel(QAbstractTableModel):
    """The engine's open alerts in triage order; rebuilt on every alert change (the queue is short)."""

    def __init__(self, engine: AlertEngine, call_label: Callable[[str], str], parent: QObject | None = None,
                 *, now: Callable[[], datetime] = lambda: datetime.now(UTC)):
        super().__init__(parent)
        self.engine = engine
        self._call_label = call_label
        self._now = now
        self._alerts: list[Alert] = engine.open_alerts()
        self._unsubscribe = engine.changed.connect(self._on_change)

    def close(self) -> None:
        self._unsubscribe()

    def _on_change(self, _change: AlertChange) -> None:
        """Rebuilt only when the open alerts changed: most changes are to alerts the queue does not show."""
        alerts = self.engine.open_alerts()
        if alerts != self._alerts:
            self.beginResetModel()
            self._alerts = alerts
            self.endResetModel()

    def tick(self) -> None:
        """Once a second: the waiting times move."""
        if self._alerts:
            self.dataChanged.emit(self.index(0, Column.AGE), self.index(len(self._alerts) - 1, Column.AGE))

    def alert_at(self, row: int) -> Alert | None:
        return self._alerts[row] if 0 <= row < len(self._alerts) else None

    def row_of(self, alert_id: str) -> int | None:
        return next((row for row, a in enumerate(self._alerts) if a.id == alert_id), None)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._alerts)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        return None

    def multiData(self, index: Index, roles: QModelRoleDataSpan | QModelRoleData) -> None:
        """A painted cell's roles in one call."""
        alert = self.alert_at(index.row()) if index.isValid() else None
        answer(roles, self._cell(alert, Column(index.column())) if alert is not None else {})

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        alert = self.alert_at(index.row()) if index.isValid() else None
        if alert is None:
            return None
        if role == ALERT_ROLE:  # a chip's question, asked before it paints
            return alert
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(self._text(alert, Column(index.column())))
        return self._cell(alert, Column(index.column())).get(role)

    def _cell(self, alert: Alert, column: Column) -> dict[int, Any]:
        """Its words, and the row tinted by the severity (the severity's own chip is its colour)."""
        shown: dict[int, Any] = {Qt.ItemDataRole.DisplayRole: one_line(self._text(alert, column))}
        if column is not Column.SEVERITY:
            shown[Qt.ItemDataRole.BackgroundRole] = severity_fill(alert.severity, QApplication.palette())
        return shown

    def _text(self, alert: Alert, column: Column) -> str:
        match column:
            case Column.SEVERITY:
                return SEVERITY_WORDS[alert.severity]
            case Column.AGE:
                return waiting(alert, self._now())
            case Column.CALL:
                return self._call_label(alert.call_id)
            case Column.RULE:
                return rule_title(alert.rule)
            case Column.WHAT:
                return SCREEN.text(alert.message)
            case Column.SAID:
                return SCREEN.text(alert.text)
        return ""


class SeverityChip(QStyledItemDelegate):
    """The severity as a coloured chip with its word: colour to find it, the word to be sure."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._chips = Chips()

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        alert = index.data(ALERT_ROLE)
        if not isinstance(alert, Alert):
            super().paint(painter, option, index)
            return
        palette = option.palette  # the view's: the chip needs no more of the cell than its place
        rect: QRect = option.rect.adjusted(3, 3, -3, -3)
        font = QFont(option.font)
        font.setBold(True)
        chip = self._chips.chip(SEVERITY_WORDS[alert.severity], severity_colour(alert.severity, palette),
                                palette.color(QPalette.ColorRole.Base), font, QSizeF(rect.size()), 4,
                                painter.device().devicePixelRatioF())
        painter.drawPixmap(rect.topLeft(), chip)


class TriageQueue(QWidget):
    """The dock's content: the queue, its buttons and the snooze minutes."""

    open_requested = Signal(str)  # call id
    listen_requested = Signal(str)  # call id

    def __init__(self, engine: AlertEngine, user: str, call_label: Callable[[str], str],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("triageQueue")
        self.engine = engine
        self.user = user
        self.model = TriageModel(engine, call_label, self)
        self.heading = QLabel(objectName="triageHeading")
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)

        self.table = QTableView(objectName="triageTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.table.setItemDelegateForColumn(Column.SEVERITY, SeverityChip(self.table))
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        metrics = self.fontMetrics()
        for column, sample in ((Column.SEVERITY, "CRITICAL"), (Column.AGE, "Waiting"),
                               (Column.CALL, "+15558843875 · Taylor - Orders"), (Column.RULE, "Assistant not answering"),
                               (Column.WHAT, "Customer mood trending down (-0.44 over the last 3 turns)")):
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 24)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.keys = ViewKeys(self.table, {
            Qt.Key.Key_Return: self.open_current, Qt.Key.Key_Enter: self.open_current, Qt.Key.Key_L: self.listen_current,
            Qt.Key.Key_A: self.acknowledge_current, Qt.Key.Key_S: self.snooze_current})

        self.open_button = QPushButton("Open (Enter)", objectName="triageOpen")
        self.listen_button = QPushButton("Listen (L)", objectName="triageListen")
        self.have_button = QPushButton("I have it (A)", objectName="triageAcknowledge")
        self.snooze_button = QPushButton("Snooze (S)", objectName="triageSnooze")
        self.snooze_minutes = QSpinBox(objectName="triageSnoozeMinutes", minimum=1, maximum=240, value=5, suffix=" min")
        self.snooze_minutes.setToolTip("How long S hides an alert")
        self.open_button.clicked.connect(self.open_current)
        self.listen_button.clicked.connect(self.listen_current)
        self.have_button.clicked.connect(self.acknowledge_current)
        self.snooze_button.clicked.connect(self.snooze_current)

        # The heading on its own line, the keys under it: the queue stays whole in a third of the window.
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for widget in (self.open_button, self.listen_button, self.have_button, self.snooze_button, self.snooze_minutes):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.heading)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)

        self._selected_id: str | None = None
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self.model.modelReset.connect(self._restore_selection)
        self.table.selectionModel().currentRowChanged.connect(self._enable)
        self._ticker = QTimer(self, interval=1000)
        self._ticker.timeout.connect(self.model.tick)
        self._ticker.start()
        self._restore_selection()
        self.setFocusProxy(self.table)

    # --- actions -------------------------------------------------------------------------
    def current_alert(self) -> Alert | None:
        return self.model.alert_at(self.table.currentIndex().row())

    def open_current(self) -> None:
        alert = self.current_alert()
        if alert is not None:
            self.open_requested.emit(alert.call_id)

    def listen_current(self) -> None:
        alert = self.current_alert()
        if alert is not None:
            self.listen_requested.emit(alert.call_id)

    def acknowledge_current(self) -> None:
        alert = self.current_alert()
        if alert is not None:
            self.engine.acknowledge(alert.id, self.user)

    def snooze_current(self) -> None:
        alert = self.current_alert()
        if alert is not None:
            self.engine.snooze(alert.id, self.snooze_minutes.value())

    # --- state ---------------------------------------------------------------------------
    def _remember_selection(self) -> None:
        alert = self.current_alert()
        self._selected_id = alert.id if alert else None
        self._selected_row = max(0, self.table.currentIndex().row())

    def _restore_selection(self) -> None:
        count = self.model.rowCount()
        row = self.model.row_of(self._selected_id) if self._selected_id else None
        if row is None and count:
            row = min(getattr(self, "_selected_row", 0), count - 1)  # the next alert takes the handled one's place
        if row is not None:
            self.table.setCurrentIndex(self.model.index(row, 0))
        critical = sum(1 for a in self.engine.open_alerts() if a.severity is Severity.CRITICAL)
        self.heading.setText(f"{count} open alert{'s' if count != 1 else ''}" + (f" · {critical} critical" if critical else "")
                             if count else "No open alerts — every live call looks fine")
        self._enable()

    def _enable(self, *_args: object) -> None:
        has = self.current_alert() is not None
        for button in (self.open_button, self.listen_button, self.have_button, self.snooze_button):
            button.setEnabled(has)


class CriticalNotifier(QObject):
    """A desktop notification (system tray) for every critical alert raised; optionally a beep."""

    def __init__(self, engine: AlertEngine, describe: Callable[[Alert], str], icon: QIcon,
                 parent: QObject | None = None, *, sound: bool = False):
        super().__init__(parent)
        self.describe = describe
        self.sound = sound
        self.shown: deque[Alert] = deque(maxlen=NOTIFIED_KEPT)  # the latest notified (the tray may be missing)
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(icon, self)
            self.tray.setToolTip("Switchboard alerts")
            self.tray.show()
        self._unsubscribe = engine.changed.connect(self._on_change)

    def close(self) -> None:
        self._unsubscribe()
        if self.tray is not None:
            self.tray.hide()

    def _on_change(self, change: AlertChange) -> None:
        for alert in change.raised:
            if alert.severity is Severity.CRITICAL:
                self.shown.append(alert)
                if self.tray is not None:
                    self.tray.showMessage(f"Critical: {rule_title(alert.rule)}", notice(self.describe(alert)),
                                          QSystemTrayIcon.MessageIcon.Critical, 10_000)
                if self.sound:
                    QApplication.beep()
