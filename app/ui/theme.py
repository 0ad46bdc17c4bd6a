"""Light and dark looks that follow the system, and the few colours the console gives meaning to."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from app.ui.tones import is_dark

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
        (QPalette.ColorRole.PlaceholderText, QColor("#8c8f94")),
        (QPalette.ColorRole.Link, QColor("#6ea8fe")),
        (QPalette.ColorRole.Mid, QColor("#3c3f41")),
    ):
        p.setColor(role, color)
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6f7276"))
    return p


def apply_theme(app: QApplication) -> None:
    """Fusion everywhere (same look on every desktop), dark palette when the system is dark."""
    app.setStyle("Fusion")
    _apply_palette(app)
    app.styleHints().colorSchemeChanged.connect(lambda _scheme: _apply_palette(app))


def wants_dark() -> bool:
    forced = os.environ.get(THEME_ENV, "").strip().lower()
    if forced in ("dark", "light"):
        return forced == "dark"
    return QGuiApplication.styleHints().colorScheme() is Qt.ColorScheme.Dark


def _apply_palette(app: QApplication) -> None:
    app.setPalette(_dark_palette() if wants_dark() else app.style().standardPalette())
