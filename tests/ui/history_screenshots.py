"""Screenshots of the History panels (search hits, a review with anchored comments, the audit log).

Run under a real X server so fonts and styles render as on a desktop:
    Xvfb :96 -screen 0 1600x1000x24 &
    DISPLAY=:96 QT_QPA_PLATFORM=xcb .venv/bin/python -m tests.ui.history_screenshots
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QWidget

from app.domain import Account, CommandResult, End, Outcome, Provider, Say, Transfer
from app.providers.errors import APITimeoutError
from app.store.audit import send_audited
from app.store.calls import CallCache
from app.store.database import Database
from app.store.reviews import Mark
from app.ui.app import create_application
from app.ui.history_area import ConsoleHistory, HistoryArea, attach_history
from app.ui.main_window import MainWindow
from tests.store.fake_platform import FakePlatform, make_call
from tests.ui.history_samples import sample_calls

OUT = Path(__file__).resolve().parents[2] / "screenshots" / "history"
VAPI = Account(id="acc-vapi", name="Vapi production", provider=Provider.VAPI, base_url="https://api.vapi.ai")
HMS = Account(id="acc-hms", name="HMS Sovereign", provider=Provider.HMS, base_url="https://api.hmsovereign.com")


async def save(widget: QWidget, name: str) -> None:
    widget.show()
    await asyncio.sleep(0.25)  # let it lay out and paint (a nested qWait would re-enter the loop)
    path = OUT / f"{name}.png"
    widget.grab().save(str(path))
    print("wrote", path)


async def fill(db: Database) -> None:
    await db.write(lambda conn: CallCache(conn).upsert("acc-vapi", sample_calls()))
    live = make_call(9, status="in-progress")

    async def answer(call, command):
        await asyncio.sleep(0.18)
        return CommandResult(outcome=Outcome.ACCEPTED, message="Command sent successfully", status_code=200)

    async def refuse(call, command):
        await asyncio.sleep(0.09)
        return CommandResult(outcome=Outcome.REFUSED, message="Call is not in progress", status_code=400)

    async def time_out(call, command):
        await asyncio.sleep(0.4)
        raise APITimeoutError("The platform did not answer within 10 seconds.")

    await send_audited(db, FakePlatform(on_send=answer), VAPI, live, Say(text="One moment, I am checking that for you"), "ria")
    await send_audited(db, FakePlatform(on_send=refuse), HMS, live, End(message="Goodbye"), "sam")
    await send_audited(db, FakePlatform(on_send=time_out), VAPI, live, Transfer(destination="+15551234567"), "ria")
    await send_audited(db, FakePlatform(on_send=answer), VAPI, live, End(), "sam")


async def scenes(area: HistoryArea) -> None:
    area.resize(1100, 560)
    area.search.set_accounts([VAPI, HMS])
    area.audit.set_accounts([VAPI, HMS])
    area.calls.set_accounts([VAPI, HMS])
    await area.calls.reload()
    while area.calls.model.row_at(0) is None:  # its first window arrives from a reader thread
        await asyncio.sleep(0.05)
    area.setCurrentWidget(area.calls)
    await save(area, "cached-calls")

    area.setCurrentWidget(area.search)
    await area.search.search("refund*")
    await save(area, "search-results")

    review = area.review
    await review.show_call("acc-vapi", "call-00001")
    for criterion, score in (("greeting", 5), ("understood", 4), ("tools", None), ("no-hallucination", 5)):
        await review.set_mark(criterion, Mark(score) if score is not None else Mark(not_applicable=True))
    review.set_position(5.0, 1)
    await review.add_comment("Caller explained the double charge clearly; the bot did not interrupt.")
    review.set_position(9.5, 2)
    await review.add_comment("Good apology, and the refund was started without asking twice.")
    review.set_position(18.5, 4)
    await review.add_comment("Should have given the refund reference number here.")
    review.table.setCurrentCell(4, 0)
    area.setCurrentWidget(review)
    await save(area, "review-in-progress")

    area.setCurrentWidget(area.audit)
    await area.audit.reload()
    await save(area, "audit-log")


async def in_the_window(history: ConsoleHistory) -> None:
    """The dock inside the console window, a cached call open at a search hit, its review beside it."""
    window = history.window
    window.resize(1440, 900)
    window.show()
    await history.area.search.search('"duplicate charge"')
    history.area.search.open_hit(0)
    await asyncio.sleep(0.3)
    history.area.setCurrentWidget(history.area.review)
    await asyncio.sleep(0.3)
    await save(window, "window-review")
    history.area.setCurrentWidget(history.area.search)
    await save(window, "window-search")


def main() -> int:
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME"):  # never the developer's own settings
        os.environ[variable] = tempfile.mkdtemp(prefix="history-shots-")
    OUT.mkdir(parents=True, exist_ok=True)
    app, loop = create_application(sys.argv[:1])
    with loop:
        db = Database(Path(tempfile.mkdtemp(prefix="history-shots-")) / "history.sqlite3")
        area = HistoryArea(db, "ria")
        loop.run_until_complete(fill(db))
        loop.run_until_complete(scenes(area))
        db.close()
        window = MainWindow()
        history = attach_history(window, user="ria")
        assert isinstance(history, ConsoleHistory)
        loop.run_until_complete(fill(history.db))
        loop.run_until_complete(in_the_window(history))
        loop.run_until_complete(history.close())
    return 0


if __name__ == "__main__":
    asyncio.set_event_loop_policy(None)
    sys.exit(main())
