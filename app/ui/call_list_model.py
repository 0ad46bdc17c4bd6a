"""Qt adapters over the CallRegistry: a table model (only changed rows signal) and a filter/sort proxy."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from enum import IntEnum, StrEnum
from functools import cache
from typing import Any, NamedTuple

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QStyle

from app.domain import Call
from app.live.alerts.engine import NO_ALERTS, CallAlerts
from app.live.registry import CallRegistry, RegistryChange, Rows, runs
from app.ui.analysis import ended_reason_words
from app.ui.cell_roles import answer
from app.ui.formats import duration, money
from app.ui.plain import one_line, tooltip
from app.ui.screen_redaction import SCREEN
from app.ui.theme import new_call_highlight, tinted
from app.ui.tones import accent
from app.ui.verdicts import outcome_words, sentiment_of

log = logging.getLogger(__name__)
Index = QModelIndex | QPersistentModelIndex
CALL_ROLE = Qt.ItemDataRole.UserRole + 1
HIGHLIGHT_SECONDS = 4.0


class Column(IntEnum):
    STATUS = 0
    STARTED = 1
    DURATION = 2
    TYPE = 3
    CUSTOMER = 4
    ASSISTANT = 5
    ENDED_REASON = 6
    COST = 7
    OUTCOME = 8
    NAME = 9
    ALERTS = 10


# The columns whose text is compared to tell a change the list shows; the start time is compared as it
# is (formatting it costs more than the rest together), the duration moves with the clock, and the
# alerts desk signals its own column.
_LISTED_COLUMNS = tuple(column for column in Column if column not in (Column.STARTED, Column.DURATION, Column.ALERTS))

HEADERS = {
    Column.STATUS: "Status",
    Column.STARTED: "Started",
    Column.DURATION: "Duration",
    Column.TYPE: "Type",
    Column.CUSTOMER: "Customer",
    Column.ASSISTANT: "Assistant",
    Column.ENDED_REASON: "Ended reason",
    Column.COST: "Cost",
    Column.OUTCOME: "Success / sentiment",
    Column.NAME: "Name",
    Column.ALERTS: "Alerts",
}

_TYPES = {
    "inbound": "Inbound",
    "outbound": "Outbound",
    "web": "Web",
    "inboundPhoneCall": "Inbound",
    "outboundPhoneCall": "Outbound",
    "webCall": "Web",
    "vapi.websocketCall": "WebSocket",
}


def format_started(when: datetime | None, now: datetime) -> str:
    """Time only for today, day and time this week, the date beyond."""
    if when is None:
        return ""
    local, local_now = when.astimezone(), now.astimezone()
    if local.date() == local_now.date():
        return local.strftime("%H:%M:%S")
    if local_now - local < timedelta(days=6):
        return local.strftime("%a %H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def call_type(call: Call) -> str:
    raw = call.direction or call.call_type or ""
    return _TYPES.get(raw, raw)


def customer(call: Call) -> str:
    """The name when known (the number is in the tooltip), else the number (hidden while the screen redacts)."""
    return call.customer_name or SCREEN.number(call.customer_number) or ""


def customer_in_full(call: Call) -> str:
    if call.customer_name and call.customer_number:
        return f"{call.customer_name} ({SCREEN.number(call.customer_number)})"
    return customer(call)


def outcome(call: Call) -> str:
    return outcome_words(call)[0]


def alerts_text(summary: CallAlerts) -> str:
    if summary.worst is not None:
        return f"{summary.worst.value} ({summary.open} open)" if summary.open > 1 else summary.worst.value
    return f"{summary.total} handled" if summary.total else ""


def started(call: Call) -> datetime | None:
    return call.started_at or call.created_at


class Listed(NamedTuple):
    """What a row shows, per column, and what else decides where it goes."""

    cells: tuple[object, ...]
    live: bool
    filtered_on: object


def _changed_columns(before: Listed | None, after: Listed) -> tuple[tuple[int, int], ...]:
    """The runs of columns to signal: all of them when the call went live or ended (it moves between the
    live calls and the rest, whichever column sorts), one when only what the filters read changed."""
    if before is None or before.live != after.live or len(before.cells) != len(after.cells):
        return ((0, len(_COLUMNS) - 1),)
    columns = [column for column, (old, new) in enumerate(zip(before.cells, after.cells, strict=True)) if old != new]
    return tuple(runs(columns)) or ((Column.NAME, Column.NAME),)


class CallMark:
    """What the console itself knows about a call and shows next to the customer in the list."""

    MUTED = "muted"
    LISTENING = "listening"
    REVIEWED = "reviewed"
    TO_REVIEW = "to-review"  # picked by the review queue, nobody has started it
    ENDED_BY = "ended-by"  # words for the Ended reason column, e.g. "Ended by supervisor"


_MARK_ICONS = {CallMark.LISTENING: QStyle.StandardPixmap.SP_MediaVolume,
               CallMark.MUTED: QStyle.StandardPixmap.SP_MediaVolumeMuted,
               CallMark.REVIEWED: QStyle.StandardPixmap.SP_DialogApplyButton,
               CallMark.TO_REVIEW: QStyle.StandardPixmap.SP_FileDialogContentsView}


@cache
def _mark_icon(mark: str, colour: str) -> QIcon:
    return tinted(QApplication.style().standardIcon(_MARK_ICONS[mark]), QColor(colour))


_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.BackgroundRole,
                    Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.DecorationRole,
                    CALL_ROLE})  # the others (font, check state…) are Qt's defaults
_COLUMNS = tuple(Column)
_PAINTED_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ForegroundRole,
                  Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.TextAlignmentRole)  # what a delegate asks of _ROLES
_CLOCK_COLUMNS = frozenset({Column.STARTED, Column.DURATION})


class CallListModel(QAbstractTableModel):
    """One row per registry call, in registry order: the registry's before/after row events become
    Qt's begin…/end…Rows, and rows are read from the registry itself (no copy of its order)."""

    def __init__(self, registry: CallRegistry | None = None, parent: QObject | None = None,
                 *, now: Callable[[], datetime] = lambda: datetime.now(UTC),
                 clock: Callable[[], float] = time.monotonic):
        super().__init__(parent)
        self._now = now
        self._clock = clock
        self._registry: CallRegistry | None = None
        self._disconnect: list[Callable[[], None]] = []
        self._fresh: dict[str, float] = {}  # new live calls -> when they arrived (for the highlight)
        self._shown: dict[str, Listed] = {}  # call id -> what its row showed when last signalled
        self._cells: dict[str, list[dict[int, Any] | None]] = {}  # call id -> by column, what its cells painted
        self._cells_redacted = SCREEN.on
        self._primed = False  # the first batch is history, not "new"
        self.alerts: Callable[[str], CallAlerts] = lambda _call_id: NO_ALERTS  # set by the alerts desk
        self.marks: dict[str, dict[str, str]] = {}  # call id -> the console's marks -> words for the tooltip
        self.set_registry(registry)

    # --- registry binding ----------------------------------------------------------------
    def set_registry(self, registry: CallRegistry | None) -> None:
        for disconnect in self._disconnect:
            disconnect()
        self.beginResetModel()
        self._registry = registry
        self._fresh.clear()
        self._cells.clear()
        self._shown = {call.id: self._listed(call) for call in registry.calls()} if registry is not None else {}
        self._primed = bool(registry)
        self.endResetModel()
        if registry is not None:
            events = registry.events
            self._disconnect = [
                events.inserting.connect(self._inserting),
                events.inserted.connect(self._inserted),
                events.removing.connect(self._removing),
                events.removed.connect(self._removed),
                events.changed.connect(self._changed),
            ]
        else:
            self._disconnect = []

    @property
    def registry(self) -> CallRegistry | None:
        return self._registry

    def _inserting(self, rows: Rows) -> None:
        self.beginInsertRows(QModelIndex(), rows.first, rows.last)

    def _inserted(self, rows: Rows) -> None:
        self.endInsertRows()
        now = self._clock()
        for call_id in rows.ids:
            call = self.call(call_id)
            if call is None:
                continue
            self._cells.pop(call_id, None)
            self._shown[call_id] = self._listed(call)
            if self._primed and call.is_live:
                self._fresh[call_id] = now
        self._primed = True

    def _removing(self, rows: Rows) -> None:
        self.beginRemoveRows(QModelIndex(), rows.first, rows.last)

    def _removed(self, rows: Rows) -> None:
        for call_id in rows.ids:
            self._fresh.pop(call_id, None)
            self._shown.pop(call_id, None)
            self._cells.pop(call_id, None)
        self.endRemoveRows()

    def _changed(self, change: RegistryChange) -> None:
        """Only rows whose cells (or what the filters read) changed signal, and only over the columns that
        changed: a live call's new turns change nothing the list shows, a signalled row is re-filtered and
        repainted, and re-sorted only when the sort column is among those signalled (or it went live or
        ended: the live calls are pinned on top)."""
        by_columns: dict[tuple[tuple[int, int], ...], list[int]] = {}
        for call_id in change.changed:
            call, row = self.call(call_id), self.row_of(call_id)
            if call is None or row is None:
                continue
            listed, before = self._listed(call), self._shown.get(call_id)
            if before == listed:
                continue
            self._shown[call_id] = listed
            self._cells.pop(call_id, None)
            by_columns.setdefault(_changed_columns(before, listed), []).append(row)
        for columns, rows in by_columns.items():
            rows.sort()
            for first_row, last_row in runs(rows):
                for first, last in columns:
                    self.dataChanged.emit(self.index(first_row, first), self.index(last_row, last))

    def _listed(self, call: Call) -> Listed:
        """Per column, what its cell shows and sorts on, except the clock (live durations repaint on their
        own) and the alerts (signalled by the alerts desk); then whether the call is live, and what only
        the filters read."""
        try:
            shown: list[object] = [None] * len(_COLUMNS)
            for column in _LISTED_COLUMNS:
                shown[column] = self._text(call, column)
            sentiment = sentiment_of(call)
            shown[Column.STARTED] = started(call)
            shown[Column.DURATION] = None if call.is_live else call.duration_seconds
            shown[Column.CUSTOMER] = shown[Column.CUSTOMER], customer_in_full(call)
            shown[Column.ENDED_REASON] = shown[Column.ENDED_REASON], call.ended_reason
            shown[Column.COST] = call.cost
            shown[Column.OUTCOME] = shown[Column.OUTCOME], sentiment.score if sentiment is not None else None
        except (TypeError, ValueError, OverflowError):  # as in data(): an odd payload is always signalled
            return Listed((), call.is_live, object())
        return Listed(tuple(shown), call.is_live, call.summary)

    def set_mark(self, call_id: str, mark: str, words: str | None) -> None:
        """Set (with the words a tooltip shows) or clear (None) one mark on one call."""
        marks = self.marks.get(call_id, {})
        if marks.get(mark) == words:
            return
        if words is None:
            marks.pop(mark, None)
            if not marks:
                self.marks.pop(call_id, None)
        else:
            self.marks[call_id] = {**marks, mark: words}
        self._cells.pop(call_id, None)
        row = self.row_of(call_id)
        if row is not None:
            roles = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole]
            self.dataChanged.emit(self.index(row, Column.CUSTOMER), self.index(row, Column.ENDED_REASON), roles)

    def alerts_changed(self, call_ids: Iterable[str]) -> None:
        """Repaint (and re-filter) the alert cells of these calls, consecutive rows as one signal."""
        rows = []
        for call_id in call_ids:
            self._cells.pop(call_id, None)
            if (row := self.row_of(call_id)) is not None:
                rows.append(row)
        rows.sort()
        for first, last in runs(rows):
            self.dataChanged.emit(self.index(first, Column.ALERTS), self.index(last, Column.ALERTS))

    # --- the ticking clock ---------------------------------------------------------------
    def tick(self) -> None:
        """Once a second: expired highlights fade. Live durations are the view's to repaint."""
        now = self._clock()
        for call_id, since in list(self._fresh.items()):
            if now - since >= HIGHLIGHT_SECONDS:
                del self._fresh[call_id]
                self._cells.pop(call_id, None)
                row = self.row_of(call_id)
                if row is None:
                    continue
                self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1),
                                      [Qt.ItemDataRole.BackgroundRole])

    def signal_live_durations(self) -> None:
        """Live calls' Duration cells signal, contiguous runs as one: only for a proxy sorting by
        duration, as it re-sorts (and re-filters) every row signalled."""
        calls = self._registry.calls() if self._registry is not None else []
        live = [row for row, call in enumerate(calls) if call.is_live]
        for first, last in runs(live):
            self.dataChanged.emit(self.index(first, Column.DURATION), self.index(last, Column.DURATION),
                                  [Qt.ItemDataRole.DisplayRole])

    def is_fresh(self, call_id: str) -> bool:
        return call_id in self._fresh

    # --- lookup --------------------------------------------------------------------------
    def call(self, call_id: str) -> Call | None:
        return self._registry.get(call_id) if self._registry is not None else None

    def call_at(self, row: int) -> Call | None:
        return self._registry.at(row) if self._registry is not None else None

    def row_of(self, call_id: str) -> int | None:
        return self._registry.row_of(call_id) if self._registry is not None else None

    # --- QAbstractTableModel -------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self._registry is None else len(self._registry)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_COLUMNS)

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        """Qt's own checks the bounds with two more Python calls (rowCount, columnCount): painting a
        cell asks for its index several times."""
        rows = len(self._registry) if self._registry is not None else 0
        if parent.isValid() or not (0 <= row < rows and 0 <= column < len(_COLUMNS)):
            return QModelIndex()
        return self.createIndex(row, column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ROLES:  # asked for every cell painted: answered before looking anything up
            return None
        call = self.call_at(index.row()) if index.isValid() else None
        if call is None:
            return None
        try:
            return self._data(call, _COLUMNS[index.column()], role)
        except (TypeError, ValueError, OverflowError):  # e.g. a payload mixing naive and aware times
            log.warning("call %s: cannot show column %s", call.id, index.column(), exc_info=True)
            return None

    def multiData(self, index: Index, roles: QModelRoleDataSpan | QModelRoleData) -> None:
        """Every role a painted cell asks for, in one call (Qt's delegates ask seven at once)."""
        self.fill(index.row(), index.column(), roles)

    def fill(self, row: int, column: int, roles: QModelRoleDataSpan | QModelRoleData) -> None:
        """Answers a painted cell's roles from what it showed last time, unless its call changed since."""
        call = self._registry.at(row) if self._registry is not None and 0 <= row < len(self._registry) else None
        if call is None:
            answer(roles, {})
            return
        try:
            shown = self._painted(call, column)
        except (TypeError, ValueError, OverflowError):  # as in data()
            log.warning("call %s: cannot show column %s", call.id, column, exc_info=True)
            shown = {}
        answer(roles, shown)

    def _painted(self, call: Call, column: int) -> dict[int, Any]:
        """What a cell shows, by role: kept until its call, marks or alerts change, the screen's redaction
        is switched or the palette changes; the clock's columns have their text worked out at each paint."""
        if SCREEN.on is not self._cells_redacted:
            self.forget_looks()
        cells = self._cells.get(call.id)
        if cells is None:
            cells = self._cells[call.id] = [None] * len(_COLUMNS)
        cell = cells[column]
        if cell is None:
            cell = cells[column] = self._cell(call, _COLUMNS[column])
        if column in _CLOCK_COLUMNS:
            return {**cell, Qt.ItemDataRole.DisplayRole: one_line(self._text(call, _COLUMNS[column]))}
        return cell

    def _cell(self, call: Call, column: Column) -> dict[int, Any]:
        return {role: value for role in _PAINTED_ROLES if (value := self._data(call, column, role)) is not None}

    def forget_looks(self) -> None:
        """Every cell is worked out again when next painted (the palette or the screen's redaction changed)."""
        self._cells.clear()
        self._cells_redacted = SCREEN.on

    def _data(self, call: Call, column: Column, role: int) -> Any:
        marks = self.marks.get(call.id)
        if marks and column in (Column.CUSTOMER, Column.ENDED_REASON):
            marked = self._marked(call, column, role, marks)
            if marked is not None:
                return marked
        if role == Qt.ItemDataRole.DisplayRole:
            return one_line(self._text(call, column))
        if role == CALL_ROLE:
            return call
        if column is Column.OUTCOME and role == Qt.ItemDataRole.ForegroundRole:  # the analysis pane's colours
            return accent(outcome_words(call)[1], QApplication.palette())
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(self._tooltip(call, column))
        if role == Qt.ItemDataRole.BackgroundRole and call.id in self._fresh:
            return new_call_highlight()
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (Column.DURATION, Column.COST):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _marked(call: Call, column: Column, role: int, marks: dict[str, str]) -> Any:
        """The console's marks: who ended the call (Ended reason), an icon and words (Customer)."""
        ended_by = marks.get(CallMark.ENDED_BY)
        if column is Column.ENDED_REASON and ended_by:
            if role == Qt.ItemDataRole.DisplayRole:
                return one_line(ended_by)
            if role == Qt.ItemDataRole.ToolTipRole:
                return tooltip(f"{ended_by}; the platform says: {call.ended_reason or 'nothing'}")
        shown = [mark for mark in _MARK_ICONS if mark in marks]  # the most urgent mark wins the icon
        if column is Column.CUSTOMER and shown:
            if role == Qt.ItemDataRole.DecorationRole:
                return _mark_icon(shown[0], QApplication.palette().color(QPalette.ColorRole.Text).name())
            if role == Qt.ItemDataRole.ToolTipRole:
                return tooltip("\n".join([customer_in_full(call), *(marks[m] for m in shown)]).strip())
        return None

    def _text(self, call: Call, column: Column) -> str:
        match column:
            case Column.STATUS:
                return call.status
            case Column.STARTED:
                return format_started(started(call), self._now())
            case Column.DURATION:
                return duration(call.duration_at(self._now()))
            case Column.TYPE:
                return call_type(call)
            case Column.CUSTOMER:
                return customer(call)
            case Column.NAME:
                return call.name or ""
            case Column.ASSISTANT:
                return call.assistant_label
            case Column.ENDED_REASON:
                return ended_reason_words(call.ended_reason)[0] if call.ended_reason else ""
            case Column.COST:
                return money(call.cost)
            case Column.OUTCOME:
                return outcome(call)
            case Column.ALERTS:
                return alerts_text(self.alerts(call.id))

    def live_sort_key(self, row: int, column: int) -> tuple[bool, Any]:
        """Whether the row's call is live, and its sort key in the column."""
        call = self.call_at(row)
        if call is None:
            return False, None
        try:
            return call.is_live, self._sort_key(call, _COLUMNS[column])
        except (TypeError, ValueError, OverflowError):  # as in data()
            return call.is_live, None

    def _sort_key(self, call: Call, column: Column) -> Any:
        match column:
            case Column.STARTED:
                when = started(call)
                return when.timestamp() if when else None
            case Column.DURATION:
                return call.duration_at(self._now())
            case Column.COST:
                return call.cost
            case Column.OUTCOME:
                sentiment = sentiment_of(call)
                return sentiment.score if sentiment is not None else outcome(call).casefold() or None
            case Column.ALERTS:
                summary = self.alerts(call.id)
                return (summary.worst.rank + 1 if summary.worst else 0, summary.total) if summary.total else None
        return self._text(call, column).casefold()

    def _tooltip(self, call: Call, column: Column) -> str | None:
        if column is Column.STATUS:
            return f"{call.status} — {call.id}"
        when = started(call)
        if column is Column.STARTED and when is not None:
            return when.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
        if column is Column.CUSTOMER:
            return customer_in_full(call) or None
        if column is Column.ENDED_REASON:
            return call.ended_reason
        if column is Column.OUTCOME:
            sentiment = sentiment_of(call)
            return "\n".join(filter(None, (f"Success: {call.success_evaluation}" if call.success_evaluation else "",
                                           f"Sentiment: {sentiment.words}" if sentiment else ""))) or None
        text = self._text(call, column)
        return text or None


class Scope(StrEnum):
    LIVE = "Live only"
    TODAY = "Today"
    WEEK = "Last 7 days"
    ALL = "All"


class CallFilter(QSortFilterProxyModel):
    """Filters by time scope, status, assistant and free text; sorts on the model's sort keys."""

    def __init__(self, parent: QObject | None = None, *, now: Callable[[], datetime] = lambda: datetime.now(UTC)):
        super().__init__(parent)
        self._now = now
        self._scope = Scope.ALL
        self._status: str | None = None
        self._assistant: str | None = None
        self._text = ""
        self._has_alerts = False
        self._live_first = True  # live calls pinned above ended ones, whichever column sorts
        self._minute = self._minute_now()  # the rows were last checked against the clock in this minute
        self.setDynamicSortFilter(True)

    @property
    def scope(self) -> Scope:
        return self._scope

    def set_scope(self, scope: Scope) -> None:
        self._update("_scope", scope)

    def set_status(self, status: str | None) -> None:
        self._update("_status", status or None)

    def set_assistant(self, assistant: str | None) -> None:
        self._update("_assistant", assistant or None)

    def set_text(self, text: str) -> None:
        self._update("_text", text.strip().casefold())

    def set_has_alerts(self, on: bool) -> None:
        self._update("_has_alerts", on)

    @property
    def live_first(self) -> bool:
        return self._live_first

    def set_live_first(self, on: bool) -> None:
        if on != self._live_first:
            self._live_first = on
            self.invalidate()  # the order changes, not which rows pass

    def _update(self, attribute: str, value: object) -> None:
        if getattr(self, attribute) != value:
            self.beginFilterChange()
            setattr(self, attribute, value)
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def follow_clock(self) -> None:
        """Once a second: "Today" and "Last 7 days" move with the clock, so rows are re-checked when the
        minute turns (nothing else here depends on the time: not a call's duration)."""
        minute = self._minute_now()
        if minute != self._minute and self._scope in (Scope.TODAY, Scope.WEEK):
            self.beginFilterChange()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        self._minute = minute

    def _minute_now(self) -> datetime:
        return self._now().astimezone().replace(second=0, microsecond=0)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, CallListModel):
            return False
        call = model.call_at(source_row)
        if call is None or (self._has_alerts and not model.alerts(call.id).total):
            return False
        return self.accepts(call)

    def accepts(self, call: Call) -> bool:
        try:
            in_scope = self._in_scope(call)
        except (TypeError, ValueError, OverflowError):  # unreadable times: keep the call visible
            in_scope = True
        if not in_scope:
            return False
        if self._status and call.status != self._status:
            return False
        if self._assistant and call.assistant_label != self._assistant:
            return False
        if self._text:
            haystack = " ".join(
                filter(None, (call.id, call.name, customer_in_full(call), call.assistant_label, call.ended_reason,
                              call.status, call.summary))
            ).casefold()
            return self._text in haystack
        return True

    def _in_scope(self, call: Call) -> bool:
        if self._scope is Scope.ALL or (self._scope is not Scope.LIVE and call.is_live):
            return True
        if self._scope is Scope.LIVE:
            return call.is_live
        when = started(call)
        if when is None:
            return False
        local_now = self._now().astimezone()
        if self._scope is Scope.TODAY:
            return when.astimezone().date() == local_now.date()
        return local_now - when.astimezone() <= timedelta(days=7)

    def multiData(self, index: Index, roles: QModelRoleDataSpan | QModelRoleData) -> None:
        """A painted cell's roles straight from the list's model: one Python call, not one per role."""
        model = self.sourceModel()
        if isinstance(model, CallListModel) and index.isValid():
            source = self.mapToSource(index)
            model.fill(source.row(), source.column(), roles)
        else:
            answer(roles, {})

    def lessThan(self, left: Index, right: Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, CallListModel):
            return False
        ascending = self.sortOrder() is Qt.SortOrder.AscendingOrder
        live_a, a = model.live_sort_key(left.row(), left.column())  # asked n·log n times: no Qt in between
        live_b, b = model.live_sort_key(right.row(), right.column())
        if self._live_first and live_a != live_b:
            # Qt swaps the arguments for a descending sort: live stays on top either way
            return bool(live_a if ascending else live_b)
        # Empty values sort last whichever way the column is sorted.
        if a is None or b is None:
            return (a is None) < (b is None) if ascending else (a is None) > (b is None)
        if type(a) is not type(b):
            a, b = str(a), str(b)
        return a < b
