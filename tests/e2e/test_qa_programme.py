"""A QA programme in the real window against the real sandbox: a reviewer takes the next call from
the queue, confirms two suggested scores, scores the rest, submits, and the next call opens; a
calibration session with two reviewers stays blind until each submits and ends in its report."""

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
from app.store.reviews import NOT_APPLICABLE, Mark, ReviewBook
from app.store.sync import CallSync
from app.ui.history_area import ConsoleHistory
from app.ui.main_window import MainWindow
from tests.fixtures.qt import until
from tests.fixtures.sandbox import SANDBOX_KEY
from tests.fixtures.window import open_window

HIDDEN_OTHERS = "1 other reviewer scored this call — hidden until you submit."
FAILED_ONLY = QueueRules(sample_percent=0, transferred=False, critical_alert=False, shorter_than_seconds=None)


@pytest.fixture
def window(qtbot, qloop: asyncio.AbstractEventLoop, tmp_path: Path) -> MainWindow:
    return open_window(qtbot, qloop, tmp_path, height=900, history_user="ria")


async def cached_vapi(history: ConsoleHistory, sandbox) -> Account:
    vapi = Account(id="qa-vapi", name="Vapi", provider=Provider.VAPI, base_url=sandbox.base_url(Provider.VAPI))
    await history.db.write(lambda c: ReviewQueue(c).save_rules(FAILED_ONLY))
    client = make_client(vapi.provider, vapi.base_url, SANDBOX_KEY)
    try:
        await CallSync(history.db, vapi, client, first_days=3650).catch_up()
    finally:
        await client.aclose()
    return vapi


