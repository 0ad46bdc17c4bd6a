"""The recording as stereo lanes (customer, assistant) or one mono lane, with turns, tool calls,
reviewers' comments, a playhead and click-to-seek. Drawn from a PeakPyramid: a redraw touches ~4 buckets a pixel."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from pyqtgraph.GraphicsScene.mouseEvents import MouseClickEvent
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFontMetrics, QKeyEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from app.audio.peaks import PeakPyramid, strokes
from app.domain import Turn, TurnRole
from app.domain.clock import clock
from app.ui.plain import tooltip, wrapped
from app.ui.recording_labels import CommentMark, lane_names
from app.ui.tones import ROLE_TONES, Tone, accent, lane_tones

MIN_SPAN = 0.05  # seconds: the closest zoom, about 800 samples at 16 kHz
ZOOM_STEP = 1.6
ROLE_LANE = {TurnRole.CUSTOMER: 0, TurnRole.ASSISTANT: 1}
COMMENT_GRAB = 6  # pixels either side of a comment line that still count as clicking it
FLAG_PADDING = 12  # pixels: the flag's margins and a gap before the next comment's line


class TimeAxis(pg.AxisItem):
    """m:ss ticks, with as many decimals as the tick spacing needs when zoomed in."""

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        decimals = 0 if spacing >= 1 else min(3, int(np.ceil(-np.log10(spacing) - 1e-9)))
        return [clock(v, decimals) for v in values]


class WaveformView(QWidget):
    """Lanes share one time axis. Wheel zooms, drag pans, click seeks, double click shows all; keys:
    + / - zoom, 0 shows all, Shift+←/→ pans. Empty, loading and error states say what is happening."""

    seek_requested = Signal(float)
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.pyramid: PeakPyramid | None = None
        self.turns: tuple[Turn, ...] = ()
        self.plots: list[pg.PlotItem] = []
        self.curves: list[pg.PlotDataItem] = []
        self.playheads: list[pg.InfiniteLine] = []
        self.turn_regions: list[tuple[int, pg.LinearRegionItem]] = []  # (turn index, region)
        self.tool_markers: list[pg.InfiniteLine] = []
        self.comment_marks: tuple[CommentMark, ...] = ()
        self.comment_lines: list[tuple[CommentMark, pg.InfiniteLine]] = []  # one per mark and lane
        self.comment_flags: list[tuple[CommentMark, pg.TextItem]] = []  # the words, on the last lane
        self._comment_items: list[tuple[pg.PlotItem, pg.GraphicsObject]] = []
        self._overlays: list[tuple[pg.PlotItem, pg.GraphicsObject]] = []  # turn items, to remove on redraw
        self.follow_playhead = True
        self._playhead = 0.0
        self._redraw_timer = QTimer(self, singleShot=True, interval=0)
        self._redraw_timer.timeout.connect(self._redraw)

        self.message = wrapped(QLabel(alignment=Qt.AlignmentFlag.AlignCenter, objectName="waveformMessage"))
        self.message.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.progress = QProgressBar(textVisible=False, minimumWidth=240, maximumWidth=320)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_requested)
        status = QWidget()
        status_layout = QVBoxLayout(status)
        status_layout.addStretch(1)
        status_layout.addWidget(self.message)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.progress)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        status_layout.addLayout(row)
        status_layout.addStretch(1)

        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground(self.palette().color(QPalette.ColorRole.Base))
        self.graphics.ci.layout.setSpacing(0)
        self.graphics.ci.setContentsMargins(2, 2, 6, 2)
        self.graphics.scene().sigMouseClicked.connect(self._on_click)
        self._stack = QStackedLayout(self)
        self._stack.addWidget(status)
        self._stack.addWidget(self.graphics)
        self.show_message("Select a call to see its recording.")

    # -- states ------------------------------------------------------------------------------
    def show_message(self, text: str) -> None:
        """Empty or error state: just words."""
        self.message.setText(text)
        self.progress.hide()
        self.cancel_button.hide()
        self._stack.setCurrentIndex(0)

    def show_loading(self, text: str, fraction: float | None = None) -> None:
        """A download or decode in progress, with a bar (busy when the size is unknown) and Cancel."""
        self.message.setText(text)
        self.progress.setRange(0, 0 if fraction is None else 1000)
        if fraction is not None:
            self.progress.setValue(round(max(0.0, min(1.0, fraction)) * 1000))
        self.progress.show()
        self.cancel_button.show()
        self._stack.setCurrentIndex(0)

    @property
    def state_text(self) -> str:
        return self.message.text() if self._stack.currentIndex() == 0 else ""

    # -- content -----------------------------------------------------------------------------
    def set_recording(self, pyramid: PeakPyramid, turns: Sequence[Turn] = (), names: Sequence[str] | None = None) -> None:
        self.pyramid = pyramid
        self.turns = tuple(turns)
        self._build_lanes(list(names or lane_names(pyramid.channels)))
        self._stack.setCurrentIndex(1)
        self.show_all()

    def set_turns(self, turns: Sequence[Turn]) -> None:
        self.turns = tuple(turns)
        if self.pyramid is not None:
            self._draw_turns()

    def set_comment_marks(self, marks: Sequence[CommentMark]) -> None:
        """Draw these comments (replacing the previous ones); kept for the next recording shown."""
        ordered = tuple(sorted(marks, key=lambda mark: mark.seconds))
        if ordered != self.comment_marks:  # the review re-renders on every score: redraw only what changed
            self.comment_marks = ordered
            self._draw_comments()

    def clear(self, text: str = "Select a call to see its recording.") -> None:
        self.pyramid = None
        self.turns = ()
        self.graphics.clear()
        self.plots, self.curves, self.playheads, self.turn_regions, self.tool_markers = [], [], [], [], []
        self._overlays, self.comment_lines, self.comment_flags, self._comment_items = [], [], [], []
        self.show_message(text)

    def _build_lanes(self, names: list[str]) -> None:
        self.graphics.clear()
        self.plots, self.curves, self.playheads, self._overlays = [], [], [], []
        self.comment_lines, self.comment_flags, self._comment_items = [], [], []
        palette = self.palette()
        tones = lane_tones(len(names))
        duration = max(self.pyramid.duration if self.pyramid else 0.0, MIN_SPAN)
        for lane, name in enumerate(names):
            last = lane == len(names) - 1
            axis = TimeAxis("bottom", textPen=palette.color(QPalette.ColorRole.Text)) if last else None
            plot = self.graphics.addPlot(row=lane, col=0, axisItems={"bottom": axis} if axis else None)
            plot.hideButtons()
            plot.setMenuEnabled(False)
            plot.hideAxis("left")
            if not last:
                plot.hideAxis("bottom")
            plot.setMouseEnabled(x=True, y=False)
            plot.setYRange(-1.05, 1.05, padding=0)
            plot.vb.setLimits(xMin=0.0, xMax=duration, minXRange=MIN_SPAN, yMin=-1.1, yMax=1.1)
            if self.plots:
                plot.setXLink(self.plots[0])
            colour = accent(tones[lane % len(tones)], palette)
            curve = plot.plot(pen=pg.mkPen(colour, width=1), antialias=False, clipToView=False)
            backdrop = palette.color(QPalette.ColorRole.Base)
            backdrop.setAlpha(200)  # readable over a loud waveform
            label = pg.TextItem(name, color=colour, anchor=(0, 0), fill=pg.mkBrush(backdrop))
            label.setZValue(20)
            plot.addItem(label, ignoreBounds=True)
            plot.sigXRangeChanged.connect(lambda *_, label=label, plot=plot: self._pin_label(label, plot))
            head = pg.InfiniteLine(pos=self._playhead, angle=90, movable=False,
                                   pen=pg.mkPen(palette.color(QPalette.ColorRole.Highlight), width=2))
            head.setZValue(30)
            plot.addItem(head, ignoreBounds=True)
            self.plots.append(plot)
            self.curves.append(curve)
            self.playheads.append(head)
        self.plots[0].sigXRangeChanged.connect(self._schedule_redraw)
        self._draw_turns()
        self._draw_comments()

    def _draw_turns(self) -> None:
        for plot, item in self._overlays:
            plot.removeItem(item)
        self.turn_regions, self.tool_markers, self._overlays = [], [], []
        palette, lanes = self.palette(), len(self.plots)
        for index, turn in enumerate(self.turns):
            if turn.start is None:
                continue
            if turn.role == TurnRole.TOOL:
                marker = pg.InfiniteLine(
                    pos=turn.start, angle=90, movable=False,
                    pen=pg.mkPen(accent(Tone.TOOL, palette), width=1, style=Qt.PenStyle.DashLine),
                    label=f"⚙ {turn.tool_name or 'tool'}",
                    labelOpts={"position": 0.92, "color": accent(Tone.TOOL, palette), "anchors": [(0, 0), (0, 0)]},
                )
                marker.setZValue(15)
                self.plots[0].addItem(marker, ignoreBounds=True)
                self.tool_markers.append(marker)
                self._overlays.append((self.plots[0], marker))
                continue
            if turn.role not in ROLE_LANE:
                continue  # system prompts and notes are not heard on the recording
            lane = ROLE_LANE[turn.role] if lanes == 2 else 0
            end = turn.end if turn.end is not None and turn.end > turn.start else turn.start + 0.3
            colour = QColor(accent(ROLE_TONES[turn.role], palette))
            colour.setAlpha(60)
            region = pg.LinearRegionItem((turn.start, end), movable=False, brush=pg.mkBrush(colour),
                                         pen=pg.mkPen(None))
            region.setZValue(-10)
            self.plots[lane].addItem(region, ignoreBounds=True)
            self.turn_regions.append((index, region))
            self._overlays.append((self.plots[lane], region))

    def _draw_comments(self) -> None:
        """A line across every lane per comment, flagged with its words at the foot of the last lane."""
        for plot, item in self._comment_items:
            plot.removeItem(item)
        self.comment_lines, self.comment_flags, self._comment_items = [], [], []
        if not self.plots:
            return
        palette = self.palette()
        colour = accent(Tone.REVIEW, palette)
        for mark in self.comment_marks:
            for plot in self.plots:
                line = pg.InfiniteLine(pos=mark.seconds, angle=90, movable=False, pen=pg.mkPen(colour, width=2))
                line.setToolTip(tooltip(mark.tooltip))
                line.setZValue(25)  # over turns, tool calls and lane names; under the playhead
                plot.addItem(line, ignoreBounds=True)
                self.comment_lines.append((mark, line))
                self._comment_items.append((plot, line))
            flag = pg.TextItem(mark.label, color=palette.color(QPalette.ColorRole.Base), fill=pg.mkBrush(colour),
                               anchor=(0, 1))
            flag.setPos(mark.seconds, -1.05)  # the foot of the lane, right of the line
            flag.setToolTip(tooltip(mark.tooltip))
            flag.setZValue(26)
            self.plots[-1].addItem(flag, ignoreBounds=True)
            self.comment_flags.append((mark, flag))
            self._comment_items.append((self.plots[-1], flag))
        self._fit_flags()

    def _fit_flags(self) -> None:
        """Each flag's words end before the next comment (all of them show when zoomed in)."""
        start, end = self.visible_range()
        width = self.plots[0].vb.width() if self.plots else 0.0
        if end <= start or width <= 0:
            return
        per_second = width / (end - start)
        for i, (mark, flag) in enumerate(self.comment_flags):
            following = self.comment_flags[i + 1][0].seconds if i + 1 < len(self.comment_flags) else end
            room = int((following - mark.seconds) * per_second) - FLAG_PADDING
            metrics = QFontMetrics(flag.textItem.font())
            text = metrics.elidedText(mark.label, Qt.TextElideMode.ElideRight, max(0, room))
            flag.setText(text if len(text) > 2 else "✎")  # too close to the next: the pen alone

    # -- view --------------------------------------------------------------------------------
    def visible_range(self) -> tuple[float, float]:
        if not self.plots:
            return 0.0, 0.0
        low, high = self.plots[0].vb.viewRange()[0]
        return float(low), float(high)

    def set_visible_range(self, start: float, end: float) -> None:
        if not self.plots or self.pyramid is None:
            return
        duration = max(self.pyramid.duration, MIN_SPAN)
        span = min(duration, max(MIN_SPAN, end - start))
        start = min(max(0.0, start), duration - span)
        self.plots[0].setXRange(start, start + span, padding=0)

    def show_all(self) -> None:
        if self.pyramid is not None:
            self.set_visible_range(0.0, self.pyramid.duration)

    def zoom(self, factor: float, centre: float | None = None) -> None:
        """factor > 1 zooms in around `centre` (the playhead when on screen, else the middle)."""
        start, end = self.visible_range()
        if centre is None:
            centre = self._playhead if start <= self._playhead <= end else (start + end) / 2
        span = (end - start) / factor
        fraction = (centre - start) / (end - start) if end > start else 0.5
        self.set_visible_range(centre - span * fraction, centre - span * fraction + span)

    def pan(self, fraction: float) -> None:
        start, end = self.visible_range()
        shift = (end - start) * fraction
        self.set_visible_range(start + shift, end + shift)

    def set_playhead(self, seconds: float) -> None:
        self._playhead = seconds
        for head in self.playheads:
            head.setPos(seconds)
        start, end = self.visible_range()
        if self.follow_playhead and self.plots and not start <= seconds <= end:
            span = end - start
            self.set_visible_range(seconds - span * 0.1, seconds + span * 0.9)  # page along

    @property
    def playhead(self) -> float:
        return self._playhead

    # -- drawing -----------------------------------------------------------------------------
    def _schedule_redraw(self) -> None:
        self._redraw_timer.start()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._schedule_redraw()

    def _redraw(self) -> None:
        if self.pyramid is None or not self.plots:
            return
        start, end = self.visible_range()
        pixels = max(1, int(self.plots[0].vb.width()))
        scale = 1.0 / 32768.0
        for lane, curve in enumerate(self.curves):
            times, mins, maxs = self.pyramid.envelope(lane, start, end, pixels)
            if times.size == 0:
                curve.setData([], [])
                continue
            x, y = strokes(times, mins, maxs)
            curve.setData(x, y * scale)
        self._fit_flags()

    @property
    def drawn_points(self) -> int:
        return sum(len(curve.xData) if curve.xData is not None else 0 for curve in self.curves)

    def _pin_label(self, label: pg.TextItem, plot: pg.PlotItem) -> None:
        x0 = plot.vb.viewRange()[0][0]
        label.setPos(x0, 1.05)

    # -- input -------------------------------------------------------------------------------
    def _on_click(self, event: MouseClickEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or not self.plots:
            return
        if event.double():
            self.show_all()  # a double click steps back to the whole call
            return
        mark = self._comment_at(event.scenePos())
        if mark is not None:
            self.seek_requested.emit(float(mark.seconds))  # exactly where the reviewer commented
            event.accept()
            return
        for plot in self.plots:
            if plot.vb.sceneBoundingRect().contains(event.scenePos()):
                seconds = plot.vb.mapSceneToView(event.scenePos()).x()
                duration = self.pyramid.duration if self.pyramid else 0.0
                self.seek_requested.emit(float(min(max(0.0, seconds), duration)))
                event.accept()
                return

    def _comment_at(self, point: QPointF) -> CommentMark | None:
        """The comment whose flag or line (within a few pixels) is at this scene point."""
        for mark, flag in self.comment_flags:
            if flag.sceneBoundingRect().contains(point):
                return mark
        nearest: tuple[float, CommentMark] | None = None
        for mark, line in self.comment_lines:
            view = line.getViewBox()
            if view is None or not view.sceneBoundingRect().contains(point):
                continue
            distance = abs(view.mapViewToScene(QPointF(mark.seconds, 0.0)).x() - point.x())
            if distance <= COMMENT_GRAB and (nearest is None or distance < nearest[0]):
                nearest = (distance, mark)
        return nearest[1] if nearest else None

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key, shift = event.key(), bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(ZOOM_STEP)
        elif key == Qt.Key.Key_Minus:
            self.zoom(1 / ZOOM_STEP)
        elif key == Qt.Key.Key_0:
            self.show_all()
        elif shift and key == Qt.Key.Key_Left:
            self.pan(-0.25)
        elif shift and key == Qt.Key.Key_Right:
            self.pan(0.25)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def scene_point(self, seconds: float, lane: int = 0) -> QPoint:
        """Where `seconds` is in the graphics viewport's coordinates (tests click there)."""
        scene = self.plots[lane].vb.mapViewToScene(QPointF(seconds, 0.0))
        return self.graphics.mapFromScene(scene)
