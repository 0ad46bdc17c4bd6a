"""Open the console window (arguments parsed without importing Qt)."""

from __future__ import annotations

import argparse

from app.domain import Provider


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--demo", action="store_true", help="open the embedded sandbox (demo account)")
    parser.add_argument("--provider", choices=[p.value for p in Provider], help="platform to open")
    parser.add_argument("--base-url", help="platform API base URL (key from SWITCHBOARD_API_KEY)")
    parser.add_argument("--self-test", action="store_true", help="run the offscreen self-test and exit")


def run(args: argparse.Namespace) -> int:
    print("The console window is not built yet; see `switchboard --help` for the headless commands.")
    return 0