def test_next_call_from_the_queue_with_two_suggestions_confirmed(window, sandbox, run_async):
    history: ConsoleHistory = window.findChild(ConsoleHistory)
    panel = history.area.review

    async def scenario() -> None:
        await cached_vapi(history, sandbox)
        queued = await history.db.read(lambda c: ReviewQueue(c).entries())
        assert len(queued) >= 2 and all(e.reasons == ("not successful",) for e in queued)
        history.dock.show()
        history.area.setCurrentWidget(history.area.queue)
        await history.area.queue.reload()
        QTest.keyClick(history.area.queue.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        await until(lambda: panel.call_id is not None and panel.suggestions, what="the first call with suggestions")
        first = panel.call_id
        assert history.area.currentWidget() is panel

        criteria = panel.template.criteria
        suggested = [i for i, c in enumerate(criteria) if c.id in panel.suggestions][:2]
        assert len(suggested) == 2
        panel.table.setFocus()
        for row in suggested:
            panel.table.setCurrentCell(row, 0)
            QTest.keyClick(panel.table, Qt.Key.Key_Return)
            await until(lambda r=row: panel.review is not None and criteria[r].id in panel.review.confirmed,
                        what=f"suggestion on row {row} confirmed")
        for row, criterion in enumerate(criteria):
            if panel.review.marks.get(criterion.id) is None:
                panel.table.setCurrentCell(row, 0)
                QTest.keyClicks(panel.table, "n" if criterion.allow_na else "4")
                await until(lambda c=criterion: c.id in panel.review.marks, what=f"{criterion.id} scored")
        await until(lambda: panel.submit_button.isEnabled(), what="submit enabled")
        QTest.mouseClick(panel.submit_button, Qt.MouseButton.LeftButton)
        await until(lambda: panel.confirmation is not None and panel.confirmation.isVisible(), what="Submit the review?")
        next(b for b in panel.confirmation.buttons() if b.text().replace("&", "") == "Submit review").click()
        await until(lambda: panel.call_id not in (None, first), timeout=15, what="the next call to open")

        done = await history.db.read(lambda c: ReviewBook(c).get(queued[0].account_id, first, "ria"))
        assert done.submitted and len(done.confirmed) == 2
        assert panel.call_id in {e.call_id for e in queued} and history.shown_call.id == panel.call_id

    run_async(scenario())


def test_a_calibration_session_with_two_reviewers_ends_in_its_report(window, sandbox, run_async, tmp_path):
    history: ConsoleHistory = window.findChild(ConsoleHistory)
    panel, calibration, queue = history.area.review, history.area.calibration, history.area.queue

    async def scenario() -> None:
        vapi = await cached_vapi(history, sandbox)
        history.dock.show()
        history.area.setCurrentWidget(queue)
        await queue.reload()
        queue.table.selectRow(0)
        queue.table.selectionModel().select(queue.table.model().index(1, 0),
                                            queue.table.selectionModel().SelectionFlag.Select
                                            | queue.table.selectionModel().SelectionFlag.Rows)
        picked = queue.selected_calls()
        assert len(picked) == 2
        history.area.setCurrentWidget(calibration)
        calibration.name.setText("Week 48")
        calibration.reviewers.setText("ria, sam")
        QTest.mouseClick(calibration.start_button, Qt.MouseButton.LeftButton)
        await until(lambda: calibration.session_box.count() == 1, what="the session")
        assert "ria 0/2 · sam 0/2" in calibration.progress.text()

        def sam_reviews(call_id: str, close: int) -> None:  # the other reviewer, on their own console
            def write(conn):
                book = ReviewBook(conn)
                draft = book.start(vapi.id, call_id, "sam")
                book.add_comment(draft.id, "The goodbye was missing", at_seconds=12.0, turn_index=3)
                book.submit(draft.id, {"greeting": Mark(5), "understood": Mark(3), "tools": NOT_APPLICABLE,
                                       "no-hallucination": Mark(5), "escalation": NOT_APPLICABLE,
                                       "close": Mark(close)})
            return write

        for index, (_account, call_id) in enumerate(picked):
            await history.db.write(sam_reviews(call_id, 1 if index == 0 else 4))
            await history.open_call(vapi.id, call_id)
            await until(lambda c=call_id: panel.call_id == c, what="ria's review of the call")
            await until(lambda: panel.others.text() == HIDDEN_OTHERS, what="sam's review, counted but hidden")
            for criterion, mark in (("greeting", Mark(5)), ("understood", Mark(3)), ("tools", NOT_APPLICABLE),
                                    ("no-hallucination", Mark(5)), ("escalation", NOT_APPLICABLE),
                                    ("close", Mark(5 if index == 0 else 4))):
                assert await panel.set_mark(criterion, mark)
            panel.set_position(20.0, 4)
            await panel.add_comment("Polite enough to me")
            assert await panel.submit() is not None
            assert panel.others.text().startswith("sam: ")  # shown once ria has submitted hers
            await until(lambda c=call_id: panel.call_id != c, what="the next call after submitting")

        history.area.setCurrentWidget(calibration)
        await calibration.reload()
        await until(lambda: calibration.report is not None, what="the report")
        assert calibration.progress.text().startswith("Everyone has submitted (ria 2/2 · sam 2/2)")
        top = calibration.report.criteria[0]
        assert top.criterion_id == "close" and calibration.model.index(0, 0).data() == "Polite close"
        assert calibration.model.index(0, 1).data() == "50 %" and top.widest == (picked[0][1], 4)
        remarks = [calibration.remark_list.item(i).text() for i in range(calibration.remark_list.count())]
        assert sorted(r.split(" · ")[0] for r in remarks) == ["ria", "sam"]
        item = next(calibration.remark_list.item(i) for i in range(calibration.remark_list.count())
                    if calibration.remark_list.item(i).text().startswith("sam"))
        calibration.remark_list.itemDoubleClicked.emit(item)
        await until(lambda: history.shown_call is not None and history.shown_call.id == picked[0][1],
                    what="the call at sam's comment")
        await until(lambda: window.transcript.list.currentIndex().row() == 3, what="the commented turn")
        exported = tmp_path / "calibration.csv"
        assert await calibration.export_csv(exported) == len(calibration.report.criteria) + 1
        assert exported.read_text().splitlines()[1].startswith("Polite close,50.000")

    run_async(scenario())
