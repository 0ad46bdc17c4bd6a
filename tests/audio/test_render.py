"""The playback callback's core, called directly on numpy arrays."""

import numpy as np
import pytest

from app.audio.playback import PlaybackState, StretchFeed, channel_gains, render

RATE = 16000


def ramp_recording(frames: int = 10_000, channels: int = 2) -> np.ndarray:
    """Sample value = frame index (and negative on the right), so outputs reveal positions."""
    idx = np.arange(frames, dtype=np.int16)
    return np.stack([idx, -idx], axis=1)[:, :channels].copy()


def playing(samples: np.ndarray) -> tuple[PlaybackState, StretchFeed]:
    state = PlaybackState(samples, RATE)
    state.gains = np.ones(state.channels, dtype=np.float32)  # unity: outputs equal sample values
    state.playing = True
    return state, StretchFeed(state)


def test_plays_consecutive_frames_and_advances_the_counter():
    state, scratch = playing(ramp_recording())
    out = np.empty((512, 2), np.float32)
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
def test_other_speeds_play_the_feeds_stretched_blocks_and_advance_by_speed(speed):
    state, feed = playing(ramp_recording(20_000))
    state.speed = speed
    out = np.empty((200, 2), np.float32)
    render(out, state, feed)
    assert not out.any(), "nothing stretched yet: silence, not a stall"
    while feed.fill_one():
        pass
    render(out, state, feed)
    assert feed.hop >= 200
    np.testing.assert_array_equal(out, feed.data[0, :200])
    before = state.position
    while feed.fill_one():
        pass
    render(out, state, feed)
    assert state.position - before == pytest.approx(200 * speed, abs=1)
    assert state.frame == int(state.position)


def test_a_seek_drops_blocks_made_before_it():
    state, feed = playing(ramp_recording(20_000))
    state.speed = 1.5
    while feed.fill_one():
        pass
    state.request_seek(10_000)
    out = np.empty((100, 2), np.float32)
    render(out, state, feed)
    assert not out.any() and state.position == 10_000  # old blocks skipped, new ones not made yet
    while feed.fill_one():
        pass
    render(out, state, feed)
    assert 10_000 <= state.position <= 10_000 + 100 * 1.5 + 1


def test_stretched_play_ends_at_the_end():
    state, feed = playing(ramp_recording(4_000))
    state.speed = 2.0
    out = np.empty((256, 2), np.float32)
    for _ in range(100):
        while feed.fill_one():
            pass
        render(out, state, feed)
        if not state.playing:
            break
    assert not state.playing and state.at_end


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


@pytest.mark.parametrize("speed", [1.0, 1.5])
def test_render_allocates_no_sample_buffers(speed):
    import tracemalloc

    state = PlaybackState(ramp_recording(1_000_000), RATE)
    state.playing, state.speed = True, speed
    feed = StretchFeed(state)
    out = np.empty((1024, 2), np.float32)
    tracemalloc.start()
    worst = 0
    for _ in range(100):
        while feed.fill_one():  # the worker's part, allocations allowed: not measured
            pass
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        render(out, state, feed)
        worst = max(worst, tracemalloc.get_traced_memory()[1] - base)
    tracemalloc.stop()
    assert out.any()
    # any per-block sample buffer would be >= 8 kB; small Python objects stay far below that
    assert worst < 2048, f"render allocated {worst} bytes"
