"""What the CLI commands share: --provider/--base-url, the keys, one-line errors, JSON lines."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import re
import sys
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from app.domain import Provider
from app.live.accounts import ENV_KEY, ENV_PUBLIC_KEY, AccountBook
from app.providers import PlatformClient, RetryPolicy, make_client
from app.providers.http import DEFAULT_DEADLINE

INVALID = 2  # exit code: bad input or not supported, nothing sent


class CliError(Exception):
    """A plain-words failure: printed as one line, then the process exits with `code`."""

    def __init__(self, message: str, code: int = INVALID) -> None:
        super().__init__(message)
        self.code = code


def add_platform_arguments(parser: argparse.ArgumentParser, *, required: bool = True) -> None:
    """`required=False`: the command checks itself (e.g. watch --hub needs no platform)."""
    parser.add_argument("--provider", required=required, choices=[p.value for p in Provider], help="the platform")
    parser.add_argument(
        "--base-url", required=required,
        help=f"the platform's API address, e.g. https://api.vapi.ai (key from {ENV_KEY} or a saved account; "
             f"Vapi's public key for live calls from {ENV_PUBLIC_KEY} or the saved account)",
    )
    add_timeout_argument(parser)


def add_timeout_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--timeout", type=positive_seconds, default=DEFAULT_DEADLINE, metavar="SECONDS",
        help=f"give up on a request (retries included) after this long (default {DEFAULT_DEADLINE:g})",
    )


def positive_seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 3600:
        raise argparse.ArgumentTypeError(f"'{value}' is not a number of seconds between 0 and 3600")
    return seconds


def open_client(args: argparse.Namespace) -> PlatformClient:
    """The platform client the options describe: keys from the env or the saved account, the deadline."""
    provider = Provider(args.provider)
    key, public = account_keys(provider, args.base_url)
    return make_client(provider, args.base_url, key, public_key=public, retry=RetryPolicy(deadline=args.timeout))


def account_keys(provider: Provider, base_url: str) -> tuple[str, str | None]:
    """The API key (SWITCHBOARD_API_KEY, else the saved account's for this platform and address) and
    the public key for Vapi's monitor URLs (SWITCHBOARD_PUBLIC_KEY, else the saved account's; may be None)."""
    book = AccountBook()
    account = book.find(provider, base_url)
    key = book.key_for(account)
    if not key:
        raise CliError(
            f"No API key for {provider.display_name} at {base_url}: set {ENV_KEY} or save the account in the console."
        )
    return key, book.public_key_for(account)


# Terminal escape sequences (CSI, OSC, two-character ESC forms) and the control, C1 and bidi-override
# characters a platform could put in its text to redraw, retitle or reorder the supervisor's terminal.
_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Server text fit for a terminal: escape sequences and control characters removed, on one line."""
    text = _ESCAPE.sub("", text)
    return _CONTROL.sub(lambda match: " " if match.group() in "\t\n\r" else "", text)


def say(message: str) -> None:
    print(printable(message))


def json_line(record: Mapping[str, Any]) -> str:
    """A record as one JSON line fit for a terminal: every non-ASCII and control character escaped
    (`\\u202e`, `\\u001b`), so a caller's words can neither reorder nor drive it; readers decode them back."""
    return json.dumps(record, ensure_ascii=True).replace("\x7f", "\\u007f")  # DEL is ASCII: escaped by hand


def say_json(record: Mapping[str, Any]) -> None:
    """The one writer of the JSON lines `watch` and `listen --events` print, flushed for the reader."""
    print(json_line(record), flush=True)


def say_error(message: str) -> None:
    print(f"switchboard: {printable(message)}", file=sys.stderr)


class _WarningsToStderr(logging.Handler):
    """The core's warnings (e.g. a skipped unreadable call) as `switchboard:` lines, made printable."""

    def emit(self, record: logging.LogRecord) -> None:
        say_error(record.getMessage())


def run_safely(work: Callable[[], Coroutine[Any, Any, int]]) -> int:
    """Run a command's coroutine; every failure becomes one line on stderr and an exit code."""
    warnings = _WarningsToStderr(logging.WARNING)
    logging.getLogger("app").addHandler(warnings)
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
    finally:
        logging.getLogger("app").removeHandler(warnings)
