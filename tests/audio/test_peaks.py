import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from app.audio.peaks import PeakPyramid, strokes


def brute_force(samples: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    starts = range(0, samples.shape[0], size)
    return (np.array([samples[i : i + size].min(axis=0) for i in starts]),
            np.array([samples[i : i + size].max(axis=0) for i in starts]))


@settings(max_examples=60, deadline=None)
@given(
    samples=st.integers(1, 2).flatmap(
        lambda ch: arrays(np.int16, st.tuples(st.integers(1, 3000), st.just(ch)))
    ),
    base=st.sampled_from([2, 3, 16]),
    factor=st.sampled_from([2, 4]),
)
def test_every_level_matches_brute_force_min_max(samples, base, factor):
    pyramid = PeakPyramid.from_samples(samples, 16000, base=base, factor=factor, min_buckets=4)
    assert pyramid.levels[0].samples_per_bucket == 1
    for level in pyramid.levels[1:]:
        mins, maxs = brute_force(samples, level.samples_per_bucket)
        np.testing.assert_array_equal(level.mins, mins)
        np.testing.assert_array_equal(level.maxs, maxs)
    assert pyramid.levels[-1].buckets <= 4 or len(pyramid.levels) == 1


def test_large_input_uses_the_parallel_path_and_stays_exact():
    samples = np.random.default_rng(3).integers(-32768, 32767, (3_000_001, 2), dtype=np.int16)
    pyramid = PeakPyramid.from_samples(samples, 16000)
    level = pyramid.levels[2]
    mins, maxs = brute_force(samples[: 64 * 1000], level.samples_per_bucket)
    np.testing.assert_array_equal(level.mins[:1000], mins)
    np.testing.assert_array_equal(level.maxs[:1000], maxs)
    tail = samples[(level.buckets - 1) * 64 :]
    np.testing.assert_array_equal(level.mins[-1], tail.min(axis=0))
    assert pyramid.levels[-1].buckets <= 512


def test_level_for_zoom_keeps_at_most_a_few_buckets_per_pixel():
    pyramid = PeakPyramid.from_samples(np.zeros((16000 * 600, 1), np.int16), 16000)
    assert pyramid.level_for(0.5).samples_per_bucket == 1
    assert pyramid.level_for(16).samples_per_bucket == 16
    for spp in (20.0, 100.0, 5000.0, 1e6):
        size = pyramid.level_for(spp).samples_per_bucket
        assert size <= spp < size * 4 or size == pyramid.levels[-1].samples_per_bucket


def test_envelope_cost_depends_on_pixels_not_duration():
    pyramid = PeakPyramid.from_samples(np.zeros((16000 * 3600, 2), np.int16), 16000)
    times, mins, maxs = pyramid.envelope(1, 0.0, 3600.0, 1000)
    assert len(times) <= 4 * 1000 and len(times) == len(mins) == len(maxs)
    times, _, _ = pyramid.envelope(0, 100.0, 100.5, 1000)  # zoomed in: raw samples
    assert len(times) == 8000 and abs(times[0] - 100.0) < 1e-9


def test_strokes_go_from_each_buckets_max_down_to_its_min():
    x, y = strokes(np.array([0.0, 0.5]), np.array([-3, -1]), np.array([4, 2]))
    assert x.tolist() == [0.0, 0.0, 0.5, 0.5]
    assert y.tolist() == [4, -3, 2, -1]
