"""Time-stretch keeps the pitch, scales the length, and cannot click where blocks meet."""

import numpy as np
import pytest

from app.audio.playback import PlaybackState, StretchFeed, render
from app.audio.stretch import Wsola

RATE = 16000


def stretch(samples: np.ndarray, sample_rate: int, speed: float) -> np.ndarray:
    """A whole recording stretched at `speed` (float32), hop by hop as playback does it."""
    wsola = Wsola(samples, sample_rate, speed)
    hops = []
    while not wsola.done:
        hops.append(wsola.next_hop())
    out = np.concatenate(hops) if hops else np.zeros((0, wsola.channels), np.float32)
    return out[: round(wsola.frames / speed)]


def tone(freq: float, seconds: float = 3.0, rate: int = RATE, channels: int = 2) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    return (np.sin(2 * np.pi * freq * t) * 12000).astype(np.int16)[:, None].repeat(channels, axis=1)


def measured_pitch(signal: np.ndarray, rate: int) -> float:
    """The strongest frequency of the middle half, to a fraction of a bin (parabolic peak)."""
    middle = signal[len(signal) // 4 : 3 * len(signal) // 4].astype(np.float64)
    pad = 8 * len(middle)
    spectrum = np.abs(np.fft.rfft(middle * np.hanning(len(middle)), pad))
    k = int(np.argmax(spectrum))
    a, b, c = np.log(spectrum[k - 1 : k + 2])
    return (k + 0.5 * (a - c) / (a - 2 * b + c)) * rate / pad


@pytest.mark.parametrize("speed", [0.5, 1.5, 2.0])
@pytest.mark.parametrize(("freq", "rate"), [(220.0, 16000), (440.0, 16000), (1000.0, 44100)])
def test_pitch_stays_and_length_scales(speed, freq, rate):
    source = tone(freq, rate=rate)
    out = stretch(source, rate, speed)
    assert len(out) == pytest.approx(len(source) / speed, rel=0.01)
    assert measured_pitch(out[:, 0], rate) == pytest.approx(freq, rel=0.01)
    assert measured_pitch(out[:, 1], rate) == pytest.approx(freq, rel=0.01)


@pytest.mark.parametrize("speed", [0.5, 1.5, 2.0])
def test_no_clicks_anywhere_in_the_stretched_tone(speed):
    out = stretch(tone(440.0), RATE, speed)[:, 0]
    steepest_of_the_tone = 2 * np.pi * 440.0 / RATE * 12000
    assert np.abs(np.diff(out[200:-200])).max() <= 1.05 * steepest_of_the_tone


def playing_through_the_feed(source: np.ndarray, speed: float, block: int) -> np.ndarray:
    state = PlaybackState(source, RATE)
    state.gains = np.ones(state.channels, np.float32)
    state.playing, state.speed = True, speed
    feed = StretchFeed(state)
    out, pieces = np.empty((block, state.channels), np.float32), []
    while state.playing:
        while feed.fill_one():
            pass
        render(out, state, feed)
        pieces.append(out.copy())
    return np.concatenate(pieces)


@pytest.mark.parametrize("block", [64, 441, 1024])
def test_callback_blocks_of_any_size_play_the_same_continuous_stream(block):
    source = tone(330.0, seconds=1.0)
    whole = stretch(source, RATE, 1.5)
    played = playing_through_the_feed(source, 1.5, block)
    n = len(whole) - 1
    np.testing.assert_allclose(played[:n], whole[:n], atol=1e-3)


def test_a_seek_restarts_the_stretch_at_the_target():
    source = tone(440.0, seconds=2.0)
    wsola = Wsola(source, RATE, 1.5)
    for _ in range(10):
        wsola.next_hop()
    wsola.reset(16000)
    assert wsola.source_position() == 16000
    first = wsola.next_hop()
    assert np.abs(first[: wsola.hop // 8]).max() < np.abs(first[-wsola.hop // 8 :]).max(), "fades in after a seek"
