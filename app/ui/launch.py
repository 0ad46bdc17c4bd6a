"""Open the console window (arguments parsed without importing Qt)."""

from __future__ import annotations

import argparse
import os
import sys

from app.domain import Provider

KEY_ENV = "SWITCHBOARD_API_KEY"  # same as app.live.accounts.ENV_KEY, without importing keyring here


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--demo", action="store_true", help="open the embedded sandbox (demo account)")
    parser.add_argument("--provider", choices=[p.value for p in Provider], help="platform to open")
    parser.add_argument("--base-url", help=f"platform API base URL (key from {KEY_ENV})")
    parser.add_argument("--self-test", action="store_true", help="run the offscreen self-test and exit")


def check(args: argparse.Namespace) -> str | None:
    """A plain-words reason the arguments cannot work, before any window opens."""
    if bool(args.provider) != bool(args.base_url):
        return "--provider and --base-url go together, e.g. --provider vapi --base-url https://api.vapi.ai"
    if args.provider and not os.environ.get(KEY_ENV):
        return f"Set the platform's API key in the {KEY_ENV} environment variable (never on the command line)."
    if args.demo and args.provider:
        return "Choose either --demo or --provider, not both."
    return None


def run(args: argparse.Namespace) -> int:
    problem = check(args)
    if problem:
        print(f"switchboard: {problem}", file=sys.stderr)
        return 2
    from app.live.demo import DemoPlatform
    from app.providers import tls

    # On worker threads while the window's modules load: the certificates, and the demo when asked for.
    tls.load_soon()
    demo = DemoPlatform() if args.demo else None
    if demo is not None:
        demo.start_soon()
    from app.ui.console import run_console  # Qt is imported only once a window is wanted

    return run_console(args, demo)
