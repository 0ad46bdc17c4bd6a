"""Suggested marks in the review panel: shown as suggestions (not scores), Enter confirms one,
a digit changes it, and the store records which marks were confirmed suggestions."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.store.reviews import ReviewBook
from app.ui.review_panel import ReviewPanel
from tests.fixtures.qt import until
from tests.ui.history_samples import history  # noqa: F401 - fixture
from tests.ui.shown import shown


def test_suggestions_are_shown_as_such_and_confirmed_with_enter(qtbot, history, run_async):  # noqa: F811
    panel = shown(qtbot, ReviewPanel(history, reviewer="ria"), 700, 600)
    run_async(panel.show_call("acc-vapi", "call-00001"))
    assert panel.suggestions, "a cached call with turns gets suggestions"
    row, criterion = next((i, c) for i, c in enumerate(panel.template.criteria) if c.id in panel.suggestions)
    cell = panel.table.item(row, 2)
    assert cell.text().startswith("suggested ") and cell.font().italic()
    assert panel.suggestions[criterion.id].why in cell.toolTip()

    panel.table.setFocus()
    panel.table.setCurrentCell(row, 0)
    assert panel.message.text().startswith(f"Suggested because: {panel.suggestions[criterion.id].why}")
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    run_async(until(lambda: panel.review is not None and criterion.id in panel.review.confirmed,
                    what="the confirmed suggestion"))
    assert panel.review.marks[criterion.id] == panel.suggestions[criterion.id].mark
    assert panel.table.item(row, 2).text().endswith("✓ suggested")

    panel.table.setCurrentCell(row, 0)
    qtbot.keyClicks(panel.table, "2")  # the reviewer changes it: no longer a confirmed suggestion
    run_async(until(lambda: criterion.id not in panel.review.confirmed, what="the changed mark"))
    stored = history.submit_read(lambda conn: ReviewBook(conn).get("acc-vapi", "call-00001", "ria")).result()
    assert stored.marks[criterion.id].score == 2 and stored.confirmed == frozenset()
