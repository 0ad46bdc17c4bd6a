"""The local platform server and an in-process `switchboard` runner for the CLI tests."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Iterator

import pytest

from app.__main__ import SUBCOMMANDS
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
    """`switchboard export|control ...` in this process, parsed exactly as app.__main__ does."""
    parser = argparse.ArgumentParser(prog="switchboard")
    sub = parser.add_subparsers(dest="command")
    for name in ("export", "control"):
        importlib.import_module(SUBCOMMANDS[name][0]).add_arguments(sub.add_parser(name))
    args = parser.parse_args(list(argv))
    return importlib.import_module(SUBCOMMANDS[args.command][0]).run(args)
