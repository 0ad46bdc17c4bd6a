"""A live call's audio from a JitterBuffer to the sound device."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np

from app.audio.device import load_sounddevice
from app.audio.jitter import JitterBuffer
from app.audio.playback import AudioUnavailable


class LiveOutput:
    """An int16 OutputStream whose callback only copies out of the jitter buffer."""

    def __init__(self, buffer: JitterBuffer, *, device: int | str | None = None, sd: ModuleType | None = None):
        if sd is None:
            sd, reason = load_sounddevice()
            if sd is None:
                raise AudioUnavailable(reason)
        self.buffer = buffer
        self.played_frames = 0  # real audio frames handed to the device, for tests and meters
        try:
            self._stream = sd.OutputStream(
                samplerate=buffer.sample_rate,
                channels=buffer.channels,
                dtype="int16",
                device=device,
                callback=self._callback,
            )
            self._stream.start()
        except Exception as err:  # PortAudioError or ValueError: no device, unsupported rate
            raise AudioUnavailable(f"Listening is off: the sound device refused the stream ({err}).") from err

    def _callback(self, outdata: np.ndarray, frames: int, time: Any, status: Any) -> None:
        self.played_frames += self.buffer.read_into(outdata)

    def close(self) -> None:
        try:
            self._stream.abort()
        finally:
            self._stream.close()
