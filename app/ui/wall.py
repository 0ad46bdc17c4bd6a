"""The wall: every live call as a tile — status, duration, customer, assistant, the last line said,
its alert badge and, when listened to, a level meter — most severe first, then oldest.

Arrow keys move, Enter opens the call, L listens. Built to stay smooth with hundreds of calls:
one QListView whose delegate paints the tiles (no widget per call), a model that signals only
the rows that changed, and a proxy that filters to live calls and keeps the order.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QPen,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from app.domain import Call, TurnRole
from app.live.alerts.engine import NO_ALERTS, AlertChange, AlertEngine, CallAlerts
from app.live.registry import CallRegistry, RegistryChange
from app.ui.alert_look import SEVERITY_WORDS, severity_colour, severity_fill
from app.ui.formats import call_label, duration
from app.ui.plain import one_line, tooltip
from app.ui.screen_redaction import SCREEN
from app.ui.tones import Tone, accent
from app.ui.view_keys import ViewKeys

Index = QModelIndex | QPersistentModelIndex
CALL_ROLE = Qt.ItemDataRole.UserRole + 50
ALERTS_ROLE = Qt.ItemDataRole.UserRole + 51
LEVELS_ROLE = Qt.ItemDataRole.UserRole + 52
CLOCK_ROLE = Qt.ItemDataRole.UserRole + 54  # the duration moved, lines were said: repaint, do not re-sort
MOOD_ROLE = Qt.ItemDataRole.UserRole + 55


def mood_text(trend: list[float]) -> str:
    """"mood −0.44 ↓": where the customer's mood stands and which way it went on the last turn."""
    if len(trend) < 2:
        return ""
    arrow = "↓" if trend[-1] < trend[-2] - 0.05 else "↑" if trend[-1] > trend[-2] + 0.05 else "→"
    return f"mood {trend[-1]:+.2f} {arrow}".replace("-", "−")
TILE = QSize(280, 120)
MIN_TILE_WIDTH = 160  # narrower than this, the wall scrolls sideways rather than squeeze a tile


def last_line(call: Call) -> str:
    for turn in reversed(call.turns):
        if turn.role in (TurnRole.CUSTOMER, TurnRole.ASSISTANT) and turn.text.strip():
            who = "Customer" if turn.role is TurnRole.CUSTOMER else "Assistant"
            return f"{who}: {one_line(SCREEN.text(turn.text), 200)}"  # the Redact switch applies
    return "Nobody has spoken yet"


