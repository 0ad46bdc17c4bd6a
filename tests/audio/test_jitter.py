import numpy as np

from app.audio.jitter import JitterBuffer


def frames(start: int, count: int, channels: int = 2) -> np.ndarray:
    return np.repeat(np.arange(start, start + count, dtype=np.int16)[:, None], channels, axis=1)


def test_waits_for_the_target_then_plays_in_order():
    buf = JitterBuffer(2, 1000, target_seconds=0.06, capacity_seconds=0.5)
    out = np.empty((20, 2), np.int16)
    buf.write(frames(0, 40))
    assert buf.read_into(out) == 0 and not out.any()  # below the 60-frame target: silence
    buf.write(frames(40, 40))
    assert buf.read_into(out) == 20
    np.testing.assert_array_equal(out[:, 0], np.arange(20))
    buf.read_into(out)
    assert out[0, 0] == 20


def test_underrun_fills_silence_and_rebuffers():
    buf = JitterBuffer(1, 1000, target_seconds=0.01)
    buf.write(frames(1, 15, 1))
    out = np.full((20, 1), 99, np.int16)
    assert buf.read_into(out) == 15
    np.testing.assert_array_equal(out[:15, 0], np.arange(1, 16))
    assert not out[15:].any() and buf.underruns == 1
    buf.write(frames(100, 5, 1))
    assert buf.read_into(out) == 0  # re-priming: 5 < target of 10


def test_overflow_drops_the_oldest_and_stays_bounded():
    buf = JitterBuffer(2, 1000, target_seconds=0.01, capacity_seconds=0.1)
    for start in range(0, 300, 30):
        buf.write(frames(start, 30))
    assert buf.buffered == buf.capacity == 100
    assert buf.dropped_frames == 200
    out = np.empty((100, 2), np.int16)
    buf.read_into(out)
    np.testing.assert_array_equal(out[:, 0], np.arange(200, 300))  # the newest survive, in order


def test_a_write_larger_than_the_buffer_keeps_its_tail():
    buf = JitterBuffer(1, 1000, target_seconds=0.01, capacity_seconds=0.05)
    buf.write(frames(0, 500, 1))
    out = np.empty((50, 1), np.int16)
    assert buf.read_into(out) == 50
    np.testing.assert_array_equal(out[:, 0], np.arange(450, 500))


def test_clear_discards_stale_audio_after_a_gap():
    buf = JitterBuffer(1, 1000, target_seconds=0.01)
    buf.write(frames(0, 50, 1))
    buf.clear()
    out = np.empty((10, 1), np.int16)
    assert buf.read_into(out) == 0 and buf.buffered == 0
