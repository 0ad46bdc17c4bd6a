"""Paints an item's HTML (Qt.UserRole + RICH_TEXT) instead of its plain text: highlighted snippets."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

RICH_TEXT = Qt.ItemDataRole.UserRole + 40


class RichTextDelegate(QStyledItemDelegate):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._document = QTextDocument()
        self._document.setDocumentMargin(4)

    def _layout(self, option: QStyleOptionViewItem, html: str, width: int) -> QTextDocument:
        self._document.setDefaultFont(option.font)
        self._document.setHtml(html)
        self._document.setTextWidth(max(60, width))
        return self._document

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        html = index.data(RICH_TEXT)
        if not html:
            super().paint(painter, option, index)
            return
        options = QStyleOptionViewItem(option)
        self.initStyleOption(options, index)
        options.text = ""
        style = options.widget.style() if options.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, options, painter, options.widget)
        document = self._layout(option, html, option.rect.width())
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, option.palette.color(role))
        painter.save()
        painter.translate(option.rect.topLeft())
        painter.setClipRect(option.rect.translated(-option.rect.topLeft()))
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        html = index.data(RICH_TEXT)
        if not html:
            return super().sizeHint(option, index)
        view = option.widget
        viewport = view.viewport() if isinstance(view, QAbstractScrollArea) else view
        width = option.rect.width() if option.rect.width() > 0 else (viewport.width() if viewport else 600)
        document = self._layout(option, html, width)
        return QSize(int(document.idealWidth()), int(document.size().height()) + 2)
