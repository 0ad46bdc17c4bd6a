"""Where Switchboard keeps its files (platformdirs; tests point XDG_* at temporary folders)."""

from __future__ import annotations

from pathlib import Path

from platformdirs import PlatformDirs

APP_NAME = "Switchboard"
ORGANIZATION = "Switchboard"



def config_dir() -> Path:
    path = Path(PlatformDirs(APP_NAME, ORGANIZATION).user_config_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    path = Path(PlatformDirs(APP_NAME, ORGANIZATION).user_data_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    path = Path(PlatformDirs(APP_NAME, ORGANIZATION).user_cache_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path


def resources_dir() -> Path:
    """resources/ beside the package, or inside the frozen bundle."""
    import sys

    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"
