"""AnalysisPanel: empty, live, pending and full states; structured data tree; cost table."""

from __future__ import annotations

from PySide6.QtWidgets import QTreeWidgetItem

from app.domain import CostBreakdown, Provider
from app.ui.analysis import (
    LIVE,
    NO_CALL,
    PENDING,
    AnalysisPanel,
    ended_reason_words,
    success_verdict,
)
from app.ui.tones import Tone
from tests.ui.literal import rendered
from tests.ui.sample_calls import ended_call, live_call, pending_call
from tests.ui.shown import shown


def make_panel(qtbot) -> AnalysisPanel:
    return shown(qtbot, AnalysisPanel(), 380, 700)


def cell_texts(panel: AnalysisPanel) -> list[list[str]]:
    table = panel.cost_table
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def test_no_call_shows_the_empty_state(qtbot):
    panel = make_panel(qtbot)
    panel.show_call(None)
    assert panel.state_text == NO_CALL
    assert panel.message.isVisible()


def test_live_call_says_analysis_comes_after_the_call(qtbot):
    panel = make_panel(qtbot)
    panel.show_call(live_call())
    assert panel.state_text == LIVE
    assert not panel.cost_table.isVisible()


def test_ended_call_without_analysis_is_pending_but_shows_cost(qtbot):
    panel = make_panel(qtbot)
    panel.show_call(pending_call())
    assert panel.state_text == PENDING
    assert panel.banner.isVisible()
    assert not panel.summary_section.isVisible()
    assert not panel.data_section.isVisible()
    assert panel.cost_section.isVisible()
    assert panel.ended_reason.text() == "Assistant ended call"


def test_full_analysis(qtbot):
    panel = make_panel(qtbot)
    call = ended_call()
    panel.show_call(call)

    assert panel.state_text == ""
    assert panel.summary.text() == call.summary
    assert panel.success.text() == "Successful"
    assert panel.sentiment.text() == "Positive (+0.62) · Vapi sentiment 0.62 on -1..1"
    assert panel.ended_reason.text() == "Customer ended call"
    assert rendered(panel.ended_reason.toolTip()) == "customer-ended-call"

    tree = panel.data_tree
    top = {tree.topLevelItem(i).text(0): tree.topLevelItem(i) for i in range(tree.topLevelItemCount())}
    assert set(top) == {"intent", "booking", "patient_verified", "follow_ups"}
    assert top["intent"].text(1) == "reschedule"
    assert top["patient_verified"].text(1) == "true"
    booking: QTreeWidgetItem = top["booking"]
    assert booking.isExpanded()
    assert {booking.child(i).text(0): booking.child(i).text(1) for i in range(booking.childCount())}["new_slot"] \
        == "2026-11-27T14:00"
    assert [top["follow_ups"].child(i).text(0) for i in range(2)] == ["[0]", "[1]"]

    assert cell_texts(panel) == [
        ["Transport", "$0.0042", ""],
        ["Speech to text", "$0.0061", ""],
        ["Language model", "$0.0187", "4,812 in + 311 out tokens"],
        ["Text to speech", "$0.0213", "1,286 characters"],
        ["Platform", "$0.0225", ""],
        ["Total", "$0.0728", ""],
    ]
    assert panel.cost_table.item(5, 0).font().bold()


def test_switching_calls_replaces_everything(qtbot):
    panel = make_panel(qtbot)
    panel.show_call(ended_call())
    bare = ended_call(call_id="c-bare", provider=Provider.HMS).model_copy(update={
        "structured_data": None, "cost_breakdown": CostBreakdown(total=0.05), "success_evaluation": "3",
        "sentiment": None})
    panel.show_call(bare)
    assert panel.data_tree.topLevelItemCount() == 0
    assert not panel.data_section.isVisible()
    assert not panel.sentiment.isVisible()
    assert panel.success.text() == "3 / 10"
    assert cell_texts(panel) == [["Total", "$0.0500", ""]]


def test_verdicts_in_plain_words():
    assert success_verdict("Pass") == ("Successful", Tone.GOOD)
    assert success_verdict("false") == ("Not successful", Tone.BAD)
    assert success_verdict("8") == ("8 / 10", Tone.GOOD)
    assert success_verdict("needs follow-up") == ("needs follow-up", Tone.NEUTRAL)
    assert ended_reason_words("pipeline-error-openai-llm-failed") == ("Pipeline error openai llm failed", Tone.BAD)


def test_a_poll_with_nothing_new_keeps_the_tree_as_the_reader_left_it(qtbot):
    panel = make_panel(qtbot)
    call = ended_call()
    panel.show_call(call)
    booking = next(panel.data_tree.topLevelItem(i) for i in range(4) if panel.data_tree.topLevelItem(i).text(0) == "booking")
    booking.setExpanded(False)
    panel.show_call(call.model_copy(update={"updated_at": call.started_at}))
    assert not booking.isExpanded()
    panel.show_call(call.model_copy(update={"summary": "Rebooked."}))
    assert panel.summary.text() == "Rebooked."


def test_tree_height_follows_what_is_expanded(qtbot):
    panel = make_panel(qtbot)
    panel.show_call(ended_call())
    open_height = panel.data_tree.height()
    panel.data_tree.collapseAll()
    assert panel.data_tree.height() < open_height
    panel.data_tree.expandAll()
    assert panel.data_tree.height() == open_height
