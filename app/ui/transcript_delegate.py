"""Paints one turn as a chat bubble; one layout function serves both sizing and painting."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import QAbstractItemView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.domain import Turn, TurnRole
from app.ui import plain
from app.ui.formats import duration
from app.ui.tones import ROLE_TONES, Tone, accent, muted_text, tint
from app.ui.transcript_model import (
    COMMENTS_ROLE,
    EXPANDED_ROLE,
    PLAYING_ROLE,
    SUPERVISOR_ROLE,
    SUPERVISOR_TITLE,
    TURN_ROLE,
    TranscriptModel,
    compact_json,
    pretty_json,
    role_title,
)

MARGIN = 12  # left/right space between the view edge and a bubble
GAP = 3  # vertical space above and below a bubble
PAD_X = 10
PAD_Y = 6
LINE_GAP = 3
CHAT_SHARE = 0.80  # customer/assistant bubbles take at most this share of the width
_HUGE = 1 << 24


class Ink(Enum):
    TEXT = "text"
    MUTED = "muted"
    ACCENT = "accent"
    BADGE = "badge"  # reviewers' comment count: light text on a pill of the review colour


class Side(Enum):
    LEFT = "left"
    RIGHT = "right"
    FULL = "full"


@dataclass(frozen=True)
class Face:
    """A font with its metrics, measured once rather than per line."""

    font: QFont
    metrics: QFontMetrics
    _advances: dict[str, int] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, font: QFont) -> Face:
        return cls(font, QFontMetrics(font))

    def advance(self, text: str) -> int:
        """Width of one line; role titles and times repeat, so they are measured once."""
        width = self._advances.get(text)
        if width is None:
            width = self.metrics.horizontalAdvance(text)
            if len(text) <= 40:
                self._advances[text] = width
        return width


@dataclass(frozen=True)
class Fonts:
    body: Face
    header: Face
    time: Face
    mono: Face

    @classmethod
    def from_font(cls, font: QFont) -> Fonts:
        size = font.pointSizeF() if font.pointSizeF() > 0 else 10.0
        header = QFont(font)
        header.setPointSizeF(size * 0.9)
        header.setWeight(QFont.Weight.DemiBold)
        time = QFont(header)
        time.setWeight(QFont.Weight.Normal)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(size * 0.9)
        return cls(body=Face.of(QFont(font)), header=Face.of(header), time=Face.of(time), mono=Face.of(mono))


@dataclass(frozen=True)
class Piece:
    rect: QRect  # relative to the bubble's top-left corner
    text: str
    face: Face
    ink: Ink
    flags: int


@dataclass(frozen=True)
class Bubble:
    side: Side
    width: int
    height: int
    pieces: tuple[Piece, ...]


_LONG_WORD = re.compile(r"\S{32,}")
_WRAP = int(Qt.TextFlag.TextWordWrap)
_WRAP_ANYWHERE = int(Qt.TextFlag.TextWrapAnywhere)
_LEFT = int(Qt.AlignmentFlag.AlignLeft)


def breakable(text: str) -> str:
    """Bounded (a bubble lays out at most plain.BLOCK_LIMIT characters), controls visible, and word wrap
    may break URLs and ids too: a zero-width space every 16 characters of a long word."""
    text = plain.block(text)
    return _LONG_WORD.sub(lambda m: "\u200b".join(m[0][i:i + 16] for i in range(0, len(m[0]), 16)), text)


def _one_line(face: Face, text: str, width: int) -> tuple[str, int]:
    """The text elided to fit the width, and the width it takes."""
    advance = face.advance(text)
    if advance <= width:
        return text, advance
    text = face.metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
    return text, face.advance(text)


def comment_badge(count: int) -> str:
    return f" ✎ {count} " if count else ""


def layout_turn(turn: Turn, expanded: bool, view_width: int, fonts: Fonts, badge: str = "",
                supervisor: bool = False) -> Bubble:
    """Where every line of a turn goes for a view of the given width; `badge` ends the title line;
    a supervisor's line spoken by the assistant is titled as such."""
    usable = max(160, view_width - 2 * MARGIN)
    chat = turn.role in (TurnRole.CUSTOMER, TurnRole.ASSISTANT)
    side = Side.FULL if not chat else (Side.LEFT if turn.role == TurnRole.CUSTOMER else Side.RIGHT)
    outer = int(usable * CHAT_SHARE) if chat else usable
    inner = max(80, outer - 2 * PAD_X)
    pieces: list[Piece] = []
    y = PAD_Y
    widest = 0

    def add(text: str, face: Face, ink: Ink, flags: int = 0, x: int = 0) -> QRect:
        nonlocal widest
        room = inner - x
        line = face.metrics.height()
        if flags & (_WRAP | _WRAP_ANYWHERE):
            box = face.metrics.boundingRect(QRect(0, 0, room, _HUGE), flags, text)
            w, h = box.width(), box.height()
        else:
            text, w = _one_line(face, text, room)
            h = line
        rect = QRect(PAD_X + x, y, min(max(w, 1), room), max(h, line))
        pieces.append(Piece(rect, text, face, ink, flags | _LEFT))
        widest = max(widest, rect.right() - PAD_X + 1)
        return rect

    def block(text: str, face: Face, ink: Ink, flags: int = 0) -> None:
        nonlocal y
        y = add(text, face, ink, flags).bottom() + 1 + LINE_GAP

    title = SUPERVISOR_TITLE if supervisor else role_title(turn.role)
    if turn.role == TurnRole.TOOL:
        title = f"{'▾' if expanded else '▸'} {title} · {turn.tool_name or 'unnamed tool'}"
    if turn.partial:  # a line still being said (listen socket): its final wording replaces it
        title = f"{title} · speaking…"
    title_rect = add(title, fonts.header, Ink.ACCENT)
    offset = duration(turn.start)
    x = title_rect.width() + 8
    if offset:
        x += add(offset, fonts.time, Ink.MUTED, 0, x).width() + 8
    if badge and x < inner:
        add(badge, fonts.time, Ink.BADGE, 0, x)  # on the title line: the bubble's height never changes
    y += fonts.header.metrics.height() + LINE_GAP

    if turn.role != TurnRole.TOOL:
        block(breakable(turn.text) or "…", fonts.body, Ink.MUTED if turn.partial else Ink.TEXT, _WRAP)
    elif not expanded:
        block(plain.one_line(compact_json(turn.tool_arguments)) or "(no arguments)", fonts.mono, Ink.MUTED)
        if turn.tool_result:
            block("→ " + plain.one_line(compact_json(turn.tool_result)), fonts.mono, Ink.MUTED)
    else:
        if turn.text:
            block(breakable(turn.text), fonts.body, Ink.TEXT, _WRAP)
        block("Arguments", fonts.header, Ink.MUTED)
        block(plain.block(pretty_json(turn.tool_arguments)) or "(none)", fonts.mono, Ink.TEXT, _WRAP_ANYWHERE)
        block("Result", fonts.header, Ink.MUTED)
        block(plain.block(pretty_json(turn.tool_result)) or "(no result yet)", fonts.mono, Ink.TEXT, _WRAP_ANYWHERE)
    height = y - LINE_GAP + PAD_Y
    width = outer if side == Side.FULL else min(outer, widest + 2 * PAD_X)
    return Bubble(side, width, height, tuple(pieces))


