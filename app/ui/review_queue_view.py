"""The History dock's Queue tab: the calls picked for review (newest first), why, who has them and
where each stands; edit the rules, rebuild the last week's queue with them, share it out among
reviewers, take the next call (Ctrl+N)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from app.qa.queue_rules import QueueRules
from app.store.database import Database
from app.store.review_queue import QueuedCall, ReviewQueue, ReviewState
from app.ui.plain import comma_list
from app.ui.record_table import record_table
from app.ui.tasks import Newest
from app.ui.text_table import TextTable

NEXT_KEYS = "Ctrl+N"
REBUILD_DAYS = 7
SHOWN_LIMIT = 1000
COLUMNS = ["Started", "Call", "Why", "Assigned to", "State"]


def last_days(days: int, now: datetime | None = None) -> tuple[datetime, datetime]:
    """From local midnight `days - 1` days ago to the end of today, as a UTC range."""
    local = (now or datetime.now(UTC)).astimezone()
    start = local.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=days - 1)
    return start.astimezone(UTC), (start + timedelta(days=days)).astimezone(UTC)


class ReviewQueueView(QWidget):
    call_opened = Signal(str, str)  # account id, call id
    next_asked = Signal()
    assigned = Signal(list)  # the QueuedCalls just shared out (the team's hub hears of them)
    rules_saved = Signal(object)  # the QueueRules just saved

    def __init__(self, db: Database, reviewer: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("reviewQueue")
        self.db = db
        self._reloads = Newest()
        self.reviewer = reviewer
        self.entries: list[QueuedCall] = []
        self.summary = QLabel("", objectName="queueSummary")
        self.model = TextTable(COLUMNS, self)
        self.table = record_table(self.model, "queueTable", self)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.setColumnWidth(0, 130)
        self.table.setColumnWidth(1, 300)
        self.table.doubleClicked.connect(self._open_row)
        self.rebuild_button = QPushButton("Rebuild the week's queue", objectName="queueRebuild")
        self.rebuild_button.setToolTip(f"Run the queue rules again over every call cached in the last {REBUILD_DAYS} "
                                       "days")
        self.rebuild_button.clicked.connect(self._rebuild_now)
        self.reviewers = QLineEdit(objectName="queueReviewers", placeholderText="Reviewers: ann, bob…")
        self.share_button = QPushButton("Share out", objectName="queueShare")
        self.share_button.setToolTip("Assign the calls nobody has yet to these reviewers in turn")
        self.share_button.clicked.connect(self._share_now)
        self.next_button = QPushButton(f"Next call to review ({NEXT_KEYS})", objectName="queueNext")
        self.next_button.clicked.connect(self.next_asked)
        self.sample = QDoubleSpinBox(objectName="queueSample", suffix=" % sampled", decimals=1, maximum=100.0,
                                     singleStep=1.0)
        self.failed = QCheckBox("not successful", objectName="queueFailed")
        self.transferred = QCheckBox("transferred", objectName="queueTransferred")
        self.critical = QCheckBox("critical alert", objectName="queueCritical")
        self.shorter = QDoubleSpinBox(objectName="queueShorter", prefix="shorter than ", suffix=" s", decimals=0,
                                      maximum=3600.0)
        self.shorter.setSpecialValueText("no duration rule")  # 0 s: the rule is off
        self.save_rules_button = QPushButton("Save rules", objectName="queueSaveRules")
        self.save_rules_button.setToolTip("Use these rules for calls cached from now on, and rebuild the week's queue")
        self.save_rules_button.clicked.connect(self._save_rules_now)
        rules = QHBoxLayout()
        rules.addWidget(QLabel("Pick:"))
        for widget in (self.sample, self.failed, self.transferred, self.critical, self.shorter):
            rules.addWidget(widget)
        rules.addStretch(1)
        rules.addWidget(self.save_rules_button)
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        row.addWidget(self.rebuild_button)
        row.addWidget(self.reviewers)
        row.addWidget(self.share_button)
        row.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(rules)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)

    async def reload(self) -> int:
        def read(conn: Any) -> tuple[list[QueuedCall], dict[tuple[str, str], ReviewState], QueueRules]:
            queue = ReviewQueue(conn)
            entries = queue.entries(limit=SHOWN_LIMIT)
            return entries, queue.states((e.account_id, e.call_id) for e in entries), queue.rules()

        reload = self._reloads.ask()
        entries, states, rules = await self.db.read(read)
        if not self._reloads.show(reload):
            return len(entries)  # a newer reload already shows the queue (a hub's assignment, the tab shown)
        picked = set(self.selected_calls())  # a reload (a tab shown, a call joining) keeps what is picked now
        self.entries = entries
        self._show_rules(rules)
        self.model.set_rows([
            (entry.created_at.astimezone().strftime("%Y-%m-%d %H:%M") if entry.created_at else "", entry.call_id,
             ", ".join(entry.reasons), entry.assigned_to or "anyone",
             states.get((entry.account_id, entry.call_id), ReviewState.TO_REVIEW).value)
            for entry in self.entries])
        selection = self.table.selectionModel()
        for row, entry in enumerate(self.entries):
            if (entry.account_id, entry.call_id) in picked:
                selection.select(self.model.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                                 | QItemSelectionModel.SelectionFlag.Rows)
        left = sum(states.get((e.account_id, e.call_id), ReviewState.TO_REVIEW) is ReviewState.TO_REVIEW
                   for e in self.entries)
        shown = f"the newest {SHOWN_LIMIT}" if len(self.entries) >= SHOWN_LIMIT else str(len(self.entries))
        self.summary.setText(f"Queue: {shown} calls picked for review · {left} to review")
        return len(self.entries)

    async def rebuild(self) -> int:
        since, until = last_days(REBUILD_DAYS)
        await self.db.write(lambda conn: ReviewQueue(conn).build(since, until))
        return await self.reload()

    async def share_out(self, reviewers: list[str]) -> int:
        if not reviewers:
            self.summary.setText("Name the reviewers first, separated by commas.")
            return 0
        shared = await self.db.write(lambda conn: ReviewQueue(conn).share_out(reviewers))
        self.assigned.emit(shared)
        await self.reload()
        return len(shared)

    async def next_call(self, skip: tuple[str, str] | None = None) -> QueuedCall | None:
        """The next call this reviewer should take (their own draft first, then the oldest queued)."""
        return await self.db.read(lambda conn: ReviewQueue(conn).next_for(self.reviewer, skip=skip))

    async def take(self, entry: QueuedCall) -> QueuedCall:
        """A call nobody had becomes this reviewer's (with a hub, colleagues' Ctrl+N then passes it by)."""
        if entry.assigned_to is not None:
            return entry
        await self.db.write(lambda conn: ReviewQueue(conn).assign(entry.account_id, entry.call_id, self.reviewer))
        taken = replace(entry, assigned_to=self.reviewer)
        self.assigned.emit([taken])
        return taken

    def rules(self) -> QueueRules:
        """The rules as the row of fields says them."""
        return QueueRules(sample_percent=self.sample.value(), not_successful=self.failed.isChecked(),
                          transferred=self.transferred.isChecked(), critical_alert=self.critical.isChecked(),
                          shorter_than_seconds=self.shorter.value() or None)

    async def save_rules(self) -> int:
        rules = self.rules()
        await self.db.write(lambda conn: ReviewQueue(conn).save_rules(rules))
        self.rules_saved.emit(rules)
        return await self.rebuild()

    def _show_rules(self, rules: QueueRules) -> None:
        self.sample.setValue(rules.sample_percent)
        self.failed.setChecked(rules.not_successful)
        self.transferred.setChecked(rules.transferred)
        self.critical.setChecked(rules.critical_alert)
        self.shorter.setValue(rules.shorter_than_seconds or 0)

    def selected_calls(self) -> list[tuple[str, str]]:
        """The calls picked in the table (a calibration session starts from them)."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [(self.entries[r].account_id, self.entries[r].call_id) for r in rows if r < len(self.entries)]

    def _open_row(self, index: QModelIndex) -> None:
        if 0 <= index.row() < len(self.entries):
            entry = self.entries[index.row()]
            self.call_opened.emit(entry.account_id, entry.call_id)

    @asyncSlot()
    async def _save_rules_now(self) -> None:
        await self.save_rules()

    @asyncSlot()
    async def _rebuild_now(self) -> None:
        await self.rebuild()

    @asyncSlot()
    async def _share_now(self) -> None:
        await self.share_out(list(comma_list(self.reviewers.text())))
