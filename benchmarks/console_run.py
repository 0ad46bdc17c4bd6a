"""Parent side of benchmarks.window_probe: run the watched console in a fresh home, collect its events."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.runner import HERE, WORK


def fresh_home(folder: Path, history: Path | None = None) -> dict[str, str]:
    """Empty config, data and cache folders (optionally holding a history file): XDG variables for them."""
    folder = folder.resolve()  # a relative XDG path is ignored, and the user's own folders used instead
    shutil.rmtree(folder, ignore_errors=True)
    env = {}
    for variable, name in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"), ("XDG_CACHE_HOME", "cache")):
        (folder / name).mkdir(parents=True)
        env[variable] = str(folder / name)
    if history is not None:
        target = folder / "data" / "Switchboard"  # app.paths.data_dir() under this XDG_DATA_HOME
        target.mkdir()
        shutil.copyfile(history, target / "history.sqlite3")
    return env


def console_events(probe_args: list[str], console_args: list[str], env: dict[str, str],
                   timeout: float = 180) -> tuple[float, dict[str, dict[str, float]]]:
    """Start the watched console offscreen; returns its start time (time.monotonic) and its events by name."""
    # Compiled modules kept between runs, outside the source tree, as an installed copy has them.
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPYCACHEPREFIX": str(WORK / "pycache"), **env}
    environment.pop("SWITCHBOARD_TEST", None)
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "benchmarks.window_probe", *probe_args, "--", *console_args],
                          cwd=HERE.parent, env=environment, capture_output=True, text=True, timeout=timeout,
                          check=False)
    events = {}
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            event = json.loads(line)
            events[event.pop("event")] = event
    if "gave_up" in events:
        raise RuntimeError(f"the console never showed {events['gave_up']['waiting_for']}")
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"the console exited with {done.returncode} ({', '.join(events) or 'no events'}):\n{tail}")
    return started, events
