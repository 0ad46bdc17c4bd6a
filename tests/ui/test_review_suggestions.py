"""Suggested marks in the review panel: shown as suggestions (not scores), Enter confirms one,
a digit changes it, and the store records which marks were confirmed suggestions."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.store.reviews import Mark, ReviewBook
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


def test_the_redact_box_decides_what_the_reviews_export_shows(qtbot, history, run_async, tmp_path):  # noqa: F811
    panel = shown(qtbot, ReviewPanel(history, reviewer="ria"), 700, 600)
    run_async(panel.show_call("acc-vapi", "call-00001"))
    for criterion in panel.template.criteria:
        assert run_async(panel.set_mark(criterion.id, Mark(4)))
    panel.set_position(3.0, 0)
    run_async(panel.add_comment("Card 4111 1111 1111 1111 was read aloud"))
    assert run_async(panel.submit()) is not None
    assert panel.export_redacted.isChecked()  # on unless turned off
    assert run_async(panel.export_csv(tmp_path / "redacted.csv")) == 1
    assert "[card number]" in (tmp_path / "redacted.csv").read_text()
    panel.export_redacted.setChecked(False)
    assert run_async(panel.export_csv(tmp_path / "clear.csv")) == 1
    assert "4111 1111 1111 1111" in (tmp_path / "clear.csv").read_text()
