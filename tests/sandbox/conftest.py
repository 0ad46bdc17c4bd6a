"""The sandbox tests' shared fixture."""

from __future__ import annotations

import pytest

from app.sandbox.embedded import EmbeddedSandbox


@pytest.fixture
def brisk(sandbox_factory) -> EmbeddedSandbox:
    """No traffic, calls at four times real time: quick tests, still long enough to command mid-call."""
    return sandbox_factory(live=0, history=0, speed=4.0, analysis_delay=0.5)
