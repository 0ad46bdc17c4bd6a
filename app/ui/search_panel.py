"""Search every cached transcript: a query box, filters, and hits with highlighted snippets.

Opening a hit (double-click or Enter) emits `hit_opened(account_id, call_id, turn_index,
start_seconds)`: the window selects the call, scrolls the transcript and seeks the recording.
Queries run on the history database's reader threads; the newest query wins.
"""

from __future__ import annotations

import html
import sqlite3
from datetime import datetime
from typing import Any, Literal

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from app.domain import Account, CallStatus, TurnRole
from app.store.database import Database
from app.store.reviews import anchor_label
from app.store.search import Hit, SearchFilters, SearchResult, TranscriptSearch
from app.store.supervision import audited_lines
from app.ui.cell_roles import answer_each
from app.ui.formats import LABEL_LIMIT, label
from app.ui.history_filters import AccountBox, ChoiceBox, PeriodBox
from app.ui.plain import one_line, wrapped
from app.ui.rich_text_delegate import RICH_TEXT, RichTextDelegate
from app.ui.screen_redaction import SCREEN
from app.ui.tasks import Newest
from app.ui.tones import is_dark
from app.ui.transcript_model import SUPERVISOR_TITLE, role_title

HIT_ROLE = Qt.ItemDataRole.UserRole + 41
SUPERVISOR_ROLE = Qt.ItemDataRole.UserRole + 42  # the hit is a line a supervisor made the assistant say
RESULT_LIMIT = 200
ROLES = {"Anyone said": None, "Customer said": "customer", "Assistant said": "assistant"}
ORDERS: dict[str, Literal["newest", "relevance"]] = {"Newest first": "newest", "Best match": "relevance"}
ANY_STATUS = "Any status"
HINT = 'Words, "an exact phrase", refund* for every word starting so, a OR b'


def hit_parts(hit: Hit) -> list[tuple[str, bool]]:
    """The snippet in pieces, each marked or not as a match; on screen, as the Redact switch says."""
    return SCREEN.parts(hit.snippet_parts())


def hit_html(hit: Hit, dark: bool, supervisor: bool = False, parts: list[tuple[str, bool]] | None = None) -> str:
    """Two lines: the call's headline, then who spoke when and the snippet (`parts`, else `hit_parts`) with
    the matches marked."""
    mark = "#8d6e00" if dark else "#ffe082"
    snippet = "".join(
        f'<span style="background-color:{mark}; font-weight:600">{html.escape(text)}</span>' if marked
        else html.escape(text)
        for text, marked in (hit_parts(hit) if parts is None else parts)
    )
    when = hit.created_at.astimezone().strftime("%Y-%m-%d %H:%M") if hit.created_at else "unknown time"
    who = label(hit.call_name, hit.customer, None, hit.call_id)
    headline = " · ".join(html.escape(one_line(part, LABEL_LIMIT))
                          for part in (who, hit.assistant_name or "", when, hit.status) if part)
    speaker = SUPERVISOR_TITLE if supervisor else role_title(hit.role)
    where = anchor_label(hit.start_seconds, hit.turn_index)
    return (f"<div><b>{headline}</b></div>"
            f"<div><span style='color:gray'>{html.escape(speaker)} · {where}</span>&nbsp; {snippet}</div>")


class HitList(QStandardItemModel):
    """The hits shown. A row's words are worked out when it is first painted, as the Redact switch and the
    palette are then, and kept: redacting a snippet takes about a millisecond, so only rows on screen pay."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.dark = False
        self._looks: dict[tuple[int, bool, bool], tuple[str, str]] = {}  # (row, redacted, dark) -> text, HTML

    def add(self, hit: Hit, supervisor: bool) -> None:
        item = QStandardItem()
        item.setData(hit, HIT_ROLE)
        item.setData(supervisor, SUPERVISOR_ROLE)
        self.appendRow(item)

    def clear(self) -> None:
        self._looks.clear()
        super().clear()

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in (RICH_TEXT, Qt.ItemDataRole.DisplayRole) or not index.isValid():
            return super().data(index, role)
        key = (index.row(), SCREEN.on, self.dark)
        look = self._looks.get(key)
        if look is None:
            hit = super().data(index, HIT_ROLE)
            parts = hit_parts(hit)  # redacted once for both: the plain words (keyboard, screen readers) and the HTML
            look = self._looks[key] = ("".join(text for text, _marked in parts),
                                       hit_html(hit, self.dark, super().data(index, SUPERVISOR_ROLE), parts))
        return look[1] if role == RICH_TEXT else look[0]

    def multiData(self, index: QModelIndex | QPersistentModelIndex, roles: QModelRoleDataSpan | QModelRoleData) -> None:
        """The delegate's style option asks here: the same words as data()."""
        answer_each(roles, lambda role: self.data(index, role))


