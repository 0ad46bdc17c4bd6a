"""Drives the real console on the demo account and saves screenshots of its main states.

Run by tests/e2e/test_screenshots.py in a subprocess on an Xvfb display (QT_QPA_PLATFORM=xcb):
    python -m tests.e2e.screenshot_app OUTPUT_DIR
"""

from __future__ import annotations

import asyncio
import faulthandler
import sys
from pathlib import Path

from PySide6.QtWidgets import QWidget

from app.domain import Account, Call, Provider, TurnRole
from app.live.demo import DemoPlatform
from app.ui.app import ErrorReporter, create_application
from app.ui.console import console_window
from app.ui.main_window import MainWindow
from tests.fixtures.qt import until

SHOTS = ("first-start", "live-call", "ended-call", "accounts-dialog")


def save(widget: QWidget, path: Path) -> None:
    """The whole screen area under the window, so dialogs on top are included. No processEvents() here:
    inside a task it would run other tasks' wake-ups re-entrantly (the callers' sleeps let it paint)."""
    screen = widget.screen()
    frame = widget.frameGeometry()
    image = screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
    if not image.save(str(path)):
        raise SystemExit(f"could not write {path}")


def _interesting_ended(call: Call) -> bool:
    return call.has_analysis and call.summary is not None and any(t.role == TurnRole.TOOL for t in call.turns)


async def shoot(window: MainWindow, out: Path) -> None:
    window.show()
    window.move(0, 0)
    await window.open_demo()
    session = window.session
    assert session is not None
    await until(lambda: window.status.state.loaded and window.call_list.model.rowCount() > 0, 60, what="the call list")
    await until(lambda: sum(c.status == "in-progress" for c in session.registry.calls()) >= 2, 30,
                what="calls in progress")
    await asyncio.sleep(1.5)
    save(window, out / "first-start.png")

    def talkative_live() -> str | None:
        calls = [c for c in session.registry.calls() if c.status == "in-progress" and len(c.turns) >= 5]
        return calls[0].id if calls else None

    await until(talkative_live, 60, what="a live call with a few turns")
    live_id = talkative_live()
    assert live_id is not None
    window.call_list.select_call(live_id)
    await asyncio.sleep(2.5)
    save(window, out / "live-call.png")

    ended = [c for c in session.registry.calls() if _interesting_ended(c)] or [
        c for c in session.registry.calls() if c.has_analysis]
    window.call_list.select_call(ended[0].id)
    await asyncio.sleep(1.0)
    save(window, out / "ended-call.png")

    window.book.save(Account(id="clinic", name="Clinic line (production)", provider=Provider.HMS,
                             base_url="https://api.hmsovereign.com/api/v1"))
    window.set_accounts(window.known_accounts())
    dialog = window.open_accounts_dialog()
    dialog.list.setCurrentRow(1)
    await asyncio.sleep(1.0)
    dialog.move(window.frameGeometry().center() - dialog.rect().center())
    await asyncio.sleep(0.5)
    save(window, out / "accounts-dialog.png")
    dialog.reject()


def main(argv: list[str]) -> int:
    faulthandler.dump_traceback_later(80, exit=True)  # a hang prints where it is stuck
    out = Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    app, loop = create_application()
    reporter = ErrorReporter()
    reporter.install()

    async def run() -> None:
        # Real time, so durations tick as they do in use.
        async with console_window(DemoPlatform(live=4, history=40, seed=7)) as window:
            window.resize(1440, 900)
            await shoot(window, out)

    with loop:
        loop.run_until_complete(run())
    if reporter.last_message:
        print(f"error shown to the user: {reporter.last_message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
