"""The playback callback's core, called directly on numpy arrays."""

import numpy as np
import pytest

from app.audio.playback import PlaybackState, RenderScratch, channel_gains, render

RATE = 16000


def ramp_recording(frames: int = 10_000, channels: int = 2) -> np.ndarray:
    """Sample value = frame index (and negative on the right), so outputs reveal positions."""
    idx = np.arange(frames, dtype=np.int16)
    return np.stack([idx, -idx], axis=1)[:, :channels].copy()


def playing(samples: np.ndarray) -> tuple[PlaybackState, RenderScratch]:
    state = PlaybackState(samples, RATE)
    state.gains = np.ones(state.channels, dtype=np.float32)  # unity: outputs equal sample values
    state.playing = True
    return state, RenderScratch(state.channels, samples.dtype, capacity=256)


def test_plays_consecutive_frames_and_advances_the_counter():
    state, scratch = playing(ramp_recording())
    out = np.empty((512, 2), np.float32)  # bigger than the scratch: rendered in pieces
    render(out, state, scratch)
    np.testing.assert_array_equal(out[:, 0], np.arange(512))
    np.testing.assert_array_equal(out[:, 1], -np.arange(512))
    render(out, state, scratch)
    assert out[0, 0] == 512 and state.frame == 1024


def test_seek_lands_on_the_requested_frame():
    state, scratch = playing(ramp_recording())
    state.request_seek(7000)
    out = np.empty((100, 2), np.float32)
    render(out, state, scratch)
    assert out[0, 0] == 7000 and state.frame == 7100
    state.request_seek(123)
    state.request_seek(456)  # only the latest request counts
    render(out, state, scratch)
    assert out[0, 0] == 456


def test_past_the_end_is_silence_and_playback_stops():
    state, scratch = playing(ramp_recording(1000))
    state.request_seek(950)
    out = np.full((100, 2), 9.0, np.float32)
    render(out, state, scratch)
    np.testing.assert_array_equal(out[:50, 0], np.arange(950, 1000))
    assert not out[50:].any()
    assert state.at_end and not state.playing and state.frame == 1000
    render(out, state, scratch)
    assert not out.any()


def test_paused_is_silence_without_moving():
    state, scratch = playing(ramp_recording())
    state.playing = False
    out = np.ones((64, 2), np.float32)
    render(out, state, scratch)
    assert not out.any() and state.frame == 0


@pytest.mark.parametrize("speed", [0.5, 0.75, 1.5, 2.0])
def test_speed_steps_through_the_source(speed):
    state, scratch = playing(ramp_recording())
    state.speed = speed
    out = np.empty((200, 2), np.float32)
    render(out, state, scratch)
    np.testing.assert_array_equal(out[:, 0], np.floor(np.arange(200) * speed))
    assert state.frame == int(200 * speed)
    render(out, state, scratch)
    assert out[0, 0] == int(200 * speed)


def test_channel_gains_mute_solo_and_volume():
    np.testing.assert_allclose(channel_gains(1.0, [False, False], [False, False]) * 32768, [1, 1])
    np.testing.assert_allclose(channel_gains(0.5, [True, False], [False, False]) * 32768, [0, 0.5])
    np.testing.assert_allclose(channel_gains(1.0, [False, False], [False, True]) * 32768, [0, 1])
    np.testing.assert_allclose(channel_gains(1.0, [False, True], [False, True]) * 32768, [0, 0])


def test_muted_channel_is_silent_in_the_output():
    state, scratch = playing(ramp_recording())
    state.gains = channel_gains(1.0, [True, False], [False, False])
    out = np.empty((100, 2), np.float32)
    state.request_seek(5000)
    render(out, state, scratch)
    assert not out[:, 0].any()
    np.testing.assert_allclose(out[:, 1], -np.arange(5000, 5100) / 32768, rtol=1e-6)


def test_render_allocates_no_sample_buffers():
    import tracemalloc

    state = PlaybackState(ramp_recording(1_000_000), RATE)
    state.playing, state.speed = True, 1.5
    scratch = RenderScratch(2, np.dtype(np.int16), capacity=4096)
    out = np.empty((4096, 2), np.float32)
    render(out, state, scratch)
    tracemalloc.start()
    for _ in range(100):
        render(out, state, scratch)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # any per-block sample buffer would be >= 16 kB; small Python objects stay far below that
    assert peak < 4096, f"render allocated {peak} bytes"
