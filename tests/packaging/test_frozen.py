"""The desktop bundle builds within its size budget and its own --self-test passes on a clean
environment: no venv on PATH, an empty HOME, nothing inherited but what `env -i` gives."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "dist" / "switchboard"
SIGNS_OF_A_BROKEN_BUILD = (
    "Traceback", "ModuleNotFoundError", "ImportError", "cannot open shared object",
    "Could not load the Qt platform plugin", "Could not find the Qt platform plugin", "FAIL ",
)


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_frozen_bundle_passes_its_self_test_in_a_clean_environment(tmp_path):
    build = subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py")], cwd=ROOT,
                           capture_output=True, text=True, timeout=800)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    assert "within the 200 MB budget" in build.stdout

    home = tmp_path / "home"
    home.mkdir()
    # PortAudio gets ALSA's null device as its output, so the audio step opens a real stream.
    (home / ".asoundrc").write_text("pcm.!default { type null }\nctl.!default { type null }\n")
    run = subprocess.run(["env", "-i", f"HOME={home}", "PATH=/usr/bin:/bin", str(BUNDLE / "switchboard"), "--self-test"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=240)
    log = run.stdout + run.stderr
    assert run.returncode == 0, log[-4000:]
    assert "self-test passed" in run.stdout
    assert "ok   7. open an audio stream — stream ran" in run.stdout, log[-2000:]
    broken = [line for line in log.splitlines() if any(sign in line for sign in SIGNS_OF_A_BROKEN_BUILD)]
    assert not broken, "\n".join(broken)
