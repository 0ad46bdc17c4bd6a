"""Runs the console: application, window, first account, and an orderly shutdown."""

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import os
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

from app.domain import Account, Provider
from app.live.accounts import ENV_KEY
from app.live.demo import DemoPlatform
from app.ui.alert_desk import ConsoleAlerts
from app.ui.app import CloseOnSigterm, ErrorReporter, create_application, readable
from app.ui.history_area import ConsoleHistory, attach_history
from app.ui.main_window import MainWindow
from app.ui.team_record import ConsoleTeam

log = logging.getLogger(__name__)
FULL_COLLECTION_EVERY = 100  # young-generation collections between full ones (Python's default: 10)


def command_line_account(provider: str, base_url: str) -> Account:
    """Named after its host, so the switcher reads e.g. "api.vapi.ai — Vapi"."""
    platform = Provider(provider)
    host = urlsplit(base_url).netloc or base_url
    return Account(id=f"cli-{platform.value}", name=host, provider=platform, base_url=base_url)


async def open_first_account(window: MainWindow, args: argparse.Namespace) -> None:
    """--demo; --provider/--base-url; else the account open last time; else the demo (a first start)."""
    try:
        last = None if args.demo else window.last_account()
        if args.provider:
            account = window.book.find(args.provider, args.base_url) or command_line_account(args.provider, args.base_url)
            await window.open_session(account, os.environ[ENV_KEY])
        elif last is not None:
            await window.open_account(last)
        else:
            await window.open_demo()
    except Exception as error:  # the window stays up and says what went wrong
        log.exception("could not open the first account")
        window.call_list.set_loading(f"Could not open the account.\n{readable(error)}")
        window.notify(f"Could not open the account: {readable(error)}")


@contextlib.asynccontextmanager
async def console_window(demo: DemoPlatform | None = None) -> AsyncIterator[MainWindow]:
    """The window with everything attached (history dock, audit log, alerts), shut down in order on exit."""
    window = MainWindow(demo=demo)
    history = attach_history(window)
    alerts = ConsoleAlerts(window, history.db if isinstance(history, ConsoleHistory) else None)
    area = history.area if isinstance(history, ConsoleHistory) else None
    ConsoleTeam(window, area.audit if area else None, area.review if area else None, alerts,
                area.queue if area else None)
    try:
        yield window
    finally:
        window.close()
        await window.shutdown()
        await alerts.close()  # its last writes go to the history before that closes
        await history.close()


async def _main(args: argparse.Namespace, reporter: ErrorReporter, demo: DemoPlatform | None) -> int:
    async with console_window(demo) as window:
        reporter.parent = window
        closed = window.wait_closed()
        CloseOnSigterm(window)
        window.show()
        if args.self_test:
            # Imported only here: it loads the audio stack it tests, which a normal start defers.
            from app.ui.self_test import SelfTest

            return await SelfTest(window).run()
        await open_first_account(window, args)
        # What start-up built lives as long as the window: full collections need not walk it again
        # (benchmarks/ui_live: 75 ms garbage-collection pauses down to ~20 ms with 500 live calls).
        gc.freeze()
        # The calls followed are long-lived and free of cycles: a full collection every few seconds
        # (30-50 ms with a thousand live calls) found next to nothing. One in ten times as many.
        gc.set_threshold(*gc.get_threshold()[:2], FULL_COLLECTION_EVERY)
        await closed
        return 0


def run_console(args: argparse.Namespace, demo: DemoPlatform | None = None) -> int:
    if args.self_test:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per poll request is noise
    _app, loop = create_application()
    reporter = ErrorReporter()
    reporter.install()
    with loop:
        return loop.run_until_complete(_main(args, reporter, demo))
