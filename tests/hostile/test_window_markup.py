"""The real window against a hostile platform: markup in names, summaries, transcripts and error bodies
is shown literally in every view, the History dock included (issue 11, item 1)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from app.live.poller import Connection
from app.store.calls import CallCache
from app.ui.history_area import ConsoleHistory
from tests.fixtures.qt import until
from tests.fixtures.window import open_window
from tests.hostile.window_platform import FAKE_SUCCESS, KEY, MARKUP, hostile, vapi_call  # noqa: F401 - fixture
from tests.ui.literal import assert_literal


def test_markup_from_the_platform_is_shown_literally_everywhere(qtbot, qloop: asyncio.AbstractEventLoop,
                                                                  tmp_path: Path, run_async, hostile):  # noqa: F811
    window = open_window(qtbot, qloop, tmp_path, history_user="ria")
    history = window.findChild(ConsoleHistory)
    base = hostile.base_url
    hostile.serve_calls([vapi_call("live-1", base, live=True), vapi_call("ended-1", base, live=False)])

    async def scenario() -> None:
        await window.open_session(hostile.account(), KEY)
        await until(lambda: {"live-1", "ended-1"} <= set(window.call_list.visible_call_ids()), what="both calls")

        # An ended call: header, call list, transcript, analysis.
        assert window.call_list.select_call("ended-1")
        await until(lambda: window.analysis.summary.text() == MARKUP, what="the analysis")
        assert_literal(window, minimum=12)

        # A live call: the End confirmation names the caller; the refusal's body pretends success.
        assert window.call_list.select_call("live-1")
        await until(lambda: window.controls.buttons["end"].isEnabled(), what="controls")
        window.controls.buttons["end"].click()
        box = window.controls.open_dialog
        assert isinstance(box, QMessageBox) and "Zq" in box.text()
        assert_literal(window)
        next(b for b in box.buttons() if b.text().replace("&", "") == "End call").click()
        await until(lambda: "refused" in window.controls.outcome.text(), what="the refusal")
        assert FAKE_SUCCESS in window.controls.outcome.text()  # the words, not a green tick

        # The History dock: cached calls, a transcript search, the audit log.
        await until(lambda: history.db.submit_read(lambda c: CallCache(c).count("hostile")).result() >= 1,
                    what="the cache")
        await history.area.calls.reload()
        result = await history.area.search.search("Zq")
        assert result.hits, "the search finds the marked-up turn"
        await history.area.audit.reload()

        # The platform fails with a marked-up message: the banner shows it as words.
        hostile.list_status = 500
        hostile.control_message = MARKUP
        await until(lambda: window.status.state.connection in (Connection.FAILING, Connection.OFFLINE), timeout=20,
                    what="the failing state")
        await until(window.banner.isVisible, what="the banner")
        assert "<b>Zq</b>" in window.banner.text.text()

    run_async(scenario())
    assert_literal(window, minimum=30)  # header, list cells and tooltips, analysis, transcript, banner, History
