"""Platform text on screen: literal (never Qt rich text), bounded before it reaches a layout, and with
direction overrides and control characters shown rather than obeyed.

Every widget that shows text a caller or a platform chose goes through here: a QLabel left on Qt's
automatic format renders `<img src=...>` in a customer's name, and a 200 000-character name lays out
a 32 767 px window.
"""

from __future__ import annotations

import html
import unicodedata

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

LINE_LIMIT = 300  # characters a one-line label keeps (it elides to its width anyway)
TIP_LIMIT = 2_000  # characters a tooltip shows
BLOCK_LIMIT = 4_000  # characters a wrapped text lays out before "Show all"
_KEEP_IN_BLOCKS = frozenset("\n\t")


def _marker(char: str) -> str:
    return f"⟦U+{ord(char):04X}⟧"


def _is_hidden(char: str) -> bool:
    """Control, format and line-separator characters: bidi overrides, zero-width joiners, NUL, ESC…"""
    return unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp")


def visible(text: str, *, lines: bool = False) -> str:
    """Direction overrides and control characters as visible markers (U+202E shows as ⟦U+202E⟧);
    with `lines`, line breaks and tabs are kept for wrapped texts."""
    if text.isprintable():
        return text
    return "".join(_marker(c) if _is_hidden(c) and not (lines and c in _KEEP_IN_BLOCKS) else c for c in text)


def bounded(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def one_line(text: str | None, limit: int = LINE_LIMIT) -> str:
    """A name, id or status for a single line: bounded, controls visible, line breaks shown as markers."""
    return bounded(visible(bounded(text or "", limit)), limit)


def block(text: str | None, limit: int = BLOCK_LIMIT) -> str:
    """A summary or message for a wrapped label: bounded, line breaks kept, other controls visible."""
    return bounded(visible(bounded(text or "", limit), lines=True), limit)


def tooltip(text: str | None) -> str:
    """Tooltips are rich text whenever Qt guesses so: escape and wrap, so the guess is always
    "rich" and the platform's text always arrives literally."""
    if not text:
        return ""
    return f"<p style='white-space:pre-wrap'>{html.escape(block(text, TIP_LIMIT))}</p>"


def notice(text: str | None) -> str:
    """Text for a desktop notification: some notification servers read markup in the body."""
    return one_line(text).replace("&", "＆").replace("<", "‹").replace(">", "›")


def comma_list(text: str) -> tuple[str, ...]:
    """What a user typed as "ann, bob, …" (reviewers, phrases): the entries, trimmed, empty ones dropped."""
    return tuple(part for part in (piece.strip() for piece in text.split(",")) if part)


def plain(label: QLabel) -> QLabel:
    """A label whose text is never interpreted as markup."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def wrapped(label: QLabel) -> QLabel:
    """A plain word-wrapped label that never widens its window, even for one unbroken 100 kB word."""
    plain(label)
    label.setWordWrap(True)
    policy = label.sizePolicy()
    policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
    label.setSizePolicy(policy)
    label.setMinimumWidth(40)
    return label


def message_box(box: QMessageBox) -> QMessageBox:
    """A message box showing platform words literally (its text may name a customer)."""
    box.setTextFormat(Qt.TextFormat.PlainText)
    return box


class LineLabel(QLabel):
    """One plain line, elided to the room it is given: a long name never sets the window's width.
    The whole (bounded) text is in the tooltip."""

    def __init__(self, text: str = "", parent: QWidget | None = None, *, objectName: str = "") -> None:
        super().__init__(parent)
        plain(self)
        if objectName:
            self.setObjectName(objectName)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(40)
        self.set_line(text)

    def set_line(self, text: str | None, tip: str | None = None) -> None:
        shown = one_line(text)
        self.setText(shown)
        self.setToolTip(tooltip(tip if tip is not None else shown))

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(min(hint.width(), 400), hint.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(40, super().minimumSizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        room = self.contentsRect()
        shown = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, room.width())
        self.style().drawItemText(painter, room, int(self.alignment()), self.palette(), self.isEnabled(), shown,
                                  self.foregroundRole())


class LongText(QWidget):
    """A wrapped plain text that lays out at most BLOCK_LIMIT characters; "Show all" opens the whole
    text in a plain editor (which handles megabytes without laying them all out at once)."""

    def __init__(self, parent: QWidget | None = None, *, title: str = "Text") -> None:
        super().__init__(parent)
        self._title = title
        self._full = ""
        self.label = wrapped(QLabel())
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.show_all = QPushButton("Show all", objectName="showAll")
        self.show_all.clicked.connect(self.open_all)
        self.dialog: QDialog | None = None
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.show_all)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addLayout(row)
        self.set_text("")

    def set_text(self, text: str | None) -> None:
        self._full = text or ""
        self.label.setText(block(self._full))
        cut = len(self._full) > BLOCK_LIMIT
        self.show_all.setText(f"Show all ({len(self._full):,} characters)")
        self.show_all.setVisible(cut)

    def text(self) -> str:
        return self._full

    def open_all(self) -> QDialog:
        dialog = QDialog(self, objectName="longTextDialog")
        dialog.setWindowTitle(self._title)
        editor = QPlainTextEdit(readOnly=True)
        editor.setPlainText(visible(self._full, lines=True))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(editor)
        layout.addWidget(buttons)
        dialog.resize(640, 480)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.dialog = dialog
        return dialog
