"""The cached call list as a Qt model that reads windows, never the whole table.

`rowCount` is the number of matching calls (one COUNT query); `data` for a row outside the
windows in memory returns a placeholder and asks the history database's reader threads for
that window. The answer comes back to the Qt thread as a queued signal, and only those rows
repaint. A few windows are kept, so 100 000 calls open and scroll without loading them all.
"""

from __future__ import annotations

from collections import OrderedDict
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from app.store.calls import CallCache, CallFilters, CallRow
from app.store.database import Database
from app.store.reviews import ReviewBook
from app.ui.cell_roles import answer_each
from app.ui.formats import call_label, duration, percent
from app.ui.plain import one_line, tooltip
from app.ui.verdicts import success_verdict

Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 43
WINDOW = 200
KEPT_WINDOWS = 12
COLUMNS = ["Started", "Status", "Customer", "Assistant", "Duration", "Turns", "Evaluation", "Review"]
LOADING = "…"


def cell_text(row: CallRow, column: int) -> str:
    match COLUMNS[column]:
        case "Started":
            moment = row.started_at or row.created_at
            return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""
        case "Status":
            return row.status
        case "Customer":
            return call_label(row)
        case "Assistant":
            return row.assistant_name or ""
        case "Duration":
            return duration(row.duration_seconds)
        case "Turns":
            return str(row.turn_count)
        case "Evaluation":
            return success_verdict(row.success_evaluation)[0] if row.success_evaluation else ""
    return ""


def review_words(status: str, score_percent: float | None) -> str:
    """'✓ 86 %' for a submitted review (reviewed), 'draft 40 %' for one under way (in review)."""
    score = percent(score_percent)
    return f"✓ {score}" if status == "submitted" else f"draft {score}"


class CallHistoryModel(QAbstractTableModel):
    window_loaded = Signal(int, int)  # first row, row count: a window arrived and was painted
    _arrived = Signal(int, int, object)  # generation, window number, rows (from a reader thread)

    def __init__(self, db: Database, parent: QObject | None = None):
        super().__init__(parent)
        self.db = db
        self.account_id: str | None = None
        self.filters = CallFilters()
        self._count = 0
        self._reviews: dict[tuple[str, str], tuple[str, float | None]] = {}  # (account, call) -> (status, %)
        self._generation = 0
        self._windows: OrderedDict[int, list[CallRow]] = OrderedDict()
        self._asked: set[int] = set()
        self._arrived.connect(self._store_window, Qt.ConnectionType.QueuedConnection)

    # -- what to show ---------------------------------------------------------------------

    async def show(self, account_id: str | None, filters: CallFilters | None = None) -> int:
        """Count the matching calls and start over; rows are read as they come into view."""
        filters = filters or CallFilters()
        count, reviews = await self.db.read(lambda conn: (
            CallCache(conn).count(account_id, filters), ReviewBook(conn).scores_by_call(account_id)))
        self.beginResetModel()
        self._reviews = reviews
        self.account_id, self.filters = account_id, filters
        self._generation += 1
        self._count = count
        self._windows.clear()
        self._asked.clear()
        self.endResetModel()
        return count

    def row_at(self, row: int) -> CallRow | None:
        """The call on a row if its window is in memory (else it is asked for, and None)."""
        if not 0 <= row < self._count:
            return None
        number = row // WINDOW
        rows = self._windows.get(number)
        if rows is None:
            self._ask(number)
            return None
        self._windows.move_to_end(number)
        offset = row - number * WINDOW
        return rows[offset] if offset < len(rows) else None

    # -- Qt model -------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def multiData(self, index: Index, roles: QModelRoleDataSpan | QModelRoleData) -> None:
        """A painted cell's seven roles in one call."""
        answer_each(roles, lambda role: self.data(index, role))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, ROW_ROLE, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self.row_at(index.row())
        if role == ROW_ROLE:
            return row
        if row is None:  # its window is on the way
            return LOADING if role == Qt.ItemDataRole.DisplayRole and index.column() == 0 else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(f"{row.id} · {row.provider}")
        if COLUMNS[index.column()] == "Review":
            review = self._reviews.get((row.account_id, row.id))
            return review_words(*review) if review else (row.review_state or "")  # "to review": queued
        return one_line(cell_text(row, index.column()))

    # -- windows --------------------------------------------------------------------------

    def _ask(self, number: int) -> None:
        if number in self._asked:
            return
        self._asked.add(number)
        generation, account_id, filters = self._generation, self.account_id, self.filters
        try:
            future = self.db.submit_read(
                lambda conn: CallCache(conn).page(account_id, filters, number * WINDOW, WINDOW))
        except RuntimeError:  # the history file was closed (the window is going away)
            return
        future.add_done_callback(lambda done: self._deliver(generation, number, done))

    def _deliver(self, generation: int, number: int, done: Future[list[CallRow]]) -> None:
        # A reader thread: hand the rows to the Qt thread through a queued signal.
        rows = None if done.cancelled() or done.exception() else done.result()
        try:
            self._arrived.emit(generation, number, rows)
        except RuntimeError:  # the model was deleted meanwhile
            pass

    def _store_window(self, generation: int, number: int, rows: list[CallRow] | None) -> None:
        if generation != self._generation:
            return
        self._asked.discard(number)
        if rows is None:  # the read failed: the window is asked again when it is next painted
            return
        self._windows[number] = rows
        while len(self._windows) > KEPT_WINDOWS:
            self._windows.popitem(last=False)
        first = number * WINDOW
        last = min(self._count, first + WINDOW) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))
        self.window_loaded.emit(first, len(rows))