class TurnDelegate(QStyledItemDelegate):
    """Chat bubbles: customer on the left, assistant on the right, system and tools across."""

    def __init__(self, view: QAbstractItemView, model: TranscriptModel) -> None:
        super().__init__(view)
        self._view = view
        self._model = model  # read directly: index.data() per row dominated the cost of a relayout
        self._fonts = Fonts.from_font(view.font())
        self._width = view.viewport().width()
        self._heights: dict[tuple[Turn, bool], int] = {}  # at the current width and font
        model.modelReset.connect(self._heights.clear)  # another call: the old call's rows are dead weight
        view.viewport().installEventFilter(self)
        view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Width and font are tracked here because asking for them per row is most of a relayout's cost.
        if event.type() == QEvent.Type.Resize and watched is self._view.viewport():
            width = self._view.viewport().width()
            if width != self._width:
                self._width = width
                self._heights.clear()
        elif event.type() == QEvent.Type.FontChange and watched is self._view:
            self._fonts = Fonts.from_font(self._view.font())
            self._heights.clear()
        return False

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        row = index.row()
        turn = self._model.turn_at(row)
        if turn is None:
            return QSize(self._width, 0)
        key = (turn, self._model.is_expanded(row))
        height = self._heights.get(key)
        if height is None:
            height = layout_turn(turn, key[1], self._width, self._fonts).height + 2 * GAP
            self._heights[key] = height
        return QSize(max(1, self._width - 1), height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        turn: Turn | None = index.data(TURN_ROLE)
        if turn is None:
            return
        rect: QRect = option.rect
        palette: QPalette = option.palette
        state = option.state
        badge = comment_badge(len(index.data(COMMENTS_ROLE) or ()))
        supervisor = bool(index.data(SUPERVISOR_ROLE))
        bubble = layout_turn(turn, bool(index.data(EXPANDED_ROLE)), self._width, self._fonts, badge, supervisor)
        if bubble.side == Side.RIGHT:
            x = rect.right() - MARGIN - bubble.width + 1
        else:
            x = rect.left() + MARGIN
        box = QRect(x, rect.top() + GAP, bubble.width, bubble.height)
        tone = Tone.SUPERVISOR if supervisor else ROLE_TONES.get(turn.role, Tone.NEUTRAL)
        playing = bool(index.data(PLAYING_ROLE))
        selected = bool(state & QStyle.StateFlag.State_Selected)

        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        border = accent(tone, palette) if playing else tint(tone, palette, 2.6)
        if selected:
            border = palette.color(QPalette.ColorRole.Highlight)
        painter.setPen(QPen(border, 2.0 if (playing or selected) else 1.0))
        painter.setBrush(tint(tone, palette, 2.0 if playing else 1.0))
        radius = 8.0 if bubble.side != Side.FULL else 5.0
        painter.drawRoundedRect(QRectF(box).adjusted(0.5, 0.5, -0.5, -0.5), radius, radius)
        if playing:
            painter.fillRect(QRect(box.left() + 1, box.top() + 6, 3, box.height() - 12), accent(tone, palette))
        inks = {
            Ink.TEXT: palette.color(QPalette.ColorRole.Text),
            Ink.MUTED: muted_text(palette),
            Ink.ACCENT: accent(tone, palette),
            Ink.BADGE: palette.color(QPalette.ColorRole.Base),
        }
        for piece in bubble.pieces:
            if piece.ink == Ink.BADGE:
                pill = QRectF(piece.rect.translated(box.topLeft()))
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(accent(Tone.REVIEW, palette))
                painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
            painter.setFont(piece.face.font)
            painter.setPen(inks[piece.ink])
            painter.drawText(piece.rect.translated(box.topLeft()), piece.flags, piece.text)
        painter.restore()
