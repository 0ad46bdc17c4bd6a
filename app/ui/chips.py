"""Rounded labels (a call's status, an alert's severity) drawn once per look and kept: a list repaints
its chips many times a second, and drawing one in Python each time was most of a list's paint."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPixmap

KEPT = 64  # looks kept; a new one past that starts the collection again


class Chips:
    def __init__(self) -> None:
        self._kept: dict[tuple[object, ...], QPixmap] = {}

    def chip(self, text: str, fill: QColor, ink: QColor, font: QFont, size: QSizeF, radius: float,
             ratio: float) -> QPixmap:
        """`text` centred (elided to fit) on a `fill` rounded rectangle of `size`, for a device `ratio`."""
        key = (text, fill.rgba(), ink.rgba(), font.key(), size.width(), size.height(), radius, ratio)
        chip = self._kept.get(key)
        if chip is None:
            if len(self._kept) >= KEPT:
                self._kept.clear()
            chip = self._kept[key] = _draw(text, fill, ink, font, size, radius, ratio)
        return chip


def _draw(text: str, fill: QColor, ink: QColor, font: QFont, size: QSizeF, radius: float, ratio: float) -> QPixmap:
    size = QSizeF(max(1.0, size.width()), max(1.0, size.height()))
    pixmap = QPixmap((size * ratio).toSize())
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setFont(font)
    shape = QRectF(QPointF(0, 0), size)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(fill)
    painter.drawRoundedRect(shape, radius, radius)
    painter.setPen(ink)
    painter.drawText(shape, Qt.AlignmentFlag.AlignCenter,
                     QFontMetrics(font).elidedText(text, Qt.TextElideMode.ElideRight, int(size.width()) - 8))
    painter.end()
    return pixmap
