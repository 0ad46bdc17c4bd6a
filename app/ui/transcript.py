"""The transcript of the selected call: grows live, keeps the reader's place, follows playback."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import Call, TurnRole
from app.ui.tones import muted_text
from app.ui.transcript_delegate import TurnDelegate
from app.ui.transcript_model import COMMENTS_ROLE, PLAYING_ROLE, TranscriptModel

BOTTOM_SLACK = 4  # pixels from the end that still count as "at the bottom"
PAINT_ONLY = frozenset({PLAYING_ROLE, COMMENTS_ROLE, Qt.ItemDataRole.ToolTipRole})  # changes that keep row heights
NO_CALL = "Select a call to see its transcript"


class TurnList(QListView):
    """The list of bubbles; Enter activates a turn and Ctrl+C copies the selected turns."""

    activated_row = Signal(int)
    copy_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_requested.emit()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated_row.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)


class TranscriptView(QWidget):
    """Chat-style turns of one call. See `update_call` for how live growth keeps the reader's place."""

    turn_activated = Signal(int, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._call_id: str | None = None
        self._live = False
        self._follow = True
        self._unseen = 0
        self._scrolling_ourselves = False

        self.model = TranscriptModel(self)
        self.list = TurnList(self)
        self.list.setObjectName("transcriptList")
        self.list.setModel(self.model)
        self._delegate = TurnDelegate(self.list, self.model)
        self.list.setItemDelegate(self._delegate)
        self.model.dataChanged.connect(self._on_rows_changed)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # A scroll bar that comes and goes would re-wrap every bubble (and lay out twice) as a call grows.
        self.list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setUniformItemSizes(False)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setFrameShape(QListView.Shape.NoFrame)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.verticalScrollBar().setSingleStep(24)
        self.list.clicked.connect(self._on_clicked)
        self.list.activated_row.connect(self._activate)
        self.list.copy_requested.connect(self.copy_selection)
        self.list.customContextMenuRequested.connect(self._show_menu)
        bar = self.list.verticalScrollBar()
        bar.rangeChanged.connect(self._on_range_changed)
        bar.valueChanged.connect(self._on_scrolled)

        self.jump_button = QPushButton("Jump to latest", self.list)
        self.jump_button.setObjectName("jumpToLatest")
        self.jump_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.jump_button.setToolTip("Scroll to the newest line and keep following the call")
        self.jump_button.clicked.connect(self.jump_to_latest)
        self.jump_button.hide()
        self.list.installEventFilter(self)

        self.empty_label = QLabel(NO_CALL)
        self.empty_label.setObjectName("transcriptEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)

        self._stack = QStackedWidget()
        self._stack.addWidget(self.empty_label)
        self._stack.addWidget(self.list)

        self.count_label = QLabel("")
        self.copy_action = QAction("Copy transcript", self)
        self.copy_action.setToolTip("Copy the whole transcript as text")
        self.copy_action.triggered.connect(self.copy_all)
        copy_button = QToolButton()
        copy_button.setDefaultAction(self.copy_action)
        copy_button.setAutoRaise(True)
        self.header = QWidget()
        header = QHBoxLayout(self.header)
        header.setContentsMargins(10, 2, 6, 2)
        header.addWidget(self.count_label)
        header.addStretch(1)
        header.addWidget(copy_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self._stack, 1)
        self._restyle()
        self.show_call(None)

    # -- public API -----------------------------------------------------------------------------
    def show_call(self, call: Call | None) -> None:
        """Replace the content with another call (or the empty state for None)."""
        if call is not None and call.id == self._call_id:
            self.update_call(call)  # re-selecting the same call keeps the reader's place
            return
        self._call_id = call.id if call else None
        self._live = bool(call and call.is_live)
        self._follow = True
        self._unseen = 0
        self.model.set_turns(call.turns if call else ())
        self._refresh_chrome(call)
        with self._ourselves():
            if self._live:
                self.list.scrollToBottom()
            else:
                self.list.scrollToTop()

    def update_call(self, call: Call) -> None:
        """Same call, newer copy: append only the new turns and keep the reader where they were."""
        if call.id != self._call_id:
            self.show_call(call)
            return
        self._live = call.is_live
        added = self.model.merge_turns(call.turns)
        if added and not self._follow:
            self._unseen += added
        self._refresh_chrome(call)
        if self._follow and self._live and added:
            with self._ourselves():
                self.list.scrollToBottom()

    def highlight_turn(self, index: int | None) -> None:
        """Mark the turn being played; scroll to it unless the reader has scrolled away."""
        self.model.set_playing(index)
        if self.model.playing is not None and self._follow:
            with self._ourselves():
                self.list.scrollTo(self.model.index(self.model.playing), QAbstractItemView.ScrollHint.EnsureVisible)
        self._refresh_jump_button()

    def set_comment_marks(self, by_turn: Mapping[int, Sequence[str]]) -> None:
        """Reviewers' comments per turn index: a badge on those turns, their words as its tooltip.
        Only rows whose comments changed are repainted; another call's transcript starts with none."""
        self.model.set_comments(by_turn)

    def scroll_to_turn(self, index: int) -> None:
        if not 0 <= index < self.model.rowCount():
            return
        model_index = self.model.index(index)
        self.list.setCurrentIndex(model_index)
        self.list.scrollTo(model_index, QAbstractItemView.ScrollHint.PositionAtCenter)

    @property
    def following(self) -> bool:
        return self._follow

    def jump_to_latest(self) -> None:
        self._follow = True
        self._unseen = 0
        with self._ourselves():
            if not self._live and self.model.playing is not None:
                self.list.scrollTo(self.model.index(self.model.playing), QAbstractItemView.ScrollHint.PositionAtCenter)
            else:
                self.list.scrollToBottom()
        self._refresh_jump_button()

    def copy_selection(self) -> None:
        """Ctrl+C: the selected turns, or the whole transcript when nothing is selected."""
        rows = [i.row() for i in self.list.selectionModel().selectedIndexes()]
        QGuiApplication.clipboard().setText(self.model.text_of(rows or None))

    def copy_all(self) -> None:
        QGuiApplication.clipboard().setText(self.model.text_of())

    # -- scrolling ------------------------------------------------------------------------------
    @contextmanager
    def _ourselves(self) -> Iterator[None]:
        """Scrolls we make must not be read as the reader scrolling away."""
        self._scrolling_ourselves = True
        try:
            yield
        finally:
            self._scrolling_ourselves = False

    def _at_bottom(self) -> bool:
        bar = self.list.verticalScrollBar()
        return bar.value() >= bar.maximum() - BOTTOM_SLACK

    def _playing_visible(self) -> bool:
        playing = self.model.playing
        if playing is None:
            return True
        return self.list.visualRect(self.model.index(playing)).intersects(self.list.viewport().rect())

    def _on_range_changed(self, _minimum: int, maximum: int) -> None:
        # Layout finished (rows added, a line grew, the view was resized): stay pinned if following.
        if self._follow and self._live:
            with self._ourselves():
                self.list.verticalScrollBar().setValue(maximum)

    def _on_scrolled(self, _value: int) -> None:
        if self._scrolling_ourselves:
            return
        self._follow = self._at_bottom() if self._live else self._playing_visible()
        if self._follow:
            self._unseen = 0
        self._refresh_jump_button()

    def _on_rows_changed(self, first: QModelIndex, _last: QModelIndex, roles: list[int]) -> None:
        # A line grew or a tool call opened: the list only re-measures rows when told to.
        if not roles or not PAINT_ONLY.issuperset(roles):
            self._delegate.sizeHintChanged.emit(first)

    # -- chrome ---------------------------------------------------------------------------------
    def _refresh_chrome(self, call: Call | None) -> None:
        count = self.model.rowCount()
        if call is None:
            self.empty_label.setText(NO_CALL)
        elif count == 0:
            self.empty_label.setText(
                "No words yet — lines appear here as the call goes on" if self._live else "This call has no transcript"
            )
        self._stack.setCurrentIndex(1 if count else 0)
        self.count_label.setText("" if call is None else f"{count} turn{'s' if count != 1 else ''}"
                                 + (" · live" if self._live else ""))
        self.copy_action.setEnabled(count > 0)
        self.header.setVisible(call is not None)
        self._refresh_jump_button()

    def _refresh_jump_button(self) -> None:
        show = not self._follow and (self._live or self.model.playing is not None)
        if show:
            if self._live or self.model.playing is None:
                text = "↓ Jump to latest" + (f" · {self._unseen} new" if self._unseen else "")
            else:
                text = "↓ Jump to playing turn"
            self.jump_button.setText(text)
            self.jump_button.adjustSize()
            self._place_jump_button()
        self.jump_button.setVisible(show)
        if show:
            self.jump_button.raise_()

    def _place_jump_button(self) -> None:
        area = self.list.viewport().geometry()
        size = self.jump_button.sizeHint()
        self.jump_button.resize(size)
        self.jump_button.move(QPoint(area.right() - size.width() - 14, area.bottom() - size.height() - 12))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.list and event.type() == QEvent.Type.Resize:
            self._place_jump_button()
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._restyle()
        super().changeEvent(event)

    def _restyle(self) -> None:
        muted = muted_text(self.palette()).name()
        self.empty_label.setStyleSheet(f"color: {muted}; font-size: 11pt; padding: 24px;")
        self.count_label.setStyleSheet(f"color: {muted};")
        self.jump_button.setStyleSheet(
            "QPushButton#jumpToLatest { padding: 5px 14px; border-radius: 9px;"
            " background: palette(highlight); color: palette(highlighted-text); border: none; }"
        )

    # -- activation and menu --------------------------------------------------------------------
    def _on_clicked(self, index: QModelIndex) -> None:
        self._activate(index.row())

    def _activate(self, row: int) -> None:
        """Click or Enter: open/close a tool call, and ask for the recording to seek to the turn."""
        turn = self.model.turn_at(row)
        if turn is None:
            return
        if turn.role == TurnRole.TOOL:
            self.model.set_expanded(row, not self.model.is_expanded(row))
        if not self._live:
            self._follow = True  # seeking to a turn means "follow playback from here"
        self.turn_activated.emit(row, float(turn.start) if turn.start is not None else -1.0)

    def _show_menu(self, position: QPoint) -> None:
        menu = QMenu(self)
        copy_selected = menu.addAction("Copy selected turns")
        copy_selected.setShortcut(QKeySequence.StandardKey.Copy)
        copy_selected.setEnabled(self.list.selectionModel().hasSelection())
        copy_selected.triggered.connect(self.copy_selection)
        menu.addAction(self.copy_action)
        menu.addSeparator()
        menu.addAction("Expand all tool calls").triggered.connect(lambda: self.model.set_all_expanded(True))
        menu.addAction("Collapse all tool calls").triggered.connect(lambda: self.model.set_all_expanded(False))
        menu.popup(self.list.viewport().mapToGlobal(position))
