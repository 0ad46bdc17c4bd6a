"""Playback in the window against the real sandbox: a new call's slider starts at 0, a clicked turn plays
from there, and Space at the end replays."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.domain import TurnRole
from tests.e2e.conftest import sandbox_account
from tests.fixtures.qt import until
from tests.fixtures.sandbox import SANDBOX_KEY


def test_slider_resets_a_clicked_turn_plays_and_space_at_the_end_replays(qtbot, window, sandbox, null_audio_device,
                                                                          run_async):
    async def scenario() -> None:
        await window.open_session(sandbox_account(sandbox), SANDBOX_KEY)
        await until(lambda: window.status.state.loaded, what="the call list")
        area = window.audio_area
        first, second = [c for c in window.session.registry.calls()
                         if c.status == "ended" and c.recordings.stereo and sum(t.start is not None for t in c.turns) >= 4][:2]
        assert window.call_list.select_call(first.id)
        await until(lambda: area.engine is not None, what="the first recording")
        area.seek(area.recording.audio.duration * 0.8)
        await until(lambda: area.transport.slider.value() > 0, what="the slider to move")
        assert window.call_list.select_call(second.id)
        await until(lambda: area.engine is not None and area.call.id == second.id, what="the second recording")
        assert area.transport.slider.value() == 0

        transcript = window.transcript
        index = next(i for i, t in enumerate(second.turns) if t.role == TurnRole.CUSTOMER and t.start)
        rect = transcript.list.visualRect(transcript.model.index(index))
        qtbot.mouseClick(transcript.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert area.engine.is_playing, "a clicked turn plays from there"
        area.seek(area.recording.audio.duration - 0.05)
        await until(lambda: area.engine.at_end, what="the end")
        await until(lambda: not area.position_timer.isActive(), what="the player to settle")
        window.activateWindow()
        window.call_list.table.setFocus()
        qtbot.keyClick(window.call_list.table, Qt.Key.Key_Space)
        await until(lambda: area.engine.is_playing and not area.engine.at_end, what="a replay from the start")

    run_async(scenario())
