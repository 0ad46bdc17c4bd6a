"""What export and control share: --provider/--base-url, the API key, one-line errors."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from app.domain import Provider
from app.live.accounts import ENV_KEY, AccountBook

INVALID = 2  # exit code: bad input or not supported, nothing sent


class CliError(Exception):
    """A plain-words failure: printed as one line, then the process exits with `code`."""

    def __init__(self, message: str, code: int = INVALID) -> None:
        super().__init__(message)
        self.code = code


def add_platform_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--provider", required=True, choices=[p.value for p in Provider], help="the platform")
    parser.add_argument(
        "--base-url", required=True,
        help=f"the platform's API address, e.g. https://api.vapi.ai (key from {ENV_KEY} or a saved account)",
    )


def api_key(provider: Provider, base_url: str) -> str:
    """SWITCHBOARD_API_KEY, else the key of the saved account for this platform and address."""
    book = AccountBook()
    key = book.key_for(book.find(provider, base_url))
    if not key:
        raise CliError(
            f"No API key for {provider.display_name} at {base_url}: set {ENV_KEY} or save the account in the console."
        )
    return key


def say_error(message: str) -> None:
    print(f"switchboard: {message}", file=sys.stderr)


def run_safely(work: Callable[[], Coroutine[Any, Any, int]]) -> int:
    """Run a command's coroutine; every failure becomes one line on stderr and an exit code."""
    try:
        return asyncio.run(work())
    except CliError as exc:
        say_error(str(exc))
        return exc.code
    except KeyboardInterrupt:
        say_error("interrupted.")
        return 130
    except Exception as exc:  # the last line of defence: one line, never a traceback
        say_error(f"unexpected error ({type(exc).__name__}): {exc}")
        return 1
