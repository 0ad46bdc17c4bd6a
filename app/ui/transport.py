"""Play/pause, seek, speed, volume and per-channel mute/solo for a recording, with the keyboard
shortcuts reviewers use. The bar only asks (signals); AudioArea owns the playback engine."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSlider,
    QStyle,
    QToolButton,
    QWidget,
)

from app.domain.clock import clock
from app.ui.app import setting, settings
from app.ui.plain import LineLabel
from app.ui.theme import tinted

SPEEDS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
SKIP_SECONDS = 5.0
JUMP_SECONDS = 10.0
SLIDER_STEPS_PER_SECOND = 10


class SeekSlider(QSlider):
    """A position slider that ignores playback updates while the user drags it (FeelUOwn pattern)
    and asks to seek once, on release or click."""

    seek_requested = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setRange(0, 0)
        self.setPageStep(SLIDER_STEPS_PER_SECOND * 10)
        self.sliderReleased.connect(self._released)
        self.actionTriggered.connect(self._stepped)
        self._recolor()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ApplicationPaletteChange:
            self._recolor()

    def _recolor(self) -> None:
        """The played part of the bar in the link colour: the selection blue hardly shows on a dark window."""
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Highlight, QApplication.palette().color(QPalette.ColorRole.Link))
        self.setPalette(palette)

    def set_duration(self, seconds: float) -> None:
        self.setRange(0, round(seconds * SLIDER_STEPS_PER_SECOND))

    def set_position(self, seconds: float) -> None:
        if self.isSliderDown():
            return  # the user is choosing a place: do not yank the handle back
        self.blockSignals(True)
        self.setValue(round(seconds * SLIDER_STEPS_PER_SECOND))
        self.blockSignals(False)

    def _released(self) -> None:
        self.seek_requested.emit(self.value() / SLIDER_STEPS_PER_SECOND)

    def _stepped(self, action: int) -> None:
        if action != QSlider.SliderAction.SliderMove:  # page clicks and keys, not drags
            self.seek_requested.emit(self.sliderPosition() / SLIDER_STEPS_PER_SECOND)


class TransportBar(QWidget):
    """Controls for one recording. Disabled with a plain explanation when sound cannot play."""

    play_toggled = Signal()
    seek_requested = Signal(float)  # absolute seconds
    skip_requested = Signal(float)  # relative seconds
    speed_changed = Signal(float)
    volume_changed = Signal(float)
    mute_changed = Signal(int, bool)
    solo_changed = Signal(int, bool)
    turn_step_requested = Signal(int)  # +1 next turn, -1 previous

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._duration = 0.0
        self._reason = ""
        self.play_button = QToolButton(objectName="playButton", autoRaise=True)
        self.play_button.clicked.connect(self.play_toggled)
        self.slider = SeekSlider()
        self.slider.seek_requested.connect(self.seek_requested)
        self.time_label = QLabel(clock(0) + " / " + clock(0), objectName="timeLabel")
        self.time_label.setMinimumWidth(self.time_label.fontMetrics().horizontalAdvance("0:00:00 / 0:00:00"))
        self.speed = QComboBox(objectName="speed")
        for value in SPEEDS:
            self.speed.addItem(f"{value:g}×", value)
        self.speed.setCurrentIndex(SPEEDS.index(1.0))
        self.speed.setToolTip("Playback speed ([ slower, ] faster)")
        self.speed.currentIndexChanged.connect(lambda i: self.speed_changed.emit(SPEEDS[i]))
        self.volume = QSlider(Qt.Orientation.Horizontal, objectName="volume", maximumWidth=90)
        self.volume.setRange(0, 100)
        self.volume.setValue(100)
        self.volume.setToolTip("Volume")
        self.volume.valueChanged.connect(lambda v: self.volume_changed.emit(v / 100))
        self.reason_label = LineLabel(objectName="playbackOff")
        self.reason_label.hide()
        self._channel_row = QHBoxLayout()
        self._channel_row.setSpacing(2)
        self.mute_buttons: list[QToolButton] = []
        self.solo_buttons: list[QToolButton] = []

        row = QHBoxLayout(self)
        row.setContentsMargins(4, 2, 4, 2)
        row.addWidget(self.play_button)
        row.addWidget(self.time_label)
        row.addWidget(self.slider, 1)
        row.addWidget(self.speed)
        row.addLayout(self._channel_row)
        row.addWidget(self.volume)
        row.addWidget(self.reason_label, 1)
        self.set_playing(False)
        self.shortcuts = self._install_shortcuts()
        self.set_channels([])
        self._restore_preferences()

    def _restore_preferences(self) -> None:
        """Speed and volume carry over between recordings and sessions (typed reads, safe defaults)."""
        # One instance: Qt writes its changes from the event loop (batched, not an INI rewrite per slider step).
        stored = self._settings = settings()
        speed = setting("audio/speed", 1.0, stored)
        self.speed.setCurrentIndex(SPEEDS.index(speed) if speed in SPEEDS else SPEEDS.index(1.0))
        self.volume.setValue(max(0, min(100, setting("audio/volume", 100, stored))))
        self.speed_changed.connect(lambda speed: stored.setValue("audio/speed", speed))
        self.volume_changed.connect(lambda value: stored.setValue("audio/volume", round(value * 100)))

    def _install_shortcuts(self) -> list[QShortcut]:
        bindings = [
            (Qt.Key.Key_Space, self.play_toggled.emit),
            (Qt.Key.Key_K, self.play_toggled.emit),
            (Qt.Key.Key_J, lambda: self.skip_requested.emit(-JUMP_SECONDS)),
            (Qt.Key.Key_L, lambda: self.skip_requested.emit(JUMP_SECONDS)),
            (Qt.Key.Key_Left, lambda: self.skip_requested.emit(-SKIP_SECONDS)),
            (Qt.Key.Key_Right, lambda: self.skip_requested.emit(SKIP_SECONDS)),
            (Qt.Key.Key_BracketLeft, lambda: self.step_speed(-1)),
            (Qt.Key.Key_BracketRight, lambda: self.step_speed(1)),
            (Qt.Key.Key_N, lambda: self.turn_step_requested.emit(1)),
            (Qt.Key.Key_P, lambda: self.turn_step_requested.emit(-1)),
        ]
        shortcuts = []
        for key, slot in bindings:
            # Window-wide, yet text fields still get their keys: they claim them first (ShortcutOverride).
            shortcut = QShortcut(QKeySequence(key), self, context=Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)
            shortcuts.append(shortcut)
        return shortcuts

    # -- what the area tells the bar ----------------------------------------------------------
    def set_channels(self, names: Sequence[str]) -> None:
        """One name, Mute and Solo per channel (stereo: customer, assistant)."""
        while self._channel_row.count():
            item = self._channel_row.takeAt(0)
            if item is not None and (widget := item.widget()) is not None:
                widget.deleteLater()
        self.mute_buttons, self.solo_buttons = [], []
        for channel, name in enumerate(names):
            if channel:
                self._channel_row.addSpacing(6)
            self._channel_row.addWidget(QLabel(name))
            for kind, buttons, signal in (("Mute", self.mute_buttons, self.mute_changed),
                                          ("Solo", self.solo_buttons, self.solo_changed)):
                button = QToolButton(text=kind[0], checkable=True, autoRaise=True)
                button.setObjectName(f"{kind.lower()}-{channel}")
                button.setToolTip(f"{kind} the {name.lower()}" if len(names) > 1 else kind)
                button.toggled.connect(lambda on, c=channel, s=signal: s.emit(c, on))
                buttons.append(button)
                self._channel_row.addWidget(button)
        self._apply_enabled()

    def set_duration(self, seconds: float) -> None:
        self._duration = seconds
        self.slider.set_duration(seconds)
        self._show_time(0.0)

    def set_position(self, seconds: float) -> None:
        self.slider.set_position(seconds)
        self._show_time(seconds)

    def set_playing(self, playing: bool) -> None:
        icon = QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        # The style's icon is drawn in a fixed dark grey, lost on a dark window: recoloured as text.
        self.play_button.setIcon(tinted(self.style().standardIcon(icon), self.palette().color(QPalette.ColorRole.ButtonText)))
        self.play_button.setToolTip("Pause (Space)" if playing else "Play (Space)")
        self.play_button.setProperty("playing", playing)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.set_playing(bool(self.play_button.property("playing")))  # the icon follows the text colour

    def set_unavailable(self, reason: str) -> None:
        """Sound cannot play here (or nothing is loaded): every control off, the reason shown."""
        self._reason = reason
        self._apply_enabled()

    def set_available(self) -> None:
        self._reason = ""
        self._apply_enabled()

    @property
    def reason(self) -> str:
        return self._reason

    def step_speed(self, direction: int) -> None:
        index = max(0, min(len(SPEEDS) - 1, self.speed.currentIndex() + direction))
        self.speed.setCurrentIndex(index)

    def _apply_enabled(self) -> None:
        enabled = not self._reason
        widgets = [self.play_button, self.slider, self.speed, self.volume, *self.mute_buttons, *self.solo_buttons]
        for widget in widgets:
            widget.setEnabled(enabled)
            widget.setToolTip(widget.toolTip().split("\n")[0] + (f"\n{self._reason}" if self._reason else ""))
        for shortcut in self.shortcuts:
            shortcut.setEnabled(enabled)
        self.reason_label.set_line(self._reason)
        self.reason_label.setVisible(bool(self._reason))
        self.volume.setVisible(enabled)

    def _show_time(self, seconds: float) -> None:
        self.time_label.setText(f"{clock(seconds)} / {clock(self._duration)}")