class WallModel(QAbstractListModel):
    """The live calls in wall order: the most severe open alert first, then the oldest call.

    A new live call appends and an ended one leaves at once (row signals); the order is made again
    by `settle()` (once a second while the wall is shown) only when an alert or a new call may
    have moved a tile — a thousand live calls change every second, and almost none of those
    changes moves one. Re-ordering is one Python sort of keys, announced as a layout change that
    keeps the current tile where it is."""

    def __init__(self, engine: AlertEngine, parent: QObject | None = None,
                 *, now: Callable[[], datetime] = lambda: datetime.now(UTC)):
        super().__init__(parent)
        self.engine = engine
        self._now = now
        self._registry: CallRegistry | None = None
        self._disconnect: list[Callable[[], None]] = []
        self._levels: dict[str, tuple[float, float]] = {}
        self._ids: list[str] = []  # live calls, in wall order
        self._rows: dict[str, int] = {}
        self.unsettled = False
        self._unsubscribe_alerts = engine.changed.connect(self._on_alerts)

    def close(self) -> None:
        self._unsubscribe_alerts()
        self.set_registry(None)

    def set_registry(self, registry: CallRegistry | None) -> None:
        for disconnect in self._disconnect:
            disconnect()
        self.beginResetModel()
        self._registry = registry
        self._levels.clear()
        self._ids = [] if registry is None else sorted(registry.live_ids(), key=self._key)
        self._rows = {call_id: row for row, call_id in enumerate(self._ids)}
        self.endResetModel()
        self._disconnect = [] if registry is None else [registry.events.changed.connect(self._on_change)]

    def _key(self, call_id: str) -> tuple[int, float]:
        call = self._registry.get(call_id) if self._registry is not None else None
        worst = self.engine.summary(call_id).worst
        started = (call.started_at or call.created_at) if call is not None else None
        return (-(worst.rank + 1) if worst else 0, started.timestamp() if started else float("inf"))

    def _on_change(self, change: RegistryChange) -> None:
        registry = self._registry
        if registry is None:
            return
        gone = [i for i in (*change.changed, *change.removed)
                if i in self._rows and ((c := registry.get(i)) is None or not c.is_live)]
        for call_id in sorted(gone, key=self._rows.__getitem__, reverse=True):
            row = self._rows[call_id]
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._ids[row]
            self._levels.pop(call_id, None)
            self._rows = {i: r for r, i in enumerate(self._ids)}
            self.endRemoveRows()
        new = [i for i in (*change.inserted, *change.changed)
               if i not in self._rows and (c := registry.get(i)) is not None and c.is_live]
        if new:
            self.beginInsertRows(QModelIndex(), len(self._ids), len(self._ids) + len(new) - 1)
            for call_id in new:
                self._rows[call_id] = len(self._ids)
                self._ids.append(call_id)
            self.endInsertRows()
            self.unsettled = True
        # A changed tile (a new line said) repaints with the once-a-second tick, as its duration does:
        # with a thousand calls talking, a repaint per change would be a repaint per line.

    def _on_alerts(self, change: AlertChange) -> None:
        for call_id in dict.fromkeys(a.call_id for a in (*change.raised, *change.updated, *change.cleared)):
            self._changed(call_id, [ALERTS_ROLE])
        self.unsettled = True

    def settle(self) -> bool:
        """Put the tiles in wall order if something may have moved one; True when it did."""
        if not self.unsettled:
            return False
        self.unsettled = False
        ordered = sorted(self._ids, key=self._key)
        if ordered == self._ids:
            return False
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        rows = {call_id: row for row, call_id in enumerate(ordered)}
        after = [self.index(rows[self._ids[index.row()]]) for index in before]
        self._ids, self._rows = ordered, rows
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()
        return True

    def _changed(self, call_id: str, roles: list[int]) -> None:
        row = self._rows.get(call_id)
        if row is not None:
            index = self.index(row)
            self.dataChanged.emit(index, index, roles)

    def set_levels(self, call_id: str, customer_level: float, assistant_level: float) -> None:
        """Levels 0..1 of a call being listened to; only its tile repaints."""
        self._levels[call_id] = (customer_level, assistant_level)
        self._changed(call_id, [LEVELS_ROLE])

    def clear_levels(self, call_id: str) -> None:
        if self._levels.pop(call_id, None) is not None:
            self._changed(call_id, [LEVELS_ROLE])

    def tick(self) -> None:
        """Once a second: durations move and new lines show (the view repaints only the tiles it shows)."""
        if rows := self.rowCount():
            self.dataChanged.emit(self.index(0), self.index(rows - 1), [CLOCK_ROLE])

    def troubled(self) -> int:
        """How many tiles have an open alert (counted from the few open alerts, not the many tiles)."""
        return sum(1 for call_id in {alert.call_id for alert in self.engine.open_alerts()} if call_id in self._rows)

    def call_at(self, row: int) -> Call | None:
        if self._registry is None or not 0 <= row < len(self._ids):
            return None
        return self._registry.get(self._ids[row])

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        call = self.call_at(index.row()) if index.isValid() else None
        if call is None:
            return None
        if role == CALL_ROLE:
            return call
        if role == ALERTS_ROLE:
            return self.engine.summary(call.id)
        if role == LEVELS_ROLE:
            return self._levels.get(call.id)
        if role == MOOD_ROLE:
            return mood_text(self.engine.mood_trend(call.id))
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            summary = self.engine.summary(call.id)
            alert = f", {SEVERITY_WORDS[summary.worst]} alert" if summary.worst else ""
            return f"{call_label(call)}, {call.status}{alert}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(f"{call_label(call)} · {call.assistant_name or ''}\n{last_line(call)}\n{call.id}")
        return None


