"""The review queue in the real window: calls cached from the real sandbox are queued with their
reasons, the Calls tab says where each stands, and Ctrl+N opens the next call to review."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.domain import Account, Provider
from app.providers import make_client
from app.qa.queue_rules import QueueRules
from app.store.review_queue import ReviewQueue
from app.store.sync import CallSync
from app.ui.call_list_model import CallMark
from app.ui.history_area import ConsoleHistory
from app.ui.history_model import COLUMNS
from app.ui.main_window import MainWindow
from tests.fixtures.qt import until
from tests.fixtures.sandbox import SANDBOX_KEY
from tests.fixtures.window import open_window


@pytest.fixture
def window(qtbot, qloop: asyncio.AbstractEventLoop, tmp_path: Path) -> MainWindow:
    return open_window(qtbot, qloop, tmp_path, height=860, history_user="ria")


async def cache_sandbox_history(history: ConsoleHistory, sandbox, rules: QueueRules) -> Account:
    """The HMS sandbox's call history cached under these queue rules (picked as they are cached)."""
    hms = Account(id="queue-hms", name="HMS Sovereign", provider=Provider.HMS, base_url=sandbox.base_url(Provider.HMS))
    await history.db.write(lambda c: ReviewQueue(c).save_rules(rules))
    client = make_client(hms.provider, hms.base_url, SANDBOX_KEY)
    try:
        await CallSync(history.db, hms, client, first_days=3650).catch_up()
    finally:
        await client.aclose()
    return hms


def test_queued_calls_show_their_state_and_ctrl_n_opens_the_next(window, sandbox, run_async):
    history: ConsoleHistory = window.findChild(ConsoleHistory)

    async def scenario() -> None:
        hms = await cache_sandbox_history(history, sandbox, QueueRules(sample_percent=100))
        queued = await history.db.read(lambda c: ReviewQueue(c).entries())
        assert len(queued) >= 10 and all("sampled" in e.reasons for e in queued)

        history.area.setCurrentWidget(history.area.calls)
        await history.area.calls.reload()
        review_column = COLUMNS.index("Review")
        model = history.area.calls.model
        await until(lambda: model.rowCount() > 0 and model.index(0, 0).data() != "…", what="the Calls tab")
        shown = {model.index(r, review_column).data() for r in range(model.rowCount())}
        assert "to review" in shown, shown

        # The live call list says it too, for the open account's calls.
        await window.open_session(hms, SANDBOX_KEY)
        await until(lambda: window.status.state.loaded, what="the call list")
        await history.mark_reviewed(hms.id)
        marks = window.call_list.proxy
        assert any(CallMark.TO_REVIEW in marks.marks(call.id) for call in window.session.registry.calls())

        first = await history.db.read(lambda c: ReviewQueue(c).next_for("ria"))
        history.area.setCurrentWidget(history.area.review)
        history.area.review.table.setFocus()
        QTest.keyClick(history.area.review.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        await until(lambda: history.area.review.call_id == first.call_id, what="the next call in review")
        assert history.area.review.account_id == hms.id
        assert history.shown_call is not None and history.shown_call.id == first.call_id  # on screen, from the cache

        history.area.setCurrentWidget(history.area.queue)
        await history.area.queue.reload()
        queued = history.area.queue.model
        states = {queued.text(r, 4) for r in range(queued.rowCount())}
        assert "in review" not in states  # opening a call starts no review until the reviewer scores it
        taken = [queued.text(r, 3) for r in range(queued.rowCount())
                 if history.area.queue.entries[r].call_id == first.call_id]
        assert taken == ["ria"]  # taken: with a hub, colleagues' Ctrl+N passes it by
        view = history.area.queue
        view.table.selectRow(1)
        picked = view.selected_calls()
        await view.reload()  # as when the tab is shown again or a call joins the queue
        assert view.selected_calls() == picked and len(picked) == 1  # still picked for a calibration

    run_async(scenario())


def test_the_rules_are_edited_in_the_queue_tab_and_the_day_rebuilt(window, sandbox, run_async):
    history: ConsoleHistory = window.findChild(ConsoleHistory)
    queue = history.area.queue

    async def scenario() -> None:
        await cache_sandbox_history(history, sandbox, QueueRules(sample_percent=0, not_successful=False,
                                                                 transferred=False, critical_alert=False,
                                                                 shorter_than_seconds=None))
        await queue.reload()
        assert queue.model.rowCount() == 0 and queue.shorter.text() == "no duration rule"
        queue.shorter.setValue(3600)  # every sandbox call is shorter than an hour
        queue.sample.setValue(2.5)
        assert await queue.save_rules() == queue.model.rowCount() >= 20
        saved = await history.db.read(lambda c: ReviewQueue(c).rules())
        assert (saved.not_successful, saved.sample_percent, saved.shorter_than_seconds) == (False, 2.5, 3600)
        reasons = {queue.model.index(r, 2).data() for r in range(queue.model.rowCount())}
        assert reasons <= {"short", "sampled, short"} and "short" in reasons

    run_async(scenario())


def test_the_week_rebuilt_is_seven_local_days_ending_today() -> None:
    from datetime import UTC, datetime, timedelta

    from app.ui.review_queue_view import last_days

    now = datetime(2026, 12, 2, 0, 30, tzinfo=UTC)
    since, until = last_days(7, now)
    assert since <= now - timedelta(days=6) < now < until and until - since == timedelta(days=7)
    assert since.astimezone().hour == 0 and since.astimezone().minute == 0


def test_an_older_reload_answering_last_does_not_show_over_a_newer_one(qtbot, run_async, tmp_path):
    """Reads go to two reader threads: an older reload can answer after a newer one (a hub's assignment
    arriving while the tab is shown). The newer answer stays on screen."""
    from app.store.calls import CallCache
    from app.store.database import Database
    from app.ui.review_queue_view import ReviewQueueView
    from tests.store.fake_platform import make_call

    db = Database(tmp_path / "history.sqlite3")
    view = ReviewQueueView(db, "bob")
    qtbot.addWidget(view)
    rules = QueueRules(sample_percent=0, transferred=False, critical_alert=False, shorter_than_seconds=None)
    db.submit_write(lambda c: ReviewQueue(c).save_rules(rules)).result()
    db.submit_write(lambda c: CallCache(c).upsert("acct", [make_call(1, success_evaluation="false")])).result()
    read, held = db.read, asyncio.Event()
    reads = 0

    async def slow_first_read(fn):
        nonlocal reads
        reads += 1
        answer = await read(fn)
        if reads == 1:
            await held.wait()  # the older reload's answer comes back last
        return answer

    view.db.read = slow_first_read  # type: ignore[method-assign]

    def who() -> list[str]:
        return [view.model.text(row, 3) for row in range(view.model.rowCount())]

    async def scenario() -> None:
        older = asyncio.ensure_future(view.reload())
        await until(lambda: reads == 1, what="the older read")
        [entry] = await read(lambda c: ReviewQueue(c).entries())
        await db.write(lambda c: ReviewQueue(c).assign(entry.account_id, entry.call_id, "bob"))
        await view.reload()
        assert who() == ["bob"]
        held.set()
        await older
        assert who() == ["bob"]

    try:
        run_async(scenario())
    finally:
        db.close()
