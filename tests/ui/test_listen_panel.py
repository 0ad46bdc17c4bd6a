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
