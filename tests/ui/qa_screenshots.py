"""Screenshots of the QA programme in the console window against the embedded sandbox: the review
queue, a review with suggested scores (two confirmed), and a calibration report.

Run under a real X server so fonts and styles render as on a desktop:
    Xvfb :97 -screen 0 1600x1000x24 &
    DISPLAY=:97 QT_QPA_PLATFORM=xcb .venv/bin/python -m tests.ui.qa_screenshots [OUT_DIR]
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QWidget

from app.domain import Account, Provider
from app.providers import make_client
from app.qa.queue_rules import QueueRules
from app.sandbox.embedded import EmbeddedSandbox
from app.store.review_queue import ReviewQueue
from app.store.reviews import NOT_APPLICABLE, Mark, ReviewBook
from app.store.sync import CallSync
from app.ui.app import create_application
from app.ui.history_area import ConsoleHistory, attach_history
from app.ui.main_window import MainWindow

KEY = "screenshot-key"


async def save(widget: QWidget, out: Path, name: str) -> None:
    await asyncio.sleep(0.4)  # let it lay out and paint
    widget.grab().save(str(out / f"{name}.png"))
    print("wrote", out / f"{name}.png")


async def scenes(history: ConsoleHistory, sandbox: EmbeddedSandbox, out: Path) -> None:
    window = history.window
    window.resize(1500, 950)
    window.show()
    vapi = Account(id="shots-vapi", name="Vapi", provider=Provider.VAPI, base_url=sandbox.base_url(Provider.VAPI))
    await history.db.write(lambda c: ReviewQueue(c).save_rules(QueueRules(sample_percent=10)))
    client = make_client(vapi.provider, vapi.base_url, KEY)
    try:
        await CallSync(history.db, vapi, client, first_days=3650).catch_up()
    finally:
        await client.aclose()
    area = history.area
    history.dock.show()
    area.setCurrentWidget(area.queue)
    await area.queue.reload()
    await save(window, out, "queue")

    await history.open_next()
    panel = area.review
    for criterion in [c for c in panel.template.criteria if c.id in panel.suggestions][:2]:
        await panel.confirm_suggestion(criterion.id)
    panel.set_position(6.0, 1)
    await panel.add_comment("Asked for the account number twice.")
    await save(window, out, "review-suggested")

    picked = [(e.account_id, e.call_id) for e in (await history.db.read(lambda c: ReviewQueue(c).entries()))[:3]]
    await area.calibration.start("Week 48", ["ria", "sam"], picked)
    for index, (account_id, call_id) in enumerate(picked):
        for reviewer, close, understood in (("ria", 5, 4), ("sam", (1, 4, 5)[index], (3, 4, 2)[index])):
            def write(conn, reviewer=reviewer, close=close, understood=understood, call_id=call_id,
                      account_id=account_id, index=index):
                book = ReviewBook(conn)
                draft = book.start(account_id, call_id, reviewer)
                if not draft.submitted:
                    book.add_comment(draft.id, f"{reviewer}: the close felt rushed", at_seconds=9.0 + index,
                                     turn_index=2)
                    book.submit(draft.id, {"greeting": Mark(5), "understood": Mark(understood),
                                           "tools": NOT_APPLICABLE, "no-hallucination": Mark(5),
                                           "escalation": NOT_APPLICABLE, "close": Mark(close)})
            await history.db.write(write)
    area.setCurrentWidget(area.calibration)
    await area.calibration.reload()
    await save(window, out, "calibration-report")


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "screens").resolve()
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):  # never the developer's own files
        os.environ[variable] = tempfile.mkdtemp(prefix="qa-shots-")
    out.mkdir(parents=True, exist_ok=True)
    sandbox = EmbeddedSandbox(api_key=KEY, live=2, history=40).start()
    app, loop = create_application(sys.argv[:1])
    try:
        with loop:
            window = MainWindow()
            history = attach_history(window, user="ria")
            assert isinstance(history, ConsoleHistory)
            loop.run_until_complete(scenes(history, sandbox, out))
            loop.run_until_complete(history.close())
    finally:
        sandbox.stop()
    return 0


if __name__ == "__main__":
    asyncio.set_event_loop_policy(None)
    sys.exit(main())
