import time

import numpy as np
import pytest

from app.audio.decode import DecodedAudio, decode_file
from app.audio.device import probe_output
from app.audio.playback import AudioUnavailable, PlaybackEngine
from tests.fixtures.audio import rescan_devices, speech_like, write_recording


def test_without_portaudio_playback_is_off_with_a_plain_reason(no_portaudio):
    output = probe_output()
    assert not output.available
    assert "PortAudio" in output.reason and "libportaudio2" in output.reason
    with pytest.raises(AudioUnavailable, match="PortAudio"):
        PlaybackEngine(DecodedAudio(np.zeros((100, 2), np.int16), 16000))


def test_without_an_output_device_playback_is_off_with_a_plain_reason():
    output = rescan_devices()  # this test's config folder has no ALSA config: no devices
    assert not output.available
    assert output.reason == "Playback is off: no sound output device was found."


def test_a_recording_plays_to_the_end_on_a_real_stream(null_audio_device, tmp_path):
    audio = decode_file(write_recording(tmp_path / "call.wav", speech_like(1.5)))
    engine = PlaybackEngine(audio)
    try:
        engine.set_speed(2.0)
        engine.seek(0.5)
        assert engine.position() == pytest.approx(0.5)
        engine.play()
        deadline = time.monotonic() + 10
        while not engine.at_end and time.monotonic() < deadline:
            time.sleep(0.01)
        assert engine.at_end and not engine.is_playing
        assert engine.state.frame == audio.frames
        assert engine.position() == pytest.approx(audio.duration)
        engine.play()  # from the end, play starts over on the same stream
        deadline = time.monotonic() + 10
        while not engine.at_end and time.monotonic() < deadline:
            time.sleep(0.01)
        assert engine.at_end
    finally:
        engine.close()


def test_pause_keeps_the_heard_position_and_resume_continues(null_audio_device):
    audio = DecodedAudio(np.zeros((16000 * 600, 1), np.int16), 16000)
    engine = PlaybackEngine(audio)
    try:
        engine.play()
        deadline = time.monotonic() + 5
        while engine.state.frame < 16000 and time.monotonic() < deadline:
            time.sleep(0.005)
        engine.pause()
        paused_at = engine.position()
        assert not engine.is_playing and paused_at > 0
        time.sleep(0.05)
        assert engine.position() == pytest.approx(paused_at, abs=1e-3)
        engine.play()
        deadline = time.monotonic() + 5
        while engine.position() <= paused_at + 0.5 and time.monotonic() < deadline:
            time.sleep(0.005)
        assert engine.position() > paused_at + 0.5
    finally:
        engine.close()
