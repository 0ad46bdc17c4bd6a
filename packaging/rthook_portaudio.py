# PyInstaller runtime hook: let sounddevice find the PortAudio bundled beside the app on Linux,
# so a clean machine without libportaudio2 still has audio.
import ctypes.util
import os
import sys

_system_find_library = ctypes.util.find_library


def _find_library(name: str) -> str | None:
    if name == "portaudio":
        bundled = os.path.join(getattr(sys, "_MEIPASS", ""), "libportaudio.so.2")
        if os.path.exists(bundled):
            return bundled
    return _system_find_library(name)


ctypes.util.find_library = _find_library
