"""Checks that platform text reached the screen literally: never as Qt rich text."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLabel, QMessageBox, QWidget

from app.ui.rich_text_delegate import RICH_TEXT

# Harmless markup: if any of it were obeyed, the text shown would lose the tags.
MARKUP = "<b>Zq</b><i>nd</i><img src='/nonexistent/switchboard.png'>&amp;"


def rendered(text: str) -> str:
    """What a widget on Qt's automatic format shows for `text`."""
    if not GuiQt.mightBeRichText(text):
        return text
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def _model_texts(model: QAbstractItemModel, parent: QModelIndex = QModelIndex()) -> list[tuple[str, str]]:  # noqa: B008
    found: list[tuple[str, str]] = []
    for row in range(min(model.rowCount(parent), 200)):
        try:
            columns = model.columnCount(parent)
        except TypeError:  # list models keep columnCount private: one column
            columns = 1
        for column in range(columns):
            index = model.index(row, column, parent)
            shown = index.data(Qt.ItemDataRole.DisplayRole)
            if isinstance(shown, str):  # item views paint their display text plainly
                found.append((f"cell of {model.objectName()} {row},{column}", shown))
            tip = index.data(Qt.ItemDataRole.ToolTipRole)
            if isinstance(tip, str):
                found.append((f"tooltip of {model.objectName()} {row},{column}", rendered(tip)))
            rich = index.data(RICH_TEXT)
            if isinstance(rich, str):
                document = QTextDocument()
                document.setHtml(rich)
                found.append((f"rich cell {row},{column}", document.toPlainText()))
            if column == 0 and model.rowCount(index) > 0:
                found.extend(_model_texts(model, index))
    return found


def shown_texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, what the user sees) for every label, tooltip, message box and item-view cell under root."""
    widgets = [root, *root.findChildren(QWidget)]
    widgets += [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    found: list[tuple[str, str]] = []
    for widget in widgets:
        name = f"{type(widget).__name__} {widget.objectName()!r}"
        if isinstance(widget, QLabel | QMessageBox):
            text = widget.text()
            plain = widget.textFormat() == Qt.TextFormat.PlainText
            found.append((name, text if plain else rendered(text)))
        if widget.toolTip():
            found.append((f"tooltip of {name}", rendered(widget.toolTip())))
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            found.extend(_model_texts(widget.model()))
    return found


def assert_literal(root: QWidget, needle: str = "Zq", markup: str = MARKUP, minimum: int = 1) -> int:
    """Every shown text that carries part of the markup carries all of it, literally (or bounded).
    Returns how many places showed it, so a test can say it reached every view it meant to."""
    places = [(where, text) for where, text in shown_texts(root) if needle in text]
    for where, text in places:
        assert "<b>" in text and "<img" in text, f"{where} obeyed markup: {text[:200]!r}"
    assert len(places) >= minimum, places
    return len(places)
