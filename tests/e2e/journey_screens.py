"""Screens of the supervisor's and the reviewer's journeys in the real console (demo account, 20 live
calls), at a given size and theme, for looking at (not a test):

    xvfb-run -s "-screen 0 1700x1100x24" python -m tests.e2e.journey_screens OUT 1600x1000 dark
"""

from __future__ import annotations

import asyncio
import faulthandler
import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt

from app.domain import Account, Mute, Provider, Side
from app.live.demo import DemoPlatform
from app.store.reviews import Mark
from app.ui.app import ErrorReporter, create_application
from app.ui.console import console_window
from app.ui.history_area import ConsoleHistory
from app.ui.main_window import MainWindow
from tests.e2e.screenshot_app import save
from tests.fixtures.qt import until


async def journeys(window: MainWindow, out: Path, tag: str) -> None:
    window.show()
    window.move(0, 0)
    await window.open_demo()
    session = window.session
    assert session is not None
    await until(lambda: sum(c.status == "in-progress" for c in session.registry.calls()) >= 12, 90,
                what="most of the 20 calls in progress")
    live = await until(lambda: next((c.id for c in session.registry.calls()
                                     if c.status == "in-progress" and len(c.turns) >= 4), None), 60, what="a live call")
    window.call_list.select_call(live)
    await window.send_command(Mute(side=Side.CUSTOMER))
    await asyncio.sleep(2.0)
    save(window, out / f"supervisor-{tag}.png")
    window.controls.buttons["say"].click()
    window.controls.open_dialog.text.setPlainText("A supervisor is joining the call to help you.")
    await asyncio.sleep(1.0)
    save(window, out / f"supervisor-say-{tag}.png")
    window.controls.open_dialog.reject()

    history = window.findChild(ConsoleHistory)
    ended = next(c for c in session.registry.calls() if c.has_analysis and c.summary)
    window.call_list.scope.setCurrentText("All")
    window.call_list.select_call(ended.id)
    history.dock.show()
    history.area.setCurrentWidget(history.area.review)
    review = history.area.review
    await until(lambda: review.call_id == ended.id, what="the review panel")
    for criterion in ("greeting", "understood"):
        await review.set_mark(criterion, Mark(4))
    review.table.setFocus()
    review.table.setCurrentCell(2, 0)
    await asyncio.sleep(1.5)
    save(window, out / f"reviewer-{tag}.png")
    history.area.setCurrentWidget(history.area.calls)
    await asyncio.sleep(1.5)
    save(window, out / f"reviewer-calls-{tag}.png")

    window.book.save(Account(id="vapi-prod", name="Vapi production", provider=Provider.VAPI,
                             base_url="https://api.vapi.ai"))
    dialog = window.open_accounts_dialog()
    dialog.list.setCurrentRow(1)
    await asyncio.sleep(1.0)
    dialog.move(window.frameGeometry().center() - dialog.rect().center())
    await asyncio.sleep(0.5)
    save(window, out / f"accounts-{tag}.png")
    dialog.reject()


def main(argv: list[str]) -> int:
    faulthandler.dump_traceback_later(240, exit=True)
    out, size, theme = Path(argv[1]), argv[2], argv[3]
    os.environ["SWITCHBOARD_THEME"] = theme
    home = Path(tempfile.mkdtemp(prefix="switchboard-screens-"))  # a first start: no remembered layout
    for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        os.environ[variable] = str(home / variable.lower())
    width, height = (int(v) for v in size.split("x"))
    out.mkdir(parents=True, exist_ok=True)
    _app, loop = create_application()
    reporter = ErrorReporter()
    reporter.install()

    async def run() -> None:
        async with console_window(DemoPlatform(live=20, history=40, seed=7)) as window:
            window.setWindowState(Qt.WindowState.WindowNoState)
            window.resize(width, height)
            await journeys(window, out, f"{size}-{theme}")

    with loop:
        loop.run_until_complete(run())
    return 1 if reporter.last_message else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
