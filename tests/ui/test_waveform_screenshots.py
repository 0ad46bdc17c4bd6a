"""Screenshots of the audio area under Xvfb (a real X server, real fonts): written to ./screenshots/."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from tests.e2e.test_screenshots import distinct_colours, xvfb_display  # noqa: F401  (fixture)
from tests.fixtures.audio import NULL_ASOUNDRC
from tests.ui.audio_screenshots import SHOTS

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_screenshots_of_recording_and_live_listening(xvfb_display, tmp_path):  # noqa: F811
    out = Path(os.environ.get("SWITCHBOARD_SCREENSHOTS", ROOT / "screenshots"))
    env = {**os.environ, "DISPLAY": xvfb_display, "QT_QPA_PLATFORM": "xcb"}
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        env[var] = str(tmp_path / var.lower())
    alsa = tmp_path / "xdg_config_home" / "alsa"
    alsa.mkdir(parents=True)
    (alsa / "asoundrc").write_text(NULL_ASOUNDRC)  # a sound device, so the transport shows enabled
    done = subprocess.run([sys.executable, "-m", "tests.ui.audio_screenshots", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    for name in SHOTS:
        image = QImage(str(out / f"{name}.png"))
        assert not image.isNull() and image.width() >= 1200, name
        assert distinct_colours(image) > 12, f"{name} is nearly one colour"
