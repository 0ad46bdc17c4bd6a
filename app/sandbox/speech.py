"""Speech for both sides of a simulated call: pre-rendered espeak-ng clips, runtime espeak-ng, or a tone."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import io
import shutil
import subprocess
import threading
from pathlib import Path

import numpy as np
import soundfile as sf

SAMPLE_RATE = 16000
# Different voices so a listener can tell the customer (left) from the assistant (right).
VOICES = {"assistant": "en-us+f3", "customer": "en-gb+m3"}
WORDS_PER_SECOND = 2.6
ESPEAK_SPEED = "160"


def clip_key(side: str, text: str) -> str:
    """File stem of a pre-rendered clip: stable for a voice and a text, so edits re-render."""
    return hashlib.sha1(f"{VOICES[side]}|{text}".encode()).hexdigest()[:16]


def estimated_seconds(text: str) -> float:
    return round(0.4 + len(text.split()) / WORDS_PER_SECOND, 2)


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


def to_int16_mono(data: np.ndarray, rate: int) -> np.ndarray:
    """Resample to 16 kHz (linear is plenty for speech) and convert to int16."""
    if data.ndim > 1:
        data = data.mean(axis=1)
    if rate != SAMPLE_RATE and len(data):
        count = int(round(len(data) * SAMPLE_RATE / rate))
        data = np.interp(np.linspace(0, len(data) - 1, count), np.arange(len(data)), data)
    return np.clip(np.asarray(data) * 32767.0, -32768, 32767).astype(np.int16)


def espeak_command(side: str, text: str) -> list[str]:
    return ["espeak-ng", "-v", VOICES[side], "-s", ESPEAK_SPEED, "--stdout", text]


def decode_wav(payload: bytes) -> np.ndarray:
    data, rate = sf.read(io.BytesIO(payload), dtype="float64")
    return to_int16_mono(data, rate)


def render_with_espeak(side: str, text: str) -> np.ndarray:
    """Blocking render, for the pre-render script and for history recordings."""
    done = subprocess.run(espeak_command(side, text), capture_output=True, check=True, timeout=30)
    return decode_wav(done.stdout)


def placeholder_tone(seconds: float) -> np.ndarray:
    """A clearly synthetic stand-in when espeak-ng is missing: 660 Hz beeps, 150 ms on, 100 ms off."""
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    gate = (t % 0.25) < 0.15
    return (np.sin(2 * np.pi * 660 * t) * gate * 6000).astype(np.int16)


@functools.cache  # pre-rendered files never change while running: decode each once per process
def _decode_file(path: Path) -> np.ndarray:
    data, rate = sf.read(path, dtype="float64")
    return to_int16_mono(data, rate)


@functools.cache  # like _decode_file: the files never change while running
def _file_seconds(path: Path) -> float:
    """A pre-rendered clip's length from its header, as long as its decoded 16 kHz samples (no decode)."""
    info = sf.info(str(path))
    frames = info.frames if info.samplerate == SAMPLE_RATE else int(round(info.frames * SAMPLE_RATE / info.samplerate))
    return frames / SAMPLE_RATE


class SpeechBank:
    """Clips by (side, text): pre-rendered files first, then runtime espeak-ng, then a tone."""

    def __init__(self, audio_dir: Path) -> None:
        self._files = {p.stem: p for p in audio_dir.glob("*") if p.suffix in (".ogg", ".flac", ".wav")}
        self._clips: dict[str, np.ndarray] = {}  # runtime renders: lines without a pre-rendered file
        self._lock = threading.Lock()

    def seconds(self, side: str, text: str) -> float:
        """How long the line takes to say; known exactly for pre-rendered lines, without decoding them
        (the demo plans its whole history at start-up: decoding every clip cost ~0.1 s of it)."""
        key = clip_key(side, text)
        with self._lock:
            clip = self._clips.get(key)
        if clip is not None:
            return len(clip) / SAMPLE_RATE
        if key in self._files:
            return _file_seconds(self._files[key])
        return estimated_seconds(text)

    def cached(self, side: str, text: str) -> np.ndarray | None:
        key = clip_key(side, text)
        if key in self._files:
            return _decode_file(self._files[key])
        with self._lock:
            return self._clips.get(key)

    def clip_now(self, side: str, text: str) -> np.ndarray:
        """Blocking: the clip for a line, rendering it if needed (history recordings, off the loop)."""
        clip = self.cached(side, text)
        if clip is not None:
            return clip
        clip = render_with_espeak(side, text) if espeak_available() else placeholder_tone(estimated_seconds(text))
        with self._lock:
            self._clips[clip_key(side, text)] = clip
        return clip

    async def clip(self, side: str, text: str) -> np.ndarray:
        """Non-blocking: the clip for arbitrary text (`say`), rendered by an espeak-ng subprocess."""
        clip = self.cached(side, text)
        if clip is not None:
            return clip
        if espeak_available():
            process = await asyncio.create_subprocess_exec(
                *espeak_command(side, text), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL
            )
            try:
                payload, _ = await process.communicate()
            except asyncio.CancelledError:  # the call or the sandbox stopped: leave no orphan behind the loop
                process.kill()
                await process.wait()
                raise
            clip = decode_wav(payload) if process.returncode == 0 and payload else placeholder_tone(estimated_seconds(text))
        else:
            clip = placeholder_tone(estimated_seconds(text))
        with self._lock:
            self._clips[clip_key(side, text)] = clip
        return clip
