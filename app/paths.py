"""Where Switchboard keeps its files (platformdirs; tests point XDG_* at temporary folders)."""

from __future__ import annotations

import sys
from pathlib import Path

from platformdirs import PlatformDirs

APP_NAME = "Switchboard"
ORGANIZATION = "Switchboard"


def _made(folder: str) -> Path:
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _dirs() -> PlatformDirs:
    # Built on each call so a changed XDG_* environment (tests) is honoured.
    return PlatformDirs(APP_NAME, ORGANIZATION)


def config_dir() -> Path:
    return _made(_dirs().user_config_dir)


def data_dir() -> Path:
    return _made(_dirs().user_data_dir)


def cache_dir() -> Path:
    return _made(_dirs().user_cache_dir)


def resources_dir() -> Path:
    """resources/ beside the package, or inside the frozen bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"
