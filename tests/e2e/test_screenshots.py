"""Screenshots of the real window under Xvfb: first start, a live call, an ended call, the accounts dialog.

Written to ./screenshots/ at the repository root (gitignored), or SWITCHBOARD_SCREENSHOTS.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from tests.e2e.screenshot_app import SHOTS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def xvfb_display() -> Iterator[str]:
    """Our own Xvfb on a display number it picks itself (-displayfd), so parallel runs never clash."""
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()
        assert number, "Xvfb did not start"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def distinct_colours(image: QImage) -> int:
    step = max(1, image.width() // 80)
    return len({image.pixel(x, y) for x in range(0, image.width(), step) for y in range(0, image.height(), step)})


@pytest.mark.slow
def test_screenshots_of_the_main_states(xvfb_display, tmp_path):
    out = Path(os.environ.get("SWITCHBOARD_SCREENSHOTS", ROOT / "screenshots"))
    env = {**os.environ, "DISPLAY": xvfb_display, "QT_QPA_PLATFORM": "xcb"}
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        env[var] = str(tmp_path / var.lower())
    try:
        done = subprocess.run([sys.executable, "-X", "faulthandler", "-m", "tests.e2e.screenshot_app", str(out)],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=100)
    except subprocess.TimeoutExpired as stuck:  # say where it hung rather than hitting pytest's timeout
        raise AssertionError(f"the window did not finish: {stuck.stderr!r:.3000}") from None
    assert done.returncode == 0, done.stderr[-3000:]
    for name in SHOTS:
        path = out / f"{name}.png"
        image = QImage(str(path))
        assert not image.isNull(), f"{path} is not a PNG"
        assert image.width() >= 1200 and image.height() >= 700
        assert path.stat().st_size > 30_000, f"{path} looks empty"
        assert distinct_colours(image) > 40, f"{path} is nearly one colour"
