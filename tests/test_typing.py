"""mypy finds no type errors in the Qt-free core (config: [tool.mypy] in pyproject.toml).

app/ui is not yet checked: its PySide6 typing noise is still to be cleared.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE = ["app/domain", "app/providers", "app/live", "app/qa", "app/sandbox", "app/store", "app/audio", "app/cli",
        "app/hub",
        "app/paths.py", "app/__main__.py"]


def test_core_is_mypy_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", *CORE], cwd=ROOT, capture_output=True, text=True, timeout=110
    )
    assert result.returncode == 0, f"mypy found problems:\n{result.stdout}{result.stderr}"
