"""Every cached call, browsable offline: filters, a windowed table, and fetching older history.

"Fetch history" backfills a period from the current account with a progress bar and Cancel;
what was fetched before Cancel stays cached. Opening a row emits `call_opened(account, call)`.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from app.domain import Account, CallStatus
from app.providers.base import PlatformClient
from app.providers.errors import ProviderError
from app.store.calls import CallFilters
from app.store.database import Database
from app.store.sync import BackfillProgress, CallSync, SyncReport
from app.ui.call_list import StatusBadge
from app.ui.history_filters import AccountBox, ChoiceBox, PeriodBox
from app.ui.history_model import COLUMNS, ROW_ROLE, CallHistoryModel
from app.ui.plain import wrapped
from app.ui.record_table import record_table

ANY_STATUS = "Any status"
BACKFILL_SPANS = {"last 7 days": 7, "last 30 days": 30, "last 90 days": 90, "last year": 365}


class CachedCallsView(QWidget):
    call_opened = Signal(str, str)  # account_id, call_id

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("cachedCalls")
        self.db = db
        self.account: Account | None = None
        self.client: PlatformClient | None = None
        self._cancel: asyncio.Event | None = None

        self.account_box = AccountBox(objectName="cachedAccount")
        self.period = PeriodBox(objectName="cachedPeriod")
        self.status = ChoiceBox(ANY_STATUS, [s.value for s in CallStatus], objectName="cachedStatus")
        self.text = QLineEdit(objectName="cachedText", placeholderText="Name, number or id", clearButtonEnabled=True)
        self.text.returnPressed.connect(self._reload_now)
        for box in (self.account_box, self.period, self.status):
            box.activated.connect(self._reload_now)

        self.model = CallHistoryModel(db, self)
        self.table = record_table(self.model, "cachedTable")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COLUMNS.index("Customer"), QHeaderView.ResizeMode.Stretch)
        for column, width in (("Started", 130), ("Status", 90), ("Assistant", 130), ("Duration", 70),
                              ("Turns", 50), ("Evaluation", 90)):
            header.resizeSection(COLUMNS.index(column), width)
        self.table.setItemDelegateForColumn(COLUMNS.index("Status"), StatusBadge(self.table))
        self.table.activated.connect(self._open)
        self.table.doubleClicked.connect(self._open)
        self.summary = wrapped(QLabel("", objectName="cachedSummary"))

        self.span = QComboBox(objectName="backfillSpan")
        self.span.addItems(list(BACKFILL_SPANS))
        self.span.setCurrentText("last 30 days")
        self.fetch_button = QPushButton("Fetch history", objectName="backfillButton")
        self.fetch_button.setToolTip("Copy the account's calls of this period into the local history")
        self.fetch_button.clicked.connect(self._backfill_now)
        self.cancel_button = QPushButton("Cancel", objectName="backfillCancel", enabled=False)
        self.cancel_button.clicked.connect(self.cancel_backfill)
        self.progress = QProgressBar(objectName="backfillProgress", visible=False)
        self.progress.setRange(0, 1000)
        self.progress.setFormat("")
        self.progress.setTextVisible(True)

        filters = QHBoxLayout()
        for widget in (self.account_box, self.period, self.status):
            filters.addWidget(widget)
        filters.addWidget(self.text, 1)
        fetch = QHBoxLayout()
        fetch.addWidget(self.summary, 1)
        fetch.addWidget(self.progress, 1)
        fetch.addWidget(self.span)
        fetch.addWidget(self.fetch_button)
        fetch.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(fetch)
        self.set_source(None, None)

    def set_accounts(self, accounts: list[Account]) -> None:
        self.account_box.set_accounts(accounts)

    def set_source(self, account: Account | None, client: PlatformClient | None) -> None:
        """The account history can be fetched from (the open one), or None when offline."""
        self.account, self.client = account, client
        can_fetch = account is not None and client is not None
        self.fetch_button.setEnabled(can_fetch and self._cancel is None)
        self.fetch_button.setToolTip(
            f"Copy {account.name}'s calls of this period into the local history" if account and can_fetch
            else "Open an account to fetch its history; the cached calls stay browsable offline.")

    def filters(self, now: datetime | None = None) -> CallFilters:
        status = self.status.value()
        return CallFilters(since=self.period.since(now), statuses=() if status is None else (status,),
                           text=self.text.text().strip() or None)

    async def reload(self) -> int:
        scrolled = self.table.verticalScrollBar().value()  # a live refresh must not throw the reader to the top
        try:
            count = await self.model.show(self.account_box.account_id(), self.filters())
            self.table.verticalScrollBar().setValue(scrolled)
        except Exception as error:  # noqa: BLE001 - a broken history file must not take the window down
            self.summary.setText(f"Could not read the history: {error}")
            return 0
        self.summary.setText(f"{count:,} cached call{'s' if count != 1 else ''}" if count else
                             "No cached calls match. Fetch history, or widen the filters.")
        return count

    async def backfill(self, days: int | None = None, *, now: datetime | None = None) -> SyncReport | None:
        """Fetch the open account's calls of the last `days` into the cache, showing progress."""
        if self.account is None or self.client is None or self._cancel is not None:
            return None
        days = days or BACKFILL_SPANS[self.span.currentText()]
        until = now or datetime.now(UTC)
        sync = CallSync(self.db, self.account, self.client, page_size=200)
        self._cancel = asyncio.Event()
        self.fetch_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setVisible(True)
        self.progress.setValue(0)
        self.progress.setFormat(f"Fetching {self.account.name}…")
        report: SyncReport | None = None
        try:
            report = await sync.backfill(until - timedelta(days=days), until, progress=self._show_progress,
                                         cancel=self._cancel)
        except ProviderError as error:
            self.summary.setText(f"Fetching stopped: {error} What was fetched is kept.")
        finally:
            self._cancel = None
            self.cancel_button.setEnabled(False)
            self.progress.setVisible(False)
            self.set_source(self.account, self.client)
        await self.reload()
        if report is not None:
            verb = "Cancelled after" if report.cancelled else "Fetched"
            self.summary.setText(f"{verb} {report.fetched:,} calls ({report.added:,} new, {report.changed:,} "
                                 f"updated). {self.summary.text()}")
        return report

    def cancel_backfill(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self.cancel_button.setEnabled(False)
            self.progress.setFormat("Cancelling after this page…")

    def _show_progress(self, progress: BackfillProgress) -> None:
        if progress.fraction is None:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(progress.fraction * 1000))
        reached = progress.reached.astimezone().strftime("%Y-%m-%d") if progress.reached else "…"
        self.progress.setFormat(f"{progress.fetched:,} calls · back to {reached}")

    def _open(self, index: QModelIndex) -> None:
        row = self.model.data(index, ROW_ROLE) if index.isValid() else None
        if row is not None:
            self.call_opened.emit(row.account_id, row.id)

    @asyncSlot()
    async def _reload_now(self) -> None:
        await self.reload()

    @asyncSlot()
    async def _backfill_now(self) -> None:
        await self.backfill()

