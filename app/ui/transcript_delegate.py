"""Paints one turn as a chat bubble; one layout function serves both sizing and painting."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import QAbstractItemView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.domain import Turn, TurnRole
from app.ui.tones import Tone, accent, muted_text, tint
from app.ui.transcript_model import (
    EXPANDED_ROLE,
    PLAYING_ROLE,
    TURN_ROLE,
    compact_json,
    format_offset,
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

_TONES = {
    TurnRole.CUSTOMER: Tone.CUSTOMER,
    TurnRole.ASSISTANT: Tone.ASSISTANT,
    TurnRole.SYSTEM: Tone.SYSTEM,
    TurnRole.TOOL: Tone.TOOL,
}


class Ink(Enum):
    TEXT = "text"
    MUTED = "muted"
    ACCENT = "accent"


class Side(Enum):
    LEFT = "left"
    RIGHT = "right"
    FULL = "full"


@dataclass(frozen=True)
class Fonts:
    body: QFont
    header: QFont
    mono: QFont

    @classmethod
    def from_font(cls, font: QFont) -> Fonts:
        size = font.pointSizeF() if font.pointSizeF() > 0 else 10.0
        header = QFont(font)
        header.setPointSizeF(size * 0.9)
        header.setWeight(QFont.Weight.DemiBold)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(size * 0.9)
        return cls(body=QFont(font), header=header, mono=mono)


@dataclass(frozen=True)
class Piece:
    rect: QRect  # relative to the bubble's top-left corner
    text: str
    font: QFont
    ink: Ink
    flags: int


@dataclass(frozen=True)
class Bubble:
    side: Side
    width: int
    height: int
    pieces: tuple[Piece, ...]


_LONG_WORD = re.compile(r"\S{32,}")


def breakable(text: str) -> str:
    """Let word wrap break URLs and ids too: a zero-width space every 16 characters of a long word."""
    return _LONG_WORD.sub(lambda m: "\u200b".join(m[0][i:i + 16] for i in range(0, len(m[0]), 16)), text)


def _wrapped(text: str, font: QFont, width: int, flags: int) -> QRect:
    return QFontMetrics(font).boundingRect(QRect(0, 0, width, _HUGE), flags, text)


def layout_turn(turn: Turn, expanded: bool, view_width: int, fonts: Fonts) -> Bubble:
    """Where every line of a turn goes for a view of the given width."""
    usable = max(160, view_width - 2 * MARGIN)
    chat = turn.role in (TurnRole.CUSTOMER, TurnRole.ASSISTANT)
    side = Side.FULL if not chat else (Side.LEFT if turn.role == TurnRole.CUSTOMER else Side.RIGHT)
    outer = int(usable * CHAT_SHARE) if chat else usable
    inner = max(80, outer - 2 * PAD_X)
    wrap = int(Qt.TextFlag.TextWordWrap)
    mono_wrap = int(Qt.TextFlag.TextWrapAnywhere)
    left = int(Qt.AlignmentFlag.AlignLeft)
    pieces: list[Piece] = []
    y = PAD_Y
    widest = 0

    def add(text: str, font: QFont, ink: Ink, flags: int, x: int = 0) -> QRect:
        nonlocal widest
        box = _wrapped(text, font, inner - x, flags) if flags & (wrap | mono_wrap) else None
        fm = QFontMetrics(font)
        w = box.width() if box else fm.horizontalAdvance(text)
        h = box.height() if box else fm.height()
        rect = QRect(PAD_X + x, y, min(max(w, 1), inner - x), max(h, fm.height()))
        pieces.append(Piece(rect, text, font, ink, flags | left))
        widest = max(widest, rect.right() - PAD_X + 1)
        return rect

    title = role_title(turn.role)
    if turn.role == TurnRole.TOOL:
        title = f"{'▾' if expanded else '▸'} {title} · {turn.tool_name or 'unnamed tool'}"
    header_fm = QFontMetrics(fonts.header)
    title_rect = add(header_fm.elidedText(title, Qt.TextElideMode.ElideRight, inner), fonts.header, Ink.ACCENT, 0)
    offset = format_offset(turn.start)
    if offset:
        x = title_rect.width() + 8
        time_font = QFont(fonts.header)
        time_font.setWeight(QFont.Weight.Normal)
        add(offset, time_font, Ink.MUTED, 0, x)
    y += header_fm.height() + LINE_GAP

    def block(text: str, font: QFont, ink: Ink, flags: int) -> None:
        nonlocal y
        rect = add(text, font, ink, flags)
        y = rect.bottom() + 1 + LINE_GAP

    if turn.role != TurnRole.TOOL:
        block(breakable(turn.text) or "…", fonts.body, Ink.TEXT, wrap)
    elif not expanded:
        mono_fm = QFontMetrics(fonts.mono)
        elide = Qt.TextElideMode.ElideRight
        block(mono_fm.elidedText(compact_json(turn.tool_arguments) or "(no arguments)", elide, inner),
              fonts.mono, Ink.MUTED, 0)
        if turn.tool_result:
            block(mono_fm.elidedText("→ " + compact_json(turn.tool_result), elide, inner),
                  fonts.mono, Ink.MUTED, 0)
    else:
        if turn.text:
            block(breakable(turn.text), fonts.body, Ink.TEXT, wrap)
        block("Arguments", fonts.header, Ink.MUTED, 0)
        block(pretty_json(turn.tool_arguments) or "(none)", fonts.mono, Ink.TEXT, mono_wrap)
        block("Result", fonts.header, Ink.MUTED, 0)
        block(pretty_json(turn.tool_result) or "(no result yet)", fonts.mono, Ink.TEXT, mono_wrap)
    height = y - LINE_GAP + PAD_Y
    width = outer if side == Side.FULL else min(outer, widest + 2 * PAD_X)
    return Bubble(side, width, height, tuple(pieces))


class TurnDelegate(QStyledItemDelegate):
    """Chat bubbles: customer on the left, assistant on the right, system and tools across."""

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self._view = view
        self._fonts: tuple[str, Fonts] | None = None
        self._heights: dict[tuple[Turn, bool, int, str], int] = {}

    def _fonts_for(self, font: QFont) -> Fonts:
        key = font.key()
        if self._fonts is None or self._fonts[0] != key:
            self._fonts = (key, Fonts.from_font(font))
            self._heights.clear()
        return self._fonts[1]

    def _width(self) -> int:
        return self._view.viewport().width()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        turn: Turn | None = index.data(TURN_ROLE)
        width = self._width()
        if turn is None:
            return QSize(width, 0)
        expanded = bool(index.data(EXPANDED_ROLE))
        fonts = self._fonts_for(option.font)  # type: ignore[attr-defined]
        key = (turn, expanded, width, self._fonts[0] if self._fonts else "")
        height = self._heights.get(key)
        if height is None:
            if len(self._heights) > 20_000:  # widths change on resize; old entries are dead weight
                self._heights.clear()
            height = layout_turn(turn, expanded, width, fonts).height + 2 * GAP
            self._heights[key] = height
        return QSize(max(1, width - 1), height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        turn: Turn | None = index.data(TURN_ROLE)
        if turn is None:
            return
        rect: QRect = option.rect  # type: ignore[attr-defined]
        palette: QPalette = option.palette  # type: ignore[attr-defined]
        state = option.state  # type: ignore[attr-defined]
        fonts = self._fonts_for(option.font)  # type: ignore[attr-defined]
        bubble = layout_turn(turn, bool(index.data(EXPANDED_ROLE)), self._width(), fonts)
        if bubble.side == Side.RIGHT:
            x = rect.right() - MARGIN - bubble.width + 1
        else:
            x = rect.left() + MARGIN
        box = QRect(x, rect.top() + GAP, bubble.width, bubble.height)
        tone = _TONES.get(turn.role, Tone.NEUTRAL)
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
        }
        for piece in bubble.pieces:
            painter.setFont(piece.font)
            painter.setPen(inks[piece.ink])
            painter.drawText(piece.rect.translated(box.topLeft()), piece.flags, piece.text)
        painter.restore()
