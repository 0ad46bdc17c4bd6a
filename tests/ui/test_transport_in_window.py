"""The console window with its audio area against the real sandbox: select an ended call, click a
transcript line to seek, play with Space on the ALSA null device, and the transcript follows."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.domain import Provider, TurnRole
from app.ui.audio_area import AudioArea
from tests.e2e.conftest import sandbox_account
from tests.fixtures.qt import until
from tests.fixtures.sandbox import SANDBOX_KEY


def test_transcript_follows_playback_in_the_window(qtbot, window, sandbox, null_audio_device, run_async):
    async def scenario() -> None:
        await window.open_session(sandbox_account(sandbox), SANDBOX_KEY)
        await until(lambda: window.status.state.loaded, what="the call list")
        area = window.audio_area
        assert isinstance(area, AudioArea)
        session = window.session
        ended = next(c for c in session.registry.calls()
                     if c.status == "ended" and c.recordings.stereo and sum(t.start is not None for t in c.turns) >= 4)
        assert window.call_list.select_call(ended.id)
        await until(lambda: area.engine is not None, what="the recording in the audio area")
        assert len(area.waveform.plots) == 2

        transcript = window.transcript
        index = next(i for i, t in enumerate(ended.turns) if t.role == TurnRole.CUSTOMER and t.start)
        rect = transcript.list.visualRect(transcript.model.index(index))
        qtbot.mouseClick(transcript.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert area.engine.is_playing  # a clicked turn plays from there
        _, frame = area.engine.state.seek_request
        assert frame / area.engine.audio.sample_rate == pytest.approx(ended.turns[index].start, abs=0.01)
        area.toggle_play()
        # ALSA's null device plays faster than real time, so how far it got by now depends on the load
        assert area.position() >= ended.turns[index].start - 0.1

        window.activateWindow()
        window.call_list.table.setFocus()
        qtbot.keyClick(window.call_list.table, Qt.Key.Key_Space)  # the player's shortcut, window-wide
        await until(lambda: area.engine.at_end, what="playback to the end")
        await until(lambda: not area.position_timer.isActive(), what="the player to settle")
        last = max((i for i, t in enumerate(ended.turns) if t.start is not None), key=lambda i: ended.turns[i].start)
        assert transcript.model.playing == last

    run_async(scenario())


def test_a_live_call_in_the_window_offers_listening(window, sandbox, run_async):
    async def scenario() -> None:
        await window.open_session(sandbox_account(sandbox), SANDBOX_KEY)
        call_id = sandbox.start_call(Provider.VAPI, "booking")
        await until(lambda: call_id in window.call_list.visible_call_ids(), what="the new call")
        assert window.call_list.select_call(call_id)
        area = window.audio_area
        assert area.pages.currentWidget() is area.listen_panel and area.listen_panel.listen_button.isEnabled()
        area.listen_panel.listen_button.click()
        listener = await until(lambda: area.listen_panel.listener, what="a listener")
        await until(lambda: listener.envelope is not None and listener.envelope.seconds > 0.5, what="live audio")
        await window.close_session()
        await until(lambda: area.headset.listeners == {}, what="listening to stop with the account")

    run_async(scenario())
