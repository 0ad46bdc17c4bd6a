"""A submitted review shows where reviewers look for it, against the real sandbox: the live list marks the
call (with its score), the History Calls tab has a Review column, and the reviews CSV names the call."""

from __future__ import annotations

import csv

from app.qa.redaction import redact
from app.store.calls import CallCache
from app.store.reviews import Mark
from app.ui.call_list_model import CallMark
from app.ui.history_area import ConsoleHistory
from app.ui.history_model import COLUMNS
from tests.e2e.conftest import open_sandbox
from tests.fixtures.qt import until
from tests.fixtures.window import open_window


def test_a_reviewed_call_is_marked_with_its_score_and_exported_with_its_call(qtbot, qloop, tmp_path, sandbox,
                                                                             run_async):
    window = open_window(qtbot, qloop, tmp_path, history_user="ria")
    history = window.findChild(ConsoleHistory)

    async def scenario() -> None:
        await open_sandbox(window, sandbox)
        account_id = window.session.account.id
        ended = next(c for c in window.session.registry.calls() if not c.is_live and c.customer_number)
        await until(lambda: history.db.submit_read(lambda conn: CallCache(conn).get(account_id, ended.id)).result(),
                    timeout=20, what="the ended call in the history cache")
        assert window.call_list.select_call(ended.id)
        review = history.area.review
        await until(lambda: review.call_id == ended.id, what="the review panel on the call")
        for criterion in ("greeting", "understood", "no-hallucination", "close"):
            assert await review.set_mark(criterion, Mark(5))
        for criterion in ("tools", "escalation"):
            assert await review.set_mark(criterion, Mark(not_applicable=True))
        await review.submit()
        marks = window.call_list.proxy.marks
        await until(lambda: "✓ 100 %" in marks(ended.id).get(CallMark.REVIEWED, ""), what="the reviewed mark")

        calls = history.area.calls
        history.area.setCurrentWidget(calls)
        await calls.reload()
        column = COLUMNS.index("Review")
        cells = await until(lambda: [calls.model.index(r, column).data() for r in range(calls.model.rowCount())
                                     if (row := calls.model.row_at(r)) is not None and row.id == ended.id],
                            what="the call in the History Calls tab")
        assert cells == ["✓ 100 %"]

        path = tmp_path / "reviews.csv"
        customer = ended.customer_name or ended.customer_number or ""
        assert review.export_redacted.isChecked()  # exports redact unless the reviewer says otherwise
        assert await review.export_csv(path) == 1
        row = next(csv.DictReader(path.open(encoding="utf-8")))
        assert row["call"] == ended.id and row["account name"] == "Sandbox"
        assert row["customer"].lstrip("'") == redact(customer)
        review.export_redacted.setChecked(False)
        assert await review.export_csv(path) == 1
        row = next(csv.DictReader(path.open(encoding="utf-8")))
        assert row["customer"].lstrip("'") == customer  # formula-safe
        assert row["assistant"] == (ended.assistant_name or "") and row["call time"]

    run_async(scenario())
