"""The live view's reconnect gaps: one dashed line per gap, made once, scrolling with the window."""

from __future__ import annotations

import numpy as np

from app.audio.live_envelope import WINDOW_SECONDS, LiveEnvelope
from app.domain import Call, Provider
from app.live.listen import CallListener
from app.providers.base import MediaSource
from app.ui.listen_panel import ListenPanel
from tests.ui.shown import shown


def hear(envelope: LiveEnvelope, seconds: float) -> None:
    envelope.add(np.full((int(seconds * envelope.sample_rate), envelope.channels), 1000, dtype=np.int16))


def test_a_gap_line_is_made_once_moves_with_the_window_and_goes_when_scrolled_out(qtbot):
    panel = shown(qtbot, ListenPanel(), 900, 200)
    listener = CallListener(Call(id="c", provider=Provider.VAPI, status="in-progress"), MediaSource("ws://127.0.0.1:9"))
    listener.envelope = envelope = LiveEnvelope(2, 16000)
    hear(envelope, 2.0)
    envelope.add_gap(0.5)
    hear(envelope, 1.0)
    panel.show_listener(listener)
    try:
        [line] = panel.gap_lines.values()
        assert line.value() == -1.5  # the gap began before its 0.5 s of blank and 1 s of sound
        x_range = panel.plot.viewRange()[0]
        hear(envelope, 3.0)
        panel.refresh()
        assert list(panel.gap_lines.values()) == [line] and line.value() == -4.5
        assert line in panel.plot.items()
        hear(envelope, WINDOW_SECONDS)
        panel.refresh()
        assert panel.gap_lines == {} and line not in panel.plot.items()
        assert panel.plot.viewRange()[0] == x_range == [-WINDOW_SECONDS, 0]
    finally:
        panel.show_listener(None)


def test_a_mono_call_has_one_lane_and_one_meter_and_says_how_it_was_decided(qtbot):
    from app.live.listen import ListenState

    panel = shown(qtbot, ListenPanel(), 900, 200)
    listener = CallListener(Call(id="c", provider=Provider.VAPI, status="in-progress"), MediaSource("ws://127.0.0.1:9"))
    listener.envelope = envelope = LiveEnvelope(1, 16000)
    listener.session.state = ListenState.LISTENING
    listener.session.format_reason = "no start frame: 32.1 kB/s over 1.0 s, nearer 32 kB/s: mono 16 kHz s16le"
    listener.session.frames_skipped = 3
    hear(envelope, 1.0)
    panel.show_listener(listener)
    try:
        assert len(panel.meters) == 1 and len(panel.curves) == 1
        from PySide6.QtWidgets import QProgressBar

        old = [m for m in panel.findChildren(QProgressBar) if m not in panel.meters]
        assert old and not any(m.isVisible() for m in old)  # the stereo pair is out of sight at once
        assert "16 kHz mono (measured)" in panel.status.text()
        assert "3 unreadable messages skipped" in panel.status.text()
    finally:
        panel.show_listener(None)
