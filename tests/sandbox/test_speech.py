"""Speech: every scripted line is pre-rendered, the two sides sound different, a tone stands in without espeak-ng."""

from __future__ import annotations

import asyncio

import numpy as np

from app.paths import resources_dir
from app.sandbox.player import spoken_lines
from app.sandbox.scenarios import load_scenarios
from app.sandbox.speech import SAMPLE_RATE, SpeechBank, espeak_available


def test_every_scripted_line_is_pre_rendered() -> None:
    bank = SpeechBank(resources_dir() / "audio")
    for side, text in spoken_lines(load_scenarios(resources_dir() / "scenarios").values()):
        clip = bank.cached(side, text)
        assert clip is not None, f"run scripts/render_demo_audio.py: no audio for {text!r}"
        assert len(clip) > SAMPLE_RATE // 2 and np.abs(clip).max() > 3000
        assert SpeechBank(resources_dir() / "audio").seconds(side, text) == len(clip) / SAMPLE_RATE  # from the header
    total = sum(p.stat().st_size for p in (resources_dir() / "audio").glob("*.ogg"))
    assert total < 3 * 1024 * 1024


def test_runtime_text_is_spoken_by_espeak(tmp_path) -> None:
    bank = SpeechBank(tmp_path)
    assert espeak_available()
    customer = asyncio.run(bank.clip("customer", "Testing one two three."))
    assistant = asyncio.run(bank.clip("assistant", "Testing one two three."))
    assert len(customer) > SAMPLE_RATE // 2 and np.abs(customer).max() > 3000
    assert not np.array_equal(customer[: len(assistant)], assistant[: len(customer)])  # two different voices


def test_a_tone_stands_in_without_espeak(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert not espeak_available()
    clip = asyncio.run(SpeechBank(tmp_path).clip("assistant", "No speech engine here at all."))
    spectrum = np.abs(np.fft.rfft(clip.astype(float)))
    peak_hz = np.argmax(spectrum) * SAMPLE_RATE / len(clip)
    assert abs(peak_hz - 660) < 10  # a pure beep, unmistakably not speech
