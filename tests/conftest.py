"""Suite-wide set-up: Qt offscreen, and every fixture module in tests/fixtures/ loaded as a plugin."""

from __future__ import annotations

import os
import pkgutil

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Tests never touch the developer's real settings, data or keyring.
os.environ.setdefault("SWITCHBOARD_TEST", "1")

import tests.fixtures as _fixtures  # noqa: E402

pytest_plugins = [f"tests.fixtures.{m.name}" for m in pkgutil.iter_modules(_fixtures.__path__)]
