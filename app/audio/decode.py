"""Read a recording file (WAV, MP3, FLAC, OGG) into one int16 array. Slow: run it off the Qt thread."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

BLOCK_FRAMES = 1 << 18
MAX_CHANNELS = 8  # more lanes than the waveform can show; a hostile header's 1000 would cost gigabytes


class DecodeError(Exception):
    """The file is not audio we can read; `str(err)` is fit to show a reviewer."""


@dataclass(frozen=True)
class DecodedAudio:
    """PCM as int16, shape (frames, channels): half the memory of float32, what peaks and playback use."""

    samples: np.ndarray
    sample_rate: int

    @property
    def frames(self) -> int:
        return int(self.samples.shape[0])

    @property
    def channels(self) -> int:
        return int(self.samples.shape[1])

    @property
    def duration(self) -> float:
        return self.frames / self.sample_rate if self.sample_rate else 0.0


def decode_file(path: str | Path) -> DecodedAudio:
    """Decode the whole file, reading until the decoder stops rather than trusting the header's
    frame count (MP3 headers often get it wrong). 16-bit WAV is mapped, not copied.
    Every failure is a DecodeError: the caller drops the file instead of keeping a bad one."""
    try:
        return _decode(Path(path))
    except DecodeError:
        raise
    except Exception as err:  # a hostile header can break the decoder anywhere; it is still just a bad file
        raise DecodeError(f"Cannot read the recording {Path(path).name}: {type(err).__name__}.") from err


def _decode(path: Path) -> DecodedAudio:
    mapped = _map_pcm16_wav(path)
    if mapped is not None:
        return mapped
    try:
        with soundfile.SoundFile(str(path)) as f:
            channels, rate = f.channels, f.samplerate
            _check_channels(path, channels)
            estimate = f.frames if 0 < f.frames < (1 << 40) else BLOCK_FRAMES
            out = np.empty((estimate + BLOCK_FRAMES, channels), dtype=np.int16)
            filled = 0
            while True:
                if filled + BLOCK_FRAMES > out.shape[0]:
                    out = _grow(out, filled)
                got = f.buffer_read_into(out[filled : filled + BLOCK_FRAMES], "int16")
                filled += got
                if got == 0:
                    break
    except (soundfile.LibsndfileError, RuntimeError, TypeError) as err:
        raise DecodeError(f"Cannot read the recording {Path(path).name}: {err}") from err
    if filled == 0:
        raise DecodeError(f"The recording {Path(path).name} contains no audio.")
    if filled < out.shape[0]:
        out = out[:filled].copy() if filled < out.shape[0] // 2 else _shrink(out, filled)
    return DecodedAudio(out, int(rate))


def _check_channels(path: Path, channels: int) -> None:
    if channels > MAX_CHANNELS:
        raise DecodeError(f"The recording {path.name} declares {channels} channels; at most {MAX_CHANNELS} can be shown.")


def _grow(out: np.ndarray, filled: int) -> np.ndarray:
    bigger = np.empty((out.shape[0] * 2, out.shape[1]), dtype=out.dtype)
    bigger[:filled] = out[:filled]
    return bigger


def _shrink(out: np.ndarray, filled: int) -> np.ndarray:
    """Trim the spare tail in place (no second copy of the signal) when numpy owns the buffer."""
    try:
        out.resize((filled, out.shape[1]), refcheck=False)
        return out
    except ValueError:
        return out[:filled].copy()


def _map_pcm16_wav(path: Path) -> DecodedAudio | None:
    """16-bit PCM WAV already is our sample format: map it read-only (the cache never rewrites a
    file in place) instead of copying hundreds of megabytes. None for anything else."""
    try:
        with path.open("rb") as f:
            header = f.read(12)
            if len(header) < 12 or header[:4] != b"RIFF" or header[8:12] != b"WAVE":
                return None
            channels = rate = 0
            while True:
                chunk = f.read(8)
                if len(chunk) < 8:
                    return None
                kind, size = chunk[:4], int.from_bytes(chunk[4:], "little")
                if kind == b"fmt ":
                    fmt = f.read(size + (size & 1))
                    if len(fmt) < 16:
                        return None
                    tag, channels, rate = (int.from_bytes(fmt[a:b], "little") for a, b in ((0, 2), (2, 4), (4, 8)))
                    bits = int.from_bytes(fmt[14:16], "little")
                    extensible_pcm = tag == 0xFFFE and fmt[24:26] == b"\x01\x00"
                    _check_channels(path, channels)
                    if bits != 16 or not (tag == 1 or extensible_pcm) or channels < 1 or rate < 1:
                        return None
                elif kind == b"data":
                    if not channels:  # data before fmt: not a layout we map; soundfile decides
                        return None
                    offset = f.tell()
                    break
                else:
                    f.seek(size + (size & 1), 1)
        file_size = path.stat().st_size
        available = file_size - offset
        # Streamed WAVs carry 0 or 0xFFFFFFFF as the data size: the file's end is the truth.
        length = available if size in (0, 0xFFFFFFFF) or size > available else size
        frames = length // (2 * channels)
        if frames == 0:
            return None
        samples = np.memmap(path, dtype="<i2", mode="r", offset=offset, shape=(frames, channels))
    except (OSError, ValueError):
        return None
    return DecodedAudio(samples, rate)
