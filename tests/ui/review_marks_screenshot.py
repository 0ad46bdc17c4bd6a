"""Screenshot of a review in progress in the console window: its comments flagged on the waveform
and badged on the transcript, the scorecard and comment list in the History dock.

Run under a real X server so fonts and styles render as on a desktop:
    Xvfb :95 -screen 0 1600x1000x24 &
    DISPLAY=:95 QT_QPA_PLATFORM=xcb .venv/bin/python -m tests.ui.review_marks_screenshot
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

from app.domain import Call, TurnRole
from app.live.demo import DemoPlatform
from app.store.reviews import Mark
from app.ui.app import create_application
from app.ui.console import console_window
from app.ui.history_area import ConsoleHistory
from app.ui.main_window import MainWindow
from tests.e2e.screenshot_app import save
from tests.fixtures.qt import until

OUT = Path(__file__).resolve().parents[2] / "screenshots" / "history" / "review-comments-on-waveform.png"


def reviewable(call: Call) -> bool:
    """An ended call with a recording, a tool call and enough spoken turns to comment on."""
    spoken = [t for t in call.turns if t.start is not None and t.role in (TurnRole.CUSTOMER, TurnRole.ASSISTANT)]
    return (not call.is_live and bool(call.recordings.stereo) and len(spoken) >= 5
            and any(t.role == TurnRole.TOOL for t in call.turns))


async def shoot(window: MainWindow) -> None:
    window.resize(1440, 900)
    window.show()
    window.move(0, 0)
    await window.open_demo()
    session = window.session
    assert session is not None
    await until(lambda: window.status.state.loaded and any(reviewable(c) for c in session.registry.calls()), 60,
                what="an ended call worth reviewing")
    call = next(c for c in session.registry.calls() if reviewable(c))
    window.call_list.select_call(call.id)
    history = window.findChild(ConsoleHistory)
    review = history.area.review
    await until(lambda: window.audio_area.recording is not None and review.call_id == call.id, 30,
                what="the recording and the review")
    history.area.setCurrentWidget(review)

    for criterion, mark in (("greeting", Mark(5)), ("understood", Mark(4)), ("tools", Mark(2)),
                            ("no-hallucination", Mark(5))):
        await review.set_mark(criterion, mark)
    review.position_source = None  # anchored by hand below, as a reviewer would by clicking turns
    customer = [i for i, t in enumerate(call.turns) if t.role == TurnRole.CUSTOMER and t.start is not None]
    assistant = [i for i, t in enumerate(call.turns) if t.role == TurnRole.ASSISTANT and t.start is not None]
    tool = next(i for i, t in enumerate(call.turns) if t.role == TurnRole.TOOL)
    first = call.turns[customer[0]]
    review.set_position((first.start or 0.0) + 1.2, customer[0])
    await review.add_comment("Caller gave the order number straight away; no need to ask twice.")
    review.set_position(None, tool)
    await review.add_comment("Tool failed: the assistant should say it is retrying.")
    review.set_position(None, assistant[-2])
    await review.add_comment("Promised a call back but gave no time.")
    review.table.setCurrentCell(4, 0)
    window.audio_area.seek((first.start or 0.0) + 2.0)
    window.transcript.scroll_to_turn(customer[0])
    await asyncio.sleep(1.0)
    save(window, OUT)
    print("wrote", OUT)


def main() -> int:
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME"):  # never the developer's own history or settings
        os.environ[variable] = tempfile.mkdtemp(prefix="review-shot-")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    _app, loop = create_application(sys.argv[:1])

    async def run() -> None:
        async with console_window(DemoPlatform(live=2, history=30, seed=7)) as window:
            await shoot(window)

    with loop:
        loop.run_until_complete(run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
