"""Whether this machine can play sound, asked without ever crashing the console.

`import sounddevice` raises OSError when the PortAudio library is missing, and a machine with
PortAudio but no sound card has no output device; both leave playback off with a plain reason.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Protocol, TypeVar


class AudioUnavailable(Exception):
    """No way to play sound here; `str(err)` says why in plain words."""


@dataclass(frozen=True)
class AudioOutput:
    """What the console can do with sound here: `reason` says in plain words why not."""

    available: bool
    reason: str = ""
    device_name: str = ""
    detail: str = ""  # the library's own words, for logs and tooltips


def load_sounddevice() -> tuple[ModuleType | None, str]:
    """The sounddevice module, or None and why it could not be loaded."""
    try:
        import sounddevice
    except OSError as err:
        return None, (
            "Playback is off: the PortAudio sound library is not installed "
            f"(install the libportaudio2 package). ({err})"
        )
    except ImportError as err:
        return None, f"Playback is off: the sounddevice module is missing ({err})."
    return sounddevice, ""


def probe_output() -> AudioOutput:
    """Look for a default output device; never raises."""
    sd, reason = load_sounddevice()
    if sd is None:
        return AudioOutput(False, reason)
    try:
        index = sd.default.device[1]
        info = sd.query_devices(None if index is None or index < 0 else index, "output")
    except Exception as err:  # PortAudio reports a missing device as a PortAudioError or ValueError
        return AudioOutput(False, "Playback is off: no sound output device was found.", detail=str(err))
    if int(info.get("max_output_channels", 0)) < 1:
        return AudioOutput(False, "Playback is off: the sound device has no output channels.")
    return AudioOutput(True, "", str(info.get("name", "")))


class Closable(Protocol):
    def close(self) -> None: ...


Opened = TypeVar("Opened", bound=Closable)


async def open_in_background(executor: Executor | None, opener: Callable[..., Opened], *args: Any) -> Opened:
    """`opener(*args)` on a worker thread: PortAudio's start-up and a device open never stall the loop
    (the Qt thread). If the caller is cancelled meanwhile, what it opened is closed once it arrives."""
    opening = asyncio.get_running_loop().run_in_executor(executor, opener, *args)
    try:
        return await asyncio.shield(opening)
    except asyncio.CancelledError:
        opening.add_done_callback(_close_opened)
        raise


def _close_opened(opening: asyncio.Future[Opened]) -> None:
    if not opening.cancelled() and opening.exception() is None:
        opening.result().close()


def open_output_stream(
    sample_rate: int,
    channels: int,
    dtype: str,
    callback: Callable[..., None],
    *,
    what: str = "Playback",
) -> tuple[Any, ModuleType]:
    """A startable sounddevice OutputStream on the default output and the module, or AudioUnavailable saying why."""
    sd, reason = load_sounddevice()
    if sd is None:
        raise AudioUnavailable(reason.replace("Playback", what, 1))
    try:
        stream = sd.OutputStream(samplerate=sample_rate, channels=channels, dtype=dtype, callback=callback)
    except Exception as err:  # PortAudioError or ValueError: no device, unsupported rate
        # "no output device" says more than PortAudio's words, which stay for the rest
        plain = probe_output().reason or f"Playback is off: the sound device refused the stream ({err})."
        raise AudioUnavailable(plain.replace("Playback", what, 1)) from err
    return stream, sd
