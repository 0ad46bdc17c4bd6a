"""Contrast, computed from the palette in both themes: every widget's text on its background, the status
badges, the accent colours, the play button's icon, the seek bar and check box outlines — WCAG ratio ≥ 4.5."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QLabel,
    QLineEdit,
    QStyle,
    QStyleOptionButton,
    QWidget,
)

from app.ui import theme, tones
from app.ui.transport import TransportBar
from tests.fixtures.window import open_window

AA = 4.5
R = QPalette.ColorRole


def luminance(colour: QColor) -> float:
    def channel(value: int) -> float:
        v = value / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(colour.red()) + 0.7152 * channel(colour.green()) + 0.0722 * channel(colour.blue())


def ratio(a: QColor, b: QColor) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def icon_colour(button: QAbstractButton) -> QColor:
    """The mean colour of the icon's opaque pixels."""
    image = button.icon().pixmap(QSize(16, 16)).toImage()
    pixels = [image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())]
    solid = [p for p in pixels if p.alpha() > 200]
    assert solid, "the icon draws something"
    return QColor(*(round(sum(getattr(p, c)() for p in solid) / len(solid)) for c in ("red", "green", "blue")))


@pytest.fixture(params=["light", "dark"])
def themed(request, qapp, monkeypatch):
    monkeypatch.setenv(theme.THEME_ENV, request.param)
    theme.apply_palette(qapp)
    yield request.param
    monkeypatch.setenv(theme.THEME_ENV, "light")
    theme.apply_palette(qapp)


def test_every_widget_text_on_its_background(themed, qtbot, qloop, tmp_path):
    window = open_window(qtbot, qloop, tmp_path)
    low = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) or not widget.isEnabled():
            continue
        palette = widget.palette()
        pairs = [(widget.foregroundRole(), widget.backgroundRole())]
        if isinstance(widget, QLabel | QLineEdit | QCheckBox):
            pairs.append((R.Text, R.Base))
        for fg, bg in pairs:
            value = ratio(palette.color(fg), palette.color(bg))
            if value < AA:
                low.append(f"{widget.objectName() or type(widget).__name__}: {fg.name}/{bg.name} {value:.2f}")
    assert low == []


def test_palette_pairs_badges_and_accents(themed, qapp):
    palette = qapp.palette()
    for fg, bg in ((R.WindowText, R.Window), (R.Text, R.Base), (R.ButtonText, R.Button), (R.PlaceholderText, R.Window),
                   (R.PlaceholderText, R.Base), (R.Text, R.AlternateBase), (R.HighlightedText, R.Highlight),
                   (R.Link, R.Base)):
        assert ratio(palette.color(fg), palette.color(bg)) >= AA, (fg.name, bg.name)
    for background in (R.Base, R.Window):
        assert ratio(tones.muted_text(palette), palette.color(background)) >= AA
    for status in (*theme._STATUS, "unknown-status"):
        fill = theme.status_color(status)
        assert ratio(theme.badge_text_color(fill), fill) >= AA, status
    for tone in tones.Tone:
        colour = tones.accent(tone, palette)
        assert ratio(colour, palette.color(R.Base)) >= AA, tone
        assert ratio(colour, tones.tint(tone, palette)) >= AA, tone  # a turn's title on its bubble


def test_play_button_seek_bar_and_check_boxes_stand_out(themed, qtbot):
    bar = TransportBar()
    qtbot.addWidget(bar)
    window_colour = bar.palette().color(R.Window)
    assert ratio(icon_colour(bar.play_button), window_colour) >= AA
    bar.set_playing(True)
    assert ratio(icon_colour(bar.play_button), window_colour) >= AA
    slider = bar.slider.palette()
    assert ratio(slider.color(R.Highlight), slider.color(R.Window)) >= AA  # the played part of the bar
    assert ratio(check_box_outline(qtbot), window_colour) >= AA


def check_box_outline(qtbot) -> QColor:
    """The colour drawn on the left edge of an unticked check box's square, as the window shows it."""
    parent = QWidget()
    parent.setAutoFillBackground(True)
    qtbot.addWidget(parent)
    box = QCheckBox("Live first", parent)
    box.adjustSize()
    parent.resize(box.size())
    parent.show()
    qtbot.waitExposed(parent)
    option = QStyleOptionButton()
    box.initStyleOption(option)
    square = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    return parent.grab().toImage().pixelColor(square.left(), square.center().y())


def test_list_marks_read_on_the_list(themed, qtbot):
    from app.ui.call_list_model import CallMark, Column
    from tests.live.calls import make_call
    from tests.ui.test_call_list import make_view

    view, _ = make_view(qtbot, make_call("a"))
    view.proxy.set_mark("a", CallMark.MUTED, "Customer muted")
    icon = view.proxy.index(0, Column.CUSTOMER).data(1)  # DecorationRole
    button = QCheckBox()
    qtbot.addWidget(button)
    button.setIcon(icon)
    assert ratio(icon_colour(button), view.table.palette().color(R.Base)) >= AA
