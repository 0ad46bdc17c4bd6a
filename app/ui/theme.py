"""Light and dark looks that follow the system, and the few colours the console gives meaning to."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import cast

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette
from PySide6.QtWidgets import QApplication

from app.ui.tones import is_dark, muted_text

# Status badge fill colours (light, dark): live is green, waiting amber, handing over blue, failed red.
_STATUS = {
    "in-progress": ("#2e7d32", "#43a047"),
    "queued": ("#b26a00", "#f9a825"),
    "ringing": ("#b26a00", "#f9a825"),
    "scheduled": ("#6d6d6d", "#8d8d8d"),
    "forwarding": ("#1565c0", "#42a5f5"),
    "ended": ("#757575", "#616161"),
    "failed": ("#c62828", "#e53935"),
}
_UNKNOWN_STATUS = ("#6a1b9a", "#ab47bc")


THEME_ENV = "SWITCHBOARD_THEME"  # "dark" or "light" overrides a desktop that does not say


def _dark() -> bool:
    """Judged from the palette in use, so it agrees with whatever apply_theme chose."""
    return is_dark(QGuiApplication.palette())


def status_color(status: str) -> QColor:
    light, dark = _STATUS.get(status, _UNKNOWN_STATUS)
    return QColor(dark if _dark() else light)


def _luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())


def tinted(icon: QIcon, colour: QColor, size: int = 32) -> QIcon:
    """The icon's shape filled with one colour: the style's icons are drawn in a fixed dark grey, lost on a
    dark window."""
    pixmap = icon.pixmap(QSize(size, size))
    painter = QPainter(pixmap)
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
    painter.fillRect(pixmap.rect(), colour)
    painter.end()
    return QIcon(pixmap)


def badge_text_color(fill: QColor) -> QColor:
    """Black or white, whichever reads better on the badge (amber wants black, grey and red white)."""
    return QColor("#000000") if _luminance(fill) > 0.18 else QColor("#ffffff")


def indicator_outline(palette: QPalette) -> QColor:
    """The outline drawn round check boxes, so an unticked one is still seen."""
    return muted_text(palette)


def _check_box_palette(palette: QPalette) -> QPalette:
    """Fusion outlines a check box in its Window colour darkened 1.4 times then lightened 1.1 times (on a
    dark window, invisible): a check box's Window lightened by as much comes out as the outline wanted.
    A check box paints no background of its own, so nothing else shows that colour. (A style drawing the
    outline itself would put a Python call under every item any view paints.)"""
    check_boxes = QPalette()
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive, QPalette.ColorGroup.Disabled):
        check_boxes.setColor(group, QPalette.ColorRole.Window, indicator_outline(palette).lighter(127))
    return check_boxes


def new_call_highlight() -> QColor:
    return QColor("#1b5e20" if _dark() else "#e8f5e9")


def banner_colors() -> tuple[QColor, QColor]:
    """Background and text of the offline banner."""
    return (QColor("#5d4037"), QColor("#ffecb3")) if _dark() else (QColor("#fff3cd"), QColor("#664d03"))


def _dark_palette() -> QPalette:
    p = QPalette()
    base, window, text = QColor("#1e1f22"), QColor("#2b2d30"), QColor("#dfe1e5")
    for role, color in (
        (QPalette.ColorRole.Window, window),
        (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Base, base),
        (QPalette.ColorRole.AlternateBase, QColor("#26282b")),
        (QPalette.ColorRole.Text, text),
        (QPalette.ColorRole.Button, window),
        (QPalette.ColorRole.ButtonText, text),
        (QPalette.ColorRole.ToolTipBase, window),
        (QPalette.ColorRole.ToolTipText, text),
        (QPalette.ColorRole.Highlight, QColor("#2f65ca")),
        (QPalette.ColorRole.HighlightedText, QColor("#ffffff")),
        (QPalette.ColorRole.PlaceholderText, QColor("#a0a3a9")),
        (QPalette.ColorRole.Link, QColor("#6ea8fe")),
        (QPalette.ColorRole.Mid, QColor("#3c3f41")),
        (QPalette.ColorRole.Light, QColor("#4a4d52")),
        (QPalette.ColorRole.Midlight, QColor("#3c3f43")),
        (QPalette.ColorRole.Dark, QColor("#1a1b1d")),
        (QPalette.ColorRole.Shadow, QColor("#0d0d0e")),
    ):
        p.setColor(role, color)
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6f7276"))
    return p


def _light_palette(app: QApplication) -> QPalette:
    palette = app.style().standardPalette()
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#1f63a8"))  # white selected text reads on it (6:1)
    palette.setColor(QPalette.ColorRole.Link, QColor("#1a56a0"))
    return palette


def apply_theme(app: QApplication) -> None:
    """Fusion everywhere (same look on every desktop), dark palette when the system is dark."""
    app.setStyle("Fusion")
    apply_palette(app)
    app.styleHints().colorSchemeChanged.connect(lambda _scheme: apply_palette(app))


def wants_dark() -> bool:
    forced = os.environ.get(THEME_ENV, "").strip().lower()
    if forced in ("dark", "light"):
        return forced == "dark"
    return QGuiApplication.styleHints().colorScheme() is Qt.ColorScheme.Dark


# PySide takes the class name as a str (its stubs say bytes, which it refuses).
_set_class_palette = cast("Callable[[QPalette, str], None]", QApplication.setPalette)


def apply_palette(app: QApplication) -> None:
    palette = _dark_palette() if wants_dark() else _light_palette(app)
    app.setPalette(palette)
    _set_class_palette(_check_box_palette(palette), "QCheckBox")
