"""AudioArea against the real sandbox: a recording is fetched, drawn, played on the ALSA null
device, and the transcript follows; without sound the waveform still draws and the bar says why."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QLabel

from app.audio import playback
from app.domain import Call, Provider, TurnRole
from app.live.listen import ListenState
from app.providers import make_client
from app.ui.audio_area import AudioArea
from app.ui.listen_panel import ListenPanel
from app.ui.recording_labels import CommentMark
from app.ui.transcript import TranscriptView
from app.ui.waveform import WaveformView
from tests.fixtures.qt import until
from tests.fixtures.sandbox import SANDBOX_KEY
from tests.ui.shown import shown


async def ended_call_with_turns(client) -> Call:
    async for page in client.list_calls():
        for call in page:
            if call.status == "ended" and call.recordings.stereo:
                full = await client.get_call(call.id)
                if sum(t.start is not None for t in full.turns) >= 3:
                    return full
    raise AssertionError("the sandbox has no ended call with a timed transcript")


@pytest.fixture
def area_and_client(qtbot, qloop, sandbox, run_async):
    client = make_client(Provider.VAPI, sandbox.base_url(Provider.VAPI), SANDBOX_KEY)
    area = AudioArea()
    # Release the device and sockets while the loop still runs, before pytest-qt closes the widget.
    qtbot.addWidget(area, before_close_func=lambda w: run_async(w.close_audio()))
    area.resize(1000, 260)
    with qtbot.waitExposed(area):
        area.show()
    yield area, client
    run_async(client.aclose())


def test_recording_plays_to_the_end_and_the_transcript_follows(qtbot, area_and_client, null_audio_device, run_async):
    area, client = area_and_client
    transcript = shown(qtbot, TranscriptView(), 500, 400)
    area.attach_transcript(transcript)

    async def scenario() -> None:
        call = await ended_call_with_turns(client)
        transcript.show_call(call)
        area.show_call(call, client)
        await until(lambda: area.engine is not None, what="the recording to load")
        assert len(area.waveform.plots) == 2 and area.transport.reason == ""
        heard = [(i, t) for i, t in enumerate(call.turns) if t.start is not None and t.role in (TurnRole.CUSTOMER, TurnRole.ASSISTANT)]
        assert len(area.waveform.turn_regions) == len(heard)

        index, turn = heard[1]
        transcript.turn_activated.emit(index, turn.start)  # a reviewer clicks a line of the transcript
        assert area.engine.is_playing  # it plays from there
        _, frame = area.engine.state.seek_request
        assert frame / area.engine.audio.sample_rate == pytest.approx(turn.start, abs=0.01)
        area.toggle_play()
        assert area.position() >= turn.start - 0.1  # ALSA's null device plays faster than real time: no upper bound
        assert abs(transcript.model.playing - index) <= 1  # the turn, or its neighbour at the edge

        area.transport.turn_step_requested.emit(1)  # N: on to the next turn
        next_index, next_turn = next((i, t) for i, t in enumerate(call.turns) if t.start is not None and t.start > turn.start)
        assert area.position() == pytest.approx(next_turn.start, abs=0.001)
        assert transcript.model.playing == next_index

        area.toggle_play()
        await until(lambda: area.engine.at_end, what="playback to reach the end")
        await until(lambda: not area.position_timer.isActive(), what="the position timer to stop")
        last = max((i for i, t in enumerate(call.turns) if t.start is not None), key=lambda i: call.turns[i].start)
        assert transcript.model.playing == last
        assert area.transport.slider.value() == area.transport.slider.maximum()
        assert not area.transport.play_button.property("playing")

    run_async(scenario())


@pytest.mark.parametrize(
    ("missing", "reason"),
    [("device", "Playback is off: no sound output device was found."),
     ("portaudio", "Playback is off: the PortAudio sound library is not installed")],
)
def test_without_sound_the_waveform_draws_and_playback_explains(area_and_client, run_async, request, missing, reason):
    area, client = area_and_client
    if missing == "portaudio":
        request.getfixturevalue("no_portaudio")  # `import sounddevice` raises OSError from here on

    async def scenario() -> None:
        area.show_call(await ended_call_with_turns(client), client)
        await until(lambda: area.recording is not None, what="the recording to load")
        assert area.engine is None and area.waveform.drawn_points > 0
        assert area.transport.reason.startswith(reason)
        assert not area.transport.play_button.isEnabled() and not area.transport.slider.isEnabled()
        assert area.transport.reason_label.isVisible()
        area.seek(12.0)  # without sound the place still moves: playhead and slider
        assert area.waveform.playhead == 12.0 and area.transport.slider.value() == 120

    run_async(scenario())


def test_a_seek_asked_while_loading_applies_once_the_recording_is_shown(area_and_client, null_audio_device, run_async):
    area, client = area_and_client

    async def scenario() -> None:
        area.show_call(await ended_call_with_turns(client), client)
        area.seek(7.5)  # e.g. a search hit opened the call at a moment
        await until(lambda: area.engine is not None, what="the recording")
        assert area.position() == pytest.approx(7.5, abs=0.001) and area.waveform.playhead == pytest.approx(7.5)

    run_async(scenario())


def test_selecting_another_call_cancels_the_load_and_none_clears(area_and_client, run_async):
    area, client = area_and_client

    async def scenario() -> None:
        call = await ended_call_with_turns(client)
        area.show_call(call, client)
        first = area._load_task
        area.show_call(None, None)
        await until(lambda: first.done(), what="the first load to stop")
        assert first.cancelled() and area.recording is None
        assert area.waveform.state_text == "Select a call to see its recording."

    run_async(scenario())


def test_a_live_call_is_listened_to_from_the_area(area_and_client, sandbox, run_async):
    area, client = area_and_client

    async def scenario() -> None:
        call_id = sandbox.start_call(Provider.VAPI, "booking")
        call = await client.get_call(call_id)
        area.show_call(call, client)
        assert area.pages.currentWidget() is area.listen_panel and area.listen_panel.listen_button.isEnabled()
        area.listen_panel.listen_button.click()
        listener = await until(lambda: area.listen_panel.listener, what="a listener")
        await until(lambda: listener.envelope is not None and listener.envelope.seconds > 1.0, what="live audio")
        assert listener.state == ListenState.LISTENING and area.listen_panel.listen_button.text() == "Stop listening"
        # No device in this test: said plainly once the device's opening (off the loop) has failed.
        await until(lambda: "without sound" in area.listen_panel.status.text(), what="the no-sound note")
        other = await client.get_call(sandbox.start_call(Provider.VAPI, "booking"))
        area.show_call(other, client)  # browsing another live call keeps the first one in the ear
        assert listener.state == ListenState.LISTENING and not area.listen_panel.listen_button.isChecked()
        assert area.listen_panel.status.text().startswith("Still hearing another call")
        area.show_call(call, client)
        assert area.listen_panel.listener is listener and area.listen_panel.listen_button.isChecked()
        area.listen_panel.listen_button.click()
        await until(lambda: listener.state == ListenState.STOPPED, what="listening to stop")
        assert area.headset.listeners == {}

    run_async(scenario())


def test_the_waveform_is_built_with_the_first_recording_and_shows_earlier_comments(area_and_client, run_async):
    area, client = area_and_client
    [empty] = [label for label in area.findChildren(QLabel) if label.isVisible() and label.text()]
    assert empty.text() == "Select a call to see its recording."
    assert area.findChildren(WaveformView) == [] and area.findChildren(ListenPanel) == []
    area.set_comment_marks([CommentMark(2.0, "Greeting too long")])  # the review arrives before any recording

    async def scenario() -> None:
        area.show_call(await ended_call_with_turns(client), client)
        [view] = area.findChildren(WaveformView)
        assert view.state_text == "Looking for the recording…" and not empty.isVisible()
        await until(lambda: area.recording is not None, what="the recording to load")
        assert view.isVisible()
        assert [mark.text for mark in view.comment_marks] == ["Greeting too long"]
        assert len(view.comment_lines) == len(view.plots) == 2
        assert area.findChildren(ListenPanel) == []  # no live call yet: no live view

    run_async(scenario())


def test_the_output_device_opens_off_the_qt_thread(area_and_client, null_audio_device, run_async, monkeypatch):
    opened_on: list[threading.Thread] = []
    real_open = playback.open_output_stream

    def noting_open(*args, **kwargs):  # type: ignore[no-untyped-def]
        opened_on.append(threading.current_thread())
        return real_open(*args, **kwargs)

    monkeypatch.setattr(playback, "open_output_stream", noting_open)
    area, client = area_and_client

    async def scenario() -> None:
        area.show_call(await ended_call_with_turns(client), client)
        await until(lambda: area.engine is not None, what="the recording and its player")

    run_async(scenario())
    assert opened_on and threading.main_thread() not in opened_on
