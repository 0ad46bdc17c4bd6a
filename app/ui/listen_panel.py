"""Listen in to a live call: a Listen toggle, a scrolling waveform of the last seconds, a level
meter per side (one for a mono call, heard in both ears), and plain words about the connection."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.audio.live_envelope import SILENCE_DB, WINDOW_SECONDS, LiveEnvelope
from app.audio.peaks import strokes
from app.domain.clock import clock
from app.live.listen import ACTIVE_STATES, CallListener, ListenState
from app.ui.plain import tooltip, wrapped
from app.ui.recording_labels import lane_names
from app.ui.tones import Tone, accent, lane_tones

REFRESH_MS = 50
LANE_OFFSET = 1.1  # customer drawn above the middle, assistant below


class ListenPanel(QWidget):
    """Shows one CallListener; the toggle only asks (`listen_toggled`), AudioArea starts and stops."""

    listen_toggled = Signal(bool)
    several_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.listener: CallListener | None = None
        self.listen_button = QPushButton("Listen", objectName="listenButton", checkable=True)
        self.listen_button.setToolTip("Hear this call live (you are never heard on it)")
        self.listen_button.toggled.connect(self._toggled)
        self.several = QCheckBox("Hear several calls at once", objectName="hearSeveral")
        self.several.setToolTip("Off: listening to a call stops any other call you were hearing")
        self.several.toggled.connect(self.several_toggled)
        self.status = wrapped(QLabel("", objectName="listenStatus"))
        self.status.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self.plot = pg.PlotWidget(objectName="liveWaveform")
        self.plot.setBackground(self.palette().color(QPalette.ColorRole.Base))
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideAxis("left")
        self.plot.hideAxis("bottom")
        self.plot.setYRange(-2 * LANE_OFFSET, 2 * LANE_OFFSET, padding=0)
        self.plot.setXRange(-WINDOW_SECONDS, 0, padding=0)
        self.plot.disableAutoRange()  # a fixed 10-second window, data or not
        self.curves: list[pg.PlotDataItem] = []
        self.gap_lines: dict[float, pg.InfiniteLine] = {}  # by the gap's moment on the envelope's clock
        self._gaps_of: LiveEnvelope | None = None  # the envelope whose gaps have lines
        self._gaps_drawn = 0  # how many of its gaps have had one
        self.lane_labels: list[pg.TextItem] = []

        self.meters: list[QProgressBar] = []
        self._meter_grid = QGridLayout()
        self._meter_grid.setHorizontalSpacing(6)

        header = QHBoxLayout()
        header.addWidget(self.listen_button)
        header.addWidget(self.status, 1)
        header.addWidget(self.several)
        body = QHBoxLayout()
        body.addWidget(self.plot, 1)
        body.addLayout(self._meter_grid)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addLayout(header)
        layout.addLayout(body, 1)

        self.timer = QTimer(self, interval=REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self._set_lanes(2)
        self.set_available(False, "Select a live call to listen in.")

    # -- what AudioArea tells the panel ---------------------------------------------------------
    def set_available(self, available: bool, reason: str = "") -> None:
        """Whether this call can be heard at all (a platform without live audio cannot)."""
        self.listen_button.setEnabled(available)
        self.listen_button.setToolTip(tooltip(reason) or "Hear this call live (you are never heard on it)")
        if not available:
            self.show_listener(None)
            self.status.setText(reason)

    def show_listener(self, listener: CallListener | None) -> None:
        if self.listener is not None:
            self.listener.events.changed.disconnect(self._listener_changed)
        self.listener = listener
        self.listen_button.blockSignals(True)
        self.listen_button.setChecked(listener is not None and listener.state in ACTIVE_STATES)
        self.listen_button.blockSignals(False)
        self._update_button_text()
        for curve in self.curves:
            curve.setData([], [])
        self._clear_gaps()
        if listener is None:
            self.timer.stop()
            self.status.setText("Not listening. Press Listen to hear the call.")
            self._show_levels(np.full(len(self.meters), SILENCE_DB))
            return
        listener.events.changed.connect(self._listener_changed)
        self.timer.start()
        self.refresh()

    def refresh(self) -> None:
        """Timer tick: redraw the last seconds and the meters from the listener's envelope."""
        listener = self.listener
        if listener is None:
            return
        self._show_status(listener)
        envelope = listener.envelope
        if envelope is None:
            return
        if envelope.channels != len(self.curves):
            self._set_lanes(envelope.channels)
        times, mins, maxs = envelope.window()
        now = envelope.seconds
        for lane, curve in enumerate(self.curves):
            x, y = strokes(times - now, mins[:, lane], maxs[:, lane])
            curve.setData(x, y + _lane_offset(lane, len(self.curves)), connect="finite")
        self._show_gaps(envelope)
        self._show_levels(envelope.levels_db if listener.state == ListenState.LISTENING else np.full(len(self.meters), SILENCE_DB))
        if listener.state not in ACTIVE_STATES:
            self.timer.stop()

    # -- drawing ---------------------------------------------------------------------------------
    def _set_lanes(self, channels: int) -> None:
        for item in self.curves + self.lane_labels:
            self.plot.removeItem(item)
        self.lane_labels = []
        while self._meter_grid.count():
            item = self._meter_grid.takeAt(0)
            if item is not None and (widget := item.widget()) is not None:
                widget.hide()  # gone from view now, not at the next turn of the event loop
                widget.deleteLater()
        self.curves, self.meters = [], []
        tones = lane_tones(channels)
        for lane, name in enumerate(lane_names(channels)):
            colour = accent(tones[lane], self.palette())
            self.curves.append(self.plot.plot(pen=pg.mkPen(colour, width=1)))
            label = pg.TextItem(name, color=colour, anchor=(0, 0.5))
            label.setPos(-WINDOW_SECONDS, _lane_offset(lane, channels) + 0.8)
            self.plot.addItem(label)
            self.lane_labels.append(label)
            meter = QProgressBar(objectName=f"level-{lane}", textVisible=False, orientation=Qt.Orientation.Vertical)
            meter.setRange(int(SILENCE_DB), 0)
            meter.setFixedWidth(12)
            meter.setStyleSheet(f"QProgressBar::chunk {{ background: {colour.name()}; }}")
            meter.setToolTip(f"{name} level")
            label = QLabel(name[:1], alignment=Qt.AlignmentFlag.AlignCenter)
            label.setToolTip(name)
            self._meter_grid.addWidget(meter, 0, lane, Qt.AlignmentFlag.AlignHCenter)
            self._meter_grid.addWidget(label, 1, lane)
            self.meters.append(meter)

    def _show_levels(self, levels_db: np.ndarray) -> None:
        for meter, level in zip(self.meters, levels_db, strict=False):
            meter.setValue(int(max(SILENCE_DB, min(0.0, float(level)))))

    def _show_gaps(self, envelope: LiveEnvelope) -> None:
        """A dashed line per reconnect gap: made when the gap comes, moved each tick, dropped once scrolled out."""
        if envelope is not self._gaps_of:
            self._clear_gaps()
            self._gaps_of = envelope
        now = envelope.seconds
        for at in envelope.gaps[self._gaps_drawn:]:
            line = pg.InfiniteLine(angle=90, movable=False, label="gap", labelOpts={"position": 0.9},
                                   pen=pg.mkPen(accent(Tone.WARN, self.palette()), width=1, style=Qt.PenStyle.DashLine))
            self.plot.addItem(line)
            self.gap_lines[at] = line
        self._gaps_drawn = len(envelope.gaps)
        for at, line in list(self.gap_lines.items()):
            if at - now > -WINDOW_SECONDS:
                line.setPos(at - now)
            else:
                self.plot.removeItem(self.gap_lines.pop(at))

    def _clear_gaps(self) -> None:
        for line in self.gap_lines.values():
            self.plot.removeItem(line)
        self.gap_lines, self._gaps_of, self._gaps_drawn = {}, None, 0

    def _show_status(self, listener: CallListener) -> None:
        text, envelope = listener.message, listener.envelope
        if listener.state == ListenState.LISTENING and envelope is not None:
            layout = {1: "mono", 2: "stereo"}.get(envelope.channels, f"{envelope.channels} channels")
            measured = " (measured)" if listener.session.format_reason.startswith("no start frame") else ""
            text = f"Listening · {clock(envelope.seconds)} heard · {envelope.sample_rate / 1000:g} kHz {layout}{measured}"
            if envelope.gaps:
                text += f" · {len(envelope.gaps)} gap{'s' if len(envelope.gaps) > 1 else ''} while reconnecting"
            if skipped := listener.session.frames_skipped:
                text += f" · {skipped} unreadable message{'s' if skipped > 1 else ''} skipped"
        if listener.audio_note and listener.state == ListenState.LISTENING:
            text = f"Showing the call's audio without sound. {listener.audio_note}"
        self.status.setText(text)
        self._update_button_text()

    def _update_button_text(self) -> None:
        self.listen_button.setText("Stop listening" if self.listen_button.isChecked() else "Listen")

    def _listener_changed(self, listener: CallListener) -> None:
        if listener is not self.listener:
            return
        if listener.state not in ACTIVE_STATES and self.listen_button.isChecked():
            self.listen_button.blockSignals(True)
            self.listen_button.setChecked(False)
            self.listen_button.blockSignals(False)
        self.refresh()
        if listener.state in ACTIVE_STATES and not self.timer.isActive():
            self.timer.start()

    def _toggled(self, on: bool) -> None:
        self._update_button_text()
        self.listen_toggled.emit(on)


def _lane_offset(lane: int, lanes: int) -> float:
    return 0.0 if lanes == 1 else LANE_OFFSET * (1 - 2 * lane / (lanes - 1))