class SearchPanel(QWidget):
    hit_opened = Signal(str, str, int, object)  # account_id, call_id, turn_index, start_seconds | None

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("searchPanel")
        self.db = db
        self._searches = Newest()
        self.result = SearchResult([], False)

        self.query = QLineEdit(objectName="searchQuery", placeholderText=HINT, clearButtonEnabled=True)
        self.query.setToolTip(HINT)
        self.query.returnPressed.connect(self._search_now)
        self.search_button = QPushButton("Search", objectName="searchButton")
        self.search_button.clicked.connect(self._search_now)

        self.account = AccountBox(objectName="searchAccount")
        self.period = PeriodBox(objectName="searchPeriod")
        self.role = QComboBox(objectName="searchRole")
        self.role.addItems(list(ROLES))
        self.role.setToolTip("What the customer said, what the assistant said, or both")
        self.status = ChoiceBox(ANY_STATUS, [s.value for s in CallStatus], objectName="searchStatus")
        self.assistant = QLineEdit(objectName="searchAssistant", placeholderText="Assistant", clearButtonEnabled=True)
        self.assistant.setToolTip("Only calls handled by this assistant (name or id)")
        self.assistant.returnPressed.connect(self._search_now)
        self.order = QComboBox(objectName="searchOrder")
        self.order.addItems(list(ORDERS))
        for box in (self.account, self.period, self.role, self.status, self.order):
            box.activated.connect(self._search_if_query)

        self.model = HitList(self)
        self.results = QListView(objectName="searchResults")
        self.results.setModel(self.model)
        self.results.setItemDelegate(RichTextDelegate(self.results))
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setWordWrap(True)
        self.results.setUniformItemSizes(True)  # two lines each: a headline and a short snippet
        self.results.setAlternatingRowColors(True)
        self.results.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results.activated.connect(self._open)
        self.results.doubleClicked.connect(self._open)
        self.summary = wrapped(QLabel("Type words to search every cached transcript.", objectName="searchSummary"))
        self.summary.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.query, 1)
        top.addWidget(self.search_button)
        filters = QHBoxLayout()
        for widget in (self.account, self.period, self.role, self.status, self.assistant, self.order):
            filters.addWidget(widget)
        filters.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.summary)
        layout.addWidget(self.results, 1)

    def set_accounts(self, accounts: list[Account]) -> None:
        self.account.set_accounts(accounts)

    def filters(self, now: datetime | None = None) -> SearchFilters:
        status = self.status.value()
        return SearchFilters(
            account_id=self.account.account_id(),
            since=self.period.since(now),
            statuses=() if status is None else (status,),
            assistant=self.assistant.text().strip() or None,
            role=ROLES[self.role.currentText()],
        )

    async def search(self, text: str | None = None) -> SearchResult:
        """Run the query (the box's text unless given) and show the hits; an older query's answer arriving
        after a newer one's is dropped."""
        if text is not None:
            self.query.setText(text)
        query, filters, order = self.query.text(), self.filters(), ORDERS[self.order.currentText()]
        search = self._searches.ask()
        self.summary.setText("Searching…")
        try:
            def find(conn: sqlite3.Connection) -> tuple[SearchResult, set[tuple[str, str, int]]]:
                found = TranscriptSearch(conn).search(query, filters, limit=RESULT_LIMIT, order=order)
                spoken = [(h.account_id, h.call_id) for h in found.hits if h.role == TurnRole.ASSISTANT]
                return found, audited_lines(conn, spoken)  # which assistant hits were a supervisor's lines

            result, supervisor_lines = await self.db.read(find)
        except Exception as error:  # noqa: BLE001 - a broken file must not take the window down
            if self._searches.show(search):
                self.summary.setText(f"Search failed: {error}")
            return SearchResult([], False)
        if self._searches.show(search):
            self._show(result, query, supervisor_lines)
        return result

    def _show(self, result: SearchResult, query: str, supervisor_lines: set[tuple[str, str, int]]) -> None:
        """The hits; `supervisor_lines`: (account, call, turn) of those that were a supervisor's lines."""
        self.result = result
        self.model.clear()
        self.model.dark = is_dark(self.palette())
        for hit in result.hits:
            self.model.add(hit, (hit.account_id, hit.call_id, hit.turn_index) in supervisor_lines)
        if not query.strip():
            self.summary.setText("Type words to search every cached transcript.")
        elif not result.hits:
            self.summary.setText("No cached transcript matches. Sync more history, or widen the filters.")
        elif result.more:
            self.summary.setText(f"More than {len(result.hits)} matches; showing the first {len(result.hits)}. "
                                 "Add words or filters to narrow them.")
        else:
            self.summary.setText(f"{len(result.hits)} match{'es' if len(result.hits) != 1 else ''}. "
                                 "Double-click one to open the call at that moment.")
        if result.hits:  # current for the keyboard, not painted as selected
            self.results.selectionModel().setCurrentIndex(self.model.index(0, 0),
                                                          QItemSelectionModel.SelectionFlag.NoUpdate)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # light <-> dark: the matches' marks follow
            self.model.dark = is_dark(self.palette())
            self.results.viewport().update()

    def open_hit(self, row: int) -> None:
        hit: Hit = self.model.item(row).data(HIT_ROLE)
        self.hit_opened.emit(hit.account_id, hit.call_id, hit.turn_index, hit.start_seconds)

    def _open(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_hit(index.row())

    @asyncSlot()
    async def _search_now(self) -> None:
        await self.search()

    @asyncSlot()
    async def _search_if_query(self) -> None:
        if self.query.text().strip():
            await self.search()