class TileDelegate(QStyledItemDelegate):
    """Paints one call as a tile; no widgets, so hundreds of tiles cost only what is on screen."""

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        """A tile, narrowed to the wall when the wall is narrower (docked beside the list): whole tiles, no
        sideways scrolling."""
        view = option.widget
        if isinstance(view, QListView):
            room = view.viewport().width() - 2 * view.spacing() - 1
            return QSize(max(MIN_TILE_WIDTH, min(TILE.width(), room)), TILE.height())
        return TILE

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        call = index.data(CALL_ROLE)
        if not isinstance(call, Call):
            return
        summary: CallAlerts = index.data(ALERTS_ROLE) or NO_ALERTS
        levels = index.data(LEVELS_ROLE)
        palette: QPalette = option.palette
        rect: QRect = option.rect.adjusted(3, 3, -3, -3)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fill = severity_fill(summary.worst, palette) if summary.worst else palette.color(QPalette.ColorRole.Base)
        border = palette.color(QPalette.ColorRole.Highlight) if selected else palette.color(QPalette.ColorRole.Mid)
        painter.setPen(QPen(border, 3 if selected else 1))
        painter.setBrush(QBrush(fill))
        painter.drawRoundedRect(rect, 6, 6)
        if summary.worst:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(severity_colour(summary.worst, palette))
            painter.drawRoundedRect(QRect(rect.left(), rect.top(), 7, rect.height()), 3, 3)

        inner = rect.adjusted(14, 7, -9, -7)
        text = palette.color(QPalette.ColorRole.Text)
        quiet = palette.color(QPalette.ColorRole.PlaceholderText)
        base_font = QFont(option.font)
        bold = QFont(base_font)
        bold.setBold(True)
        metrics = QFontMetrics(base_font)
        line = metrics.height() + 3

        lasted = duration(call.duration_at(datetime.now(UTC)))
        painter.setFont(bold)
        painter.setPen(text)
        duration_width = QFontMetrics(bold).horizontalAdvance(lasted) + 6
        painter.drawText(QRect(inner.right() - duration_width, inner.top(), duration_width, line),
                         int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), lasted)
        who = call_label(call)
        painter.drawText(QRect(inner.left(), inner.top(), inner.width() - duration_width, line),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         QFontMetrics(bold).elidedText(who, Qt.TextElideMode.ElideRight, inner.width() - duration_width))

        second = QRect(inner.left(), inner.top() + line, inner.width(), line)
        badge_width = 0
        if summary.worst:
            label = SEVERITY_WORDS[summary.worst] + (f" ×{summary.open}" if summary.open > 1 else "")
            badge_width = QFontMetrics(bold).horizontalAdvance(label) + 14
            badge = QRect(second.right() - badge_width, second.top() + 1, badge_width, line - 2)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(severity_colour(summary.worst, palette))
            painter.drawRoundedRect(badge, 4, 4)
            painter.setPen(palette.color(QPalette.ColorRole.Base))
            painter.drawText(badge, int(Qt.AlignmentFlag.AlignCenter), label)
        painter.setFont(base_font)
        painter.setPen(quiet)
        status = "" if call.status == "in-progress" else call.status  # the wall is of live calls: say the others
        detail = " · ".join(b for b in (call.assistant_name or call.assistant_id or "", status,
                                        index.data(MOOD_ROLE) or "") if b)
        painter.drawText(second.adjusted(0, 0, -badge_width - 6, 0),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         metrics.elidedText(detail, Qt.TextElideMode.ElideRight, second.width() - badge_width - 6))

        top = inner.top() + 2 * line
        if summary.worst and summary.headline:
            # Why this tile is here, in the severity's colour: where to go, without opening it.
            painter.setFont(bold)
            painter.setPen(severity_colour(summary.worst, palette))
            painter.drawText(QRect(inner.left(), top, inner.width(), line),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                             QFontMetrics(bold).elidedText(SCREEN.text(summary.headline), Qt.TextElideMode.ElideRight,
                                                           inner.width()))
            painter.setFont(base_font)
            top += line
        painter.setPen(text)
        said = QRect(inner.left(), top, inner.width(), inner.bottom() - top - 8)
        painter.drawText(said, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),  # wrapped by _elided_lines
                         _elided_lines(metrics, last_line(call), said.width(), max(1, said.height() // metrics.height())))
        if levels is not None:
            self._meter(painter, QRect(inner.left(), inner.bottom() - 5, inner.width(), 6), levels, palette)
        painter.restore()

    @staticmethod
    def _meter(painter: QPainter, rect: QRect, levels: tuple[float, float], palette: QPalette) -> None:
        """Two bars: customer left half, assistant right half, each as loud as its side."""
        half = (rect.width() - 6) // 2
        for slot, (level, tone) in enumerate(zip(levels, (Tone.CUSTOMER, Tone.ASSISTANT), strict=False)):
            bar = QRect(rect.left() + slot * (half + 6), rect.top(), half, rect.height())
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QPalette.ColorRole.Midlight))
            painter.drawRoundedRect(bar, 2, 2)
            painter.setBrush(accent(tone, palette))
            painter.drawRoundedRect(QRect(bar.left(), bar.top(), int(bar.width() * max(0.0, min(1.0, level))),
                                          bar.height()), 2, 2)


