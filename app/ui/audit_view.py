"""The audit log viewer: who sent which command to which call, and what came of it.

Filters by account, user, command, outcome and period; exports what is shown to CSV.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from app.domain import Account, CommandKind, Outcome
from app.store.audit import NOT_SENT, PENDING, AuditEntry, AuditFilters, AuditLog
from app.store.database import Database
from app.ui.csv_dialog import export_csv_file
from app.ui.history_filters import AccountBox, ChoiceBox, PeriodBox
from app.ui.plain import one_line, tooltip, wrapped
from app.ui.record_table import record_table
from app.ui.save_dialog import ask_save_path
from app.ui.tones import accent, outcome_tone

SHOWN_LIMIT = 1000
ANYONE = "Anyone"
ANY_COMMAND = "Any command"
ANY_OUTCOME = "Any outcome"
OUTCOMES = [Outcome.ACCEPTED.value, Outcome.REFUSED.value, Outcome.UNKNOWN.value, PENDING, NOT_SENT]
COLUMNS = ["Time", "User", "Account", "Call", "Command", "Outcome", "Latency", "Message"]
# Column widths, as the longest text a column usually shows (the message stretches into the rest).
WIDTH_SAMPLES = {"Time": "2025-12-31 23:59:59", "User": "supervisor", "Account": "Vapi production",
                 "Call": "0199a1b2-c3d4-7e5f", "Command": "Say “One moment please”", "Outcome": "accepted",
                 "Latency": "12345 ms"}
OUTCOME_COLUMN, COMMAND_COLUMN, LATENCY_COLUMN, MESSAGE_COLUMN = (
    COLUMNS.index(name) for name in ("Outcome", "Command", "Latency", "Message"))
Index = QModelIndex | QPersistentModelIndex


def entry_row(entry: AuditEntry) -> list[str]:
    latency = "" if entry.latency_ms is None else f"{entry.latency_ms:.0f} ms"
    when = entry.requested_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    return [when, entry.user, entry.account_name, entry.call_id, entry.description, entry.outcome, latency,
            entry.message]


class AuditEntries(QAbstractTableModel):
    """The shown entries, one row each; a row's texts are worked out when it is first shown."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.entries: list[AuditEntry] = []
        self._texts: dict[int, list[str]] = {}

    def set_entries(self, entries: list[AuditEntry]) -> None:
        self.beginResetModel()
        self.entries = entries
        self._texts = {}
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            texts = self._texts.get(row)
            if texts is None:
                texts = self._texts[row] = entry_row(self.entries[row])
            return one_line(texts[column])
        entry = self.entries[row]
        if role == Qt.ItemDataRole.ForegroundRole and column == OUTCOME_COLUMN:
            return accent(outcome_tone(entry.outcome), QGuiApplication.palette())
        if role == Qt.ItemDataRole.ToolTipRole and column == COMMAND_COLUMN:
            return tooltip(str(entry.command))
        if role == Qt.ItemDataRole.ToolTipRole and column == MESSAGE_COLUMN:
            return tooltip(entry.message)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == LATENCY_COLUMN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class AuditLogView(QWidget):
    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("auditLogView")
        self.db = db
        self._export_dialog: QWidget | None = None

        self.account = AccountBox(objectName="auditAccount")
        self.user = ChoiceBox(ANYONE, objectName="auditUser")
        self.user.setToolTip("Only commands sent by this user")
        self.kind = ChoiceBox(ANY_COMMAND, [k.value for k in CommandKind], objectName="auditCommand")
        self.outcome = ChoiceBox(ANY_OUTCOME, OUTCOMES, objectName="auditOutcome")
        self.period = PeriodBox(objectName="auditPeriod")
        for box in (self.account, self.user, self.kind, self.outcome, self.period):
            box.activated.connect(self._reload_now)
        self.refresh_button = QPushButton("Refresh", objectName="auditRefresh")
        self.refresh_button.clicked.connect(self._reload_now)
        self.export_button = QPushButton("Export CSV…", objectName="auditExport")
        self.export_button.setToolTip("Save the entries matching the filters as a CSV file")
        self.export_button.clicked.connect(self._ask_export_path)

        self.model = AuditEntries(self)
        self.table = record_table(self.model, "auditTable")
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)  # the message takes the room left
        metrics = self.table.fontMetrics()
        for column, sample in WIDTH_SAMPLES.items():  # set once: measuring 1000 rows per reload stalls the window
            header.resizeSection(COLUMNS.index(column), metrics.horizontalAdvance(sample) + 16)
        self.summary = wrapped(QLabel("", objectName="auditSummary"))

        filters = QHBoxLayout()
        for widget in (self.account, self.user, self.kind, self.outcome, self.period):
            filters.addWidget(widget)
        filters.addStretch(1)
        filters.addWidget(self.refresh_button)
        filters.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)

    def set_accounts(self, accounts: list[Account]) -> None:
        self.account.set_accounts(accounts)

    def filters(self, now: datetime | None = None) -> AuditFilters:
        return AuditFilters(
            account_id=self.account.account_id(),
            user=self.user.value(),
            command_kind=self.kind.value(),
            outcome=self.outcome.value(),
            since=self.period.since(now),
        )

    async def reload(self) -> list[AuditEntry]:
        filters = self.filters()

        def load(conn) -> tuple[list[AuditEntry], int, list[str]]:
            log = AuditLog(conn)
            return log.entries(filters, limit=SHOWN_LIMIT), log.count(filters), log.users()

        try:
            entries, total, users = await self.db.read(load)
        except Exception as error:  # noqa: BLE001 - say it, keep the window
            self.summary.setText(f"Could not read the audit log: {error}")
            return self.model.entries
        self.user.set_values(users)
        self.model.set_entries(entries)
        shown = len(entries)
        if total == 0:
            self.summary.setText("No commands match. Every command sent from this console is recorded here.")
        elif total > shown:
            self.summary.setText(f"Newest {shown} of {total} commands; narrow the filters or export them all.")
        else:
            self.summary.setText(f"{total} command{'s' if total != 1 else ''}.")
        return entries

    async def export_csv(self, path: Path | str) -> int:
        """Write every entry matching the filters (not only the shown ones) to `path`."""
        filters = self.filters()
        rows, said = await export_csv_file(self.db, path, lambda conn, out: AuditLog(conn).export_csv(out, filters),
                                           "command")
        self.summary.setText(said)
        return rows

    def _ask_export_path(self) -> None:
        self._export_dialog = ask_save_path(self, "Export the audit log", "switchboard-audit.csv", self._export_to)

    @asyncSlot(str)
    async def _export_to(self, path: str) -> None:
        await self.export_csv(path)

    @asyncSlot()
    async def _reload_now(self) -> None:
        await self.reload()
