"""The analysis pane shows the newer report fields where present (issue 12, item 4)."""

from __future__ import annotations

from app.ui.analysis import TREE_LIMIT, AnalysisPanel
from tests.ui.sample_calls import ended_call, reported_call
from tests.ui.shown import shown


def tree_texts(tree) -> list[str]:
    found, pending = [], [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    while pending:
        item = pending.pop(0)
        found.append(f"{item.text(0)}={item.text(1)}")
        pending.extend(item.child(i) for i in range(item.childCount()))
    return found


def table_rows(table) -> list[list[str]]:
    return [[table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
            for r in range(table.rowCount())]


def test_every_newer_field_has_its_place(qtbot):
    panel = shown(qtbot, AnalysisPanel(), 420, 900)
    panel.show_call(reported_call())
    assert panel.ended_message.text() == "The phone provider closed the audio connection unexpectedly."
    assert "CSAT=4" in tree_texts(panel.outputs_tree) and "Call objective achieved=true" in tree_texts(panel.outputs_tree)
    assert "Call quality=88%" in tree_texts(panel.outputs_tree)  # scorecards, normalised, with their points
    assert "CSAT=20" in tree_texts(panel.outputs_tree)  # points by structured output id, named by the output
    assert "outcome=2 items" in tree_texts(panel.outputs_tree) and "intent=reschedule" in tree_texts(panel.outputs_tree)
    assert "sentiment=8" in tree_texts(panel.outputs_tree)  # an entry of another shape is shown whole
    assert table_rows(panel.transfer_table) == [["+4930123456", "warm transfer say summary", "completed"]]
    latency = dict((r[0], r[1]) for r in table_rows(panel.latency_table))
    assert latency["Turn (average)"] == "990 ms" and latency["Slowest turn"] == "1,240 ms"
    assert latency["Interrupted"] == "assistant 2× · caller 1×"
    costs = table_rows(panel.cost_table)
    assert costs[2] == ["Language model · openai gpt-4o", "$0.0187", "4,812 in + 311 out tokens"]
    assert costs[-1][:2] == ["Total", "$0.0728"]
    for section in (panel.outputs_section, panel.transfer_section, panel.latency_section):
        assert section.isVisible()


def test_a_call_without_them_shows_none_of_their_sections(qtbot):
    panel = shown(qtbot, AnalysisPanel(), 420, 900)
    panel.show_call(ended_call())
    assert not panel.ended_message.isVisible()
    for section in (panel.outputs_section, panel.transfer_section, panel.latency_section):
        assert not section.isVisible()


def test_a_huge_structured_data_lays_out_a_bounded_tree(qtbot):
    panel = shown(qtbot, AnalysisPanel(), 420, 900)
    data = {f"field{i}": list(range(1000)) for i in range(5000)}
    panel.show_call(ended_call().model_copy(update={"structured_data": data}))
    tree = panel.data_tree
    assert len(tree_texts(tree)) <= TREE_LIMIT + 2  # and a row at each cut saying what was left out
    assert "…=4,999 more not shown" in tree_texts(tree) and "…=601 more not shown" in tree_texts(tree)