def _elided_lines(metrics: QFontMetrics, text: str, width: int, lines: int) -> str:
    """At most `lines` lines of `text` wrapped at `width`, the last one elided."""
    words, out = text.split(), list[str]()
    while words and len(out) < lines - 1:
        current = words.pop(0)
        while words and metrics.horizontalAdvance(f"{current} {words[0]}") <= width:
            current = f"{current} {words.pop(0)}"
        out.append(current)
    if words:
        out.append(metrics.elidedText(" ".join(words), Qt.TextElideMode.ElideRight, width))
    return "\n".join(out)


class CallWall(QWidget):
    """The wall's content: a heading that counts, and the tiles."""

    open_requested = Signal(str)  # call id
    listen_requested = Signal(str)  # call id

    def __init__(self, engine: AlertEngine, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("callWall")
        self.model = WallModel(engine, self)
        self.heading = QLabel(objectName="wallHeading")
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.view = QListView(objectName="wallTiles")
        self.view.setModel(self.model)  # the model keeps the wall order itself
        self.view.setViewMode(QListView.ViewMode.IconMode)
        self.view.setFlow(QListView.Flow.LeftToRight)
        self.view.setWrapping(True)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setMovement(QListView.Movement.Static)
        self.view.setUniformItemSizes(True)  # layout without asking every tile its size
        self.view.setSpacing(2)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setItemDelegate(TileDelegate(self.view))
        self.keys = ViewKeys(self.view, {Qt.Key.Key_Return: self.open_current, Qt.Key.Key_Enter: self.open_current,
                                         Qt.Key.Key_L: self.listen_current})
        self.view.doubleClicked.connect(lambda _index: self.open_current())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.heading)
        layout.addWidget(self.view, 1)
        self._counted = False
        for signal in (self.model.rowsInserted, self.model.rowsRemoved, self.model.modelReset):
            signal.connect(self._uncount)
        self.model.engine.changed.connect(lambda _change: self._uncount())
        self._ticker = QTimer(self, interval=1000)
        self._ticker.timeout.connect(self._tick)
        self._ticker.start()
        self._tick()
        self.setFocusProxy(self.view)

    def set_registry(self, registry: CallRegistry | None) -> None:
        self.model.set_registry(registry)
        if self.model.rowCount() and not self.view.currentIndex().isValid():
            self.view.setCurrentIndex(self.model.index(0, 0))

    def current_call(self) -> Call | None:
        call = self.view.currentIndex().data(CALL_ROLE)
        return call if isinstance(call, Call) else None

    def open_current(self) -> None:
        call = self.current_call()
        if call is not None:
            self.open_requested.emit(call.id)

    def listen_current(self) -> None:
        call = self.current_call()
        if call is not None:
            self.listen_requested.emit(call.id)

    def _uncount(self, *_args: object) -> None:
        self._counted = False

    def _tick(self) -> None:
        """Once a second, and only while the wall is on screen (or has never counted)."""
        if self.isVisible() or not self._counted:
            self.refresh()

    def refresh(self) -> None:
        """Order and count the tiles if anything that orders them changed, then move the clocks."""
        if self.model.settle() or not self._counted:
            self._count()
        self.model.tick()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._tick()

    def _count(self) -> None:
        self._counted = True
        live = self.model.rowCount()
        troubled = self.model.troubled()
        if not live:
            self.heading.setText("No live calls right now")
        else:
            self.heading.setText(f"{live} live call{'s' if live != 1 else ''} · "
                                 + (f"{troubled} need{'s' if troubled == 1 else ''} attention — first on the wall"
                                    if troubled else "all calm"))
