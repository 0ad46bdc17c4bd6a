"""A live call's audio from a JitterBuffer to the sound device."""

from __future__ import annotations

from typing import Any

import numpy as np

from app.audio.device import AudioUnavailable, open_output_stream
from app.audio.jitter import JitterBuffer


class LiveOutput:
    """An int16 OutputStream whose callback only copies out of the jitter buffer."""

    def __init__(self, buffer: JitterBuffer):
        self.buffer = buffer
        self.played_frames = 0  # real audio frames handed to the device, for tests and meters
        self._stream, _ = open_output_stream(
            buffer.sample_rate, buffer.channels, "int16", self._callback, what="Listening"
        )
        try:
            self._stream.start()
        except Exception as err:  # PortAudioError: the device went away between open and start
            self._stream.close()
            raise AudioUnavailable(f"Listening is off: the sound device would not start ({err}).") from err

    def _callback(self, outdata: np.ndarray, frames: int, time: Any, status: Any) -> None:
        self.played_frames += self.buffer.read_into(outdata)

    def close(self) -> None:
        try:
            self._stream.abort()
        finally:
            self._stream.close()
