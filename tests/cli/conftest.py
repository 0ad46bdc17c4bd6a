"""The local platform server and an in-process `switchboard` runner for the CLI tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.__main__ import main
from tests.cli.platform_server import GOOD_KEY, PlatformServer


@pytest.fixture(scope="module")
def server() -> Iterator[PlatformServer]:
    running = PlatformServer()
    running.start()
    yield running
    running.stop()


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("SWITCHBOARD_API_KEY", GOOD_KEY)
    return GOOD_KEY


def switchboard(*argv: str) -> int:
    """`switchboard export|control ...` in this process, through the real entry point."""
    return main(list(argv))
