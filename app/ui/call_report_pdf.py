"""The call report: one PDF per reviewed call, for the team that builds the assistant — header,
the recording's waveform with the turns and numbered comment flags, the scores with the reviewer's
comments, the transcript (redacted unless asked otherwise), the reviewer and the time.

Drawn with Qt's own QPdfWriter and QPainter; every platform string is drawn as plain text. Called on a
worker thread: the writer is made, painted and dropped there (QPainter on a QPdfWriter, like on a
QImage, needs no GUI thread), from the recording's existing peak pyramid.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QPen,
)

from app.audio.peaks import PeakPyramid
from app.domain import Call, TurnRole
from app.domain.clock import clock
from app.qa.redacted_call import redacted_call
from app.qa.redaction import redact
from app.store.reviews import Review, anchor_label
from app.ui.formats import call_label, duration, percent
from app.ui.review_marks import waveform_marks
from app.ui.review_panel import mark_text
from app.ui.transcript_model import turn_as_text

DPI = 144
TURN_COLOURS = {TurnRole.ASSISTANT: QColor("#3b6fd4"), TurnRole.CUSTOMER: QColor("#2f9e62")}
FLAG = QColor("#d2452f")
INK, MUTED, FAINT = QColor("#1d2330"), QColor("#5c6475"), QColor("#e8ebf1")


class _Pages:
    """A cursor down A4 pages: text blocks that wrap, and a new page when one would not fit."""

    def __init__(self, writer: QPdfWriter):
        self.writer = writer
        self.painter = QPainter(writer)
        rect = writer.pageLayout().paintRectPixels(DPI)
        self.width, self.height = float(rect.width()), float(rect.height())
        self.y = 0.0
        self.pages = 1

    def font(self, size: float, bold: bool = False) -> QFont:
        font = QFont("DejaVu Sans")
        font.setPointSizeF(size)
        font.setBold(bold)
        return font

    def ensure(self, height: float) -> None:
        if self.y + height > self.height and self.y > 0:
            self.writer.newPage()
            self.pages += 1
            self.y = 0.0

    def text(self, text: str, size: float = 9.5, *, bold: bool = False, colour: QColor = INK, indent: float = 0,
             gap: float = 4) -> None:
        self.painter.setFont(self.font(size, bold))
        self.painter.setPen(colour)
        flags = int(Qt.TextFlag.TextWordWrap)
        bounds = self.painter.boundingRect(QRectF(indent, 0, self.width - indent, 10_000), flags, text)
        self.ensure(bounds.height())
        self.painter.drawText(QRectF(indent, self.y, self.width - indent, bounds.height()), flags, text)
        self.y += bounds.height() + gap

    def rule(self) -> None:
        self.ensure(12)
        self.painter.setPen(QPen(FAINT, 2))
        self.painter.drawLine(QPointF(0, self.y + 4), QPointF(self.width, self.y + 4))
        self.y += 12


def write_call_report(path: Path, call: Call, review: Review, *, peaks: PeakPyramid | None = None,
                      redacted: bool = True, now: datetime | None = None) -> int:
    """Write the PDF; returns its page count."""
    shown = redacted_call(call) if redacted else call
    writer = QPdfWriter(str(path))
    writer.setResolution(DPI)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter))
    writer.setTitle(f"Call report {call.id}")
    writer.setCreator("Switchboard")
    pages = _Pages(writer)
    if not pages.painter.isActive():  # QPdfWriter says nothing when the file cannot be created
        raise OSError(f"{path} could not be created")
    try:
        _header(pages, shown, review, now or datetime.now(UTC), redacted)
        _waveform(pages, shown, review, peaks)
        _scores(pages, review, redacted)
        _transcript(pages, shown)
    finally:
        pages.painter.end()
    return pages.pages


def _header(pages: _Pages, call: Call, review: Review, now: datetime, redacted: bool) -> None:
    who = call_label(call, screen=False)  # the report's own redaction applies, not the screen's
    pages.text(f"Call report — {who}", 16, bold=True, gap=6)
    started = call.started_at or call.created_at
    facts = [call.provider.display_name, call.assistant_label or "", started.astimezone().strftime("%Y-%m-%d %H:%M")
             if started else "", duration(call.duration_seconds), call.ended_reason or call.status]
    pages.text(" · ".join(f for f in facts if f), 10, colour=MUTED)
    pages.text(f"Call {call.id}", 8.5, colour=MUTED)
    overall = review.overall
    score = "critical fail (0 %)" if overall.critical_failed else (
        percent(overall.percent))
    when = review.submitted_at or review.updated_at
    pages.text(f"Reviewed by {review.reviewer} · {review.status}"
               f"{' ' + when.astimezone().strftime('%Y-%m-%d %H:%M') if when else ''} · overall {score}", 11,
               bold=True, gap=2)
    pages.text(f"Report made {now.astimezone().strftime('%Y-%m-%d %H:%M')}"
               + (" · phone numbers, e-mails and card numbers redacted" if redacted else " · not redacted"),
               8.5, colour=MUTED)
    pages.rule()


def _waveform(pages: _Pages, call: Call, review: Review, pyramid: PeakPyramid | None) -> None:
    ends = [t.end or t.start or 0.0 for t in call.turns if t.start is not None]
    duration = (pyramid.duration if pyramid is not None else 0.0) or call.duration_seconds or max(ends, default=0.0)
    height, band = 150.0, 16.0
    pages.ensure(height + band + 40)
    painter, top, width = pages.painter, pages.y, pages.width
    painter.fillRect(QRectF(0, top, width, height), QColor("#f5f6f9"))
    middle = top + height / 2
    if pyramid is not None and pyramid.frames:
        dtype = pyramid.levels[0].mins.dtype
        scale = float(np.iinfo(dtype).max) if np.issubdtype(dtype, np.integer) else 1.0
        for channel in range(pyramid.channels):
            times, mins, maxs = pyramid.envelope(channel, 0.0, duration, int(width))
            path = QPainterPath()
            for t, low, high in zip(times, mins, maxs, strict=True):
                x = float(t) / duration * width
                path.moveTo(x, middle - float(high) / scale * height / 2)
                path.lineTo(x, middle - float(low) / scale * height / 2)
            painter.setPen(QPen(QColor(TURN_COLOURS[TurnRole.CUSTOMER if channel else TurnRole.ASSISTANT])
                                .darker(110), 1))
            painter.drawPath(path)
    else:
        painter.setPen(MUTED)
        painter.setFont(pages.font(9))
        painter.drawText(QRectF(0, top, width, height), int(Qt.AlignmentFlag.AlignCenter),
                         "No recording at hand: turns and comments only")
    if duration > 0:
        for turn in call.turns:
            colour = TURN_COLOURS.get(turn.role)
            if colour is None or turn.start is None:
                continue
            x0 = min(width, turn.start / duration * width)  # turns past the recording's end stop at it
            x1 = min(width, (turn.end or turn.start + 0.5) / duration * width)
            painter.fillRect(QRectF(x0, top + height + 2, max(2.0, x1 - x0), band - 4), colour)
        for number, mark in enumerate(waveform_marks(review.comments, call.turns), start=1):
            x = min(width - 22, mark.seconds / duration * width)
            painter.setPen(QPen(FLAG, 2))
            painter.drawLine(QPointF(x, top), QPointF(x, top + height + band))
            painter.fillRect(QRectF(x, top, 22, 16), FLAG)
            painter.setPen(QColor("white"))
            painter.setFont(pages.font(7.5, True))
            painter.drawText(QRectF(x, top, 22, 16), int(Qt.AlignmentFlag.AlignCenter), str(number))
    painter.setPen(MUTED)
    painter.setFont(pages.font(8))
    legend = f"0:00 — {clock(duration)}   ■ assistant  ■ customer   ⚑ comments (numbered as below)"
    painter.drawText(QRectF(0, top + height + band, width, 22), int(Qt.AlignmentFlag.AlignLeft), legend)
    pages.y = top + height + band + 30


def _scores(pages: _Pages, review: Review, redacted: bool) -> None:
    pages.text("Scores", 12, bold=True)
    for criterion in review.template.criteria:
        mark = review.marks.get(criterion.id)
        flags = (" · critical" if criterion.critical else "") + (
            " · confirmed suggestion" if criterion.id in review.confirmed else "")
        pages.text(f"{criterion.title}   {mark_text(mark, criterion.max_score)}   (weight {criterion.weight:g}"
                   f"{flags})", 10, indent=8, gap=2)
    overall = review.overall
    if overall.critical_failed:
        pages.text(f"Critical fail: {', '.join(overall.failed_criteria)}", 10, bold=True, colour=FLAG, indent=8)
    pages.y += 6
    if review.comments:
        pages.text("Comments", 12, bold=True)
        for number, comment in enumerate(review.comments, start=1):
            text = redact(comment.text) if redacted else comment.text
            pages.text(f"{number}. [{anchor_label(comment.at_seconds, comment.turn_index)}] {text}", 10, indent=8,
                       gap=3)
    pages.rule()


def _transcript(pages: _Pages, call: Call) -> None:
    pages.text("Transcript", 12, bold=True)
    for turn in call.turns:
        if turn.role is TurnRole.SYSTEM:
            continue
        pages.text(turn_as_text(turn), 9.5, indent=8, gap=3,
                   colour=TURN_COLOURS.get(turn.role, MUTED).darker(130))
